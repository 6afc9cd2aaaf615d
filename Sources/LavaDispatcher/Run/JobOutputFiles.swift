import Foundation
import LavaCore
import Yams

/// The files lava-run leaves in `--output-dir` for lava-worker's FINISHED report (spec §3.5,
/// §4.3): `description.yaml` once the job is read, `result.yaml` at the end.
public struct JobOutputFiles: Sendable {
    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    public func writeDescription(_ job: DockerJob) {
        let pipeline: [Node] = job.actions.map { action in
            Node([
                (Node("name"), Node(action.name)),
                (Node("level"), Node(action.level, Tag(.str), .singleQuoted)),
                (Node("timeout"), Node(String(action.timeout.components.seconds), Tag(.int))),
            ])
        }
        let root = Node([
            (Node("job"), Node([(Node("id"), Node(String(job.id), Tag(.int))), (Node("job_name"), Node(job.definition.jobName))])),
            (Node("pipeline"), Node(pipeline)),
        ])
        write("description.yaml", (try? Yams.serialize(node: root)) ?? "")
    }

    /// How the job ended (`result.yaml`).
    public func writeResult(_ error: JobError?) {
        let result = JobResultFile(passed: error == nil, errorMessage: error?.message, errorType: error?.kind.rawValue)
        write(JobResultFile.name, result.yaml)
    }

    private func write(_ name: String, _ text: String) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }
}
