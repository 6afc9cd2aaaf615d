import Foundation
import LavaCore
import Yams

extension JobLogStorage {
    /// Keeps lava-run's pipeline description beside the log as LAVA does (`description.yaml`).
    /// Best effort: the job's end is recorded even when this file cannot be written.
    func saveDescription(jobID: Int, submitTime: Double, _ text: String) {
        let directory = directory(jobID: jobID, submitTime: submitTime)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? text.write(to: directory.appendingPathComponent("description.yaml"), atomically: true, encoding: .utf8)
    }
}

extension JobLogStorage {
    /// Keeps what the worker was handed beside the job's log, as LAVA does (spec §2.3 step 4):
    /// `job.yaml`, `device.yaml`, and `dispatcher.yaml`, `env.yaml`, `env-dut.yaml` when not empty.
    /// Best effort, like `saveDescription`.
    func saveJobFiles(jobID: Int, submitTime: Double, _ files: JobFetchResponse) {
        let directory = directory(jobID: jobID, submitTime: submitTime)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let named = [("job.yaml", files.definition), ("device.yaml", files.device), ("dispatcher.yaml", files.dispatcher),
                     ("env.yaml", files.env), ("env-dut.yaml", files.envDUT)]
        for (name, text) in named where !text.isEmpty || name == "job.yaml" || name == "device.yaml" {
            try? text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
    }
}

extension JobLogStorage {
    /// `<output_dir>/metadata`, where LAVA keeps the `extra` data of results.
    func metadataDirectory(jobID: Int, submitTime: Double) -> URL {
        directory(jobID: jobID, submitTime: submitTime).appendingPathComponent("metadata", isDirectory: true)
    }

    /// Merges a result's `extra` mapping into its file, as LAVA does (spec §5.3); merging the same
    /// keys again after a resend changes nothing.
    func mergeExtra(_ extra: ResultExtra, jobID: Int, submitTime: Double) throws {
        let directory = metadataDirectory(jobID: jobID, submitTime: submitTime)
        // Suite, case and level come from the log record: the name must stay inside metadata/.
        let file = directory.appending(try PathComponent(extra.fileName))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var merged = (try? String(contentsOf: file, encoding: .utf8)).flatMap { try? UntrustedYAML.load($0) as? [String: Any] } ?? [:]
        if let added = try UntrustedYAML.load(extra.yaml) as? [String: Any] {
            merged.merge(added) { _, new in new }
        }
        try Yams.dump(object: merged, sortKeys: true).write(to: file, atomically: true, encoding: .utf8)
    }
}
