import Logging

/// The status as log lines only (no systemd); repeats of the same status are not logged again.
public final class LogStatus: SupervisorStatus {
    private let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func ready() {}

    public func status(_ text: String) {
        logger.debug("status: \(text)")
    }

    public func alive() {}

    public func stopping() {}
}
