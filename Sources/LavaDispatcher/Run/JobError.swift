/// Why a job ended Incomplete or Canceled, with LAVA's `error_type` (spec §3.5 `result.yaml`):
/// the server turns Infrastructure and Bug into a device health check, the others are the
/// job's own.
public struct JobError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// The job definition asks for something that cannot be done (`JobError`).
        case job = "Job"
        /// The worker, the Docker engine or the network failed.
        case infrastructure = "Infrastructure"
        /// The test itself raised an error (`lava-test-raise`, a timeout in a test).
        case test = "Test"
        /// The worker's configuration is wrong.
        case configuration = "Configuration"
        case canceled = "Canceled"
        /// lava-run itself went wrong.
        case bug = "Bug"
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    public static let canceled = JobError(.canceled, "The job was canceled")
    /// A second signal while the job was being canceled (LAVA's words).
    public static let canceledAgain = JobError(.canceled, "The job was canceled again (too long to cancel)")
    public static let deleted = JobError(.canceled, "The job was deleted on the lava-server")
}
