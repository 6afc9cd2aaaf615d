import Foundation
import LavaCore
import Yams

extension JobLogStore {
    /// Keeps lava-run's pipeline description beside the log as LAVA does (`description.yaml`).
    /// Best effort: the job's end is recorded even when this file cannot be written.
    func saveDescription(_ job: JobLogKey, _ text: String) async {
        try? await save(job, .description, text: text)
    }

    /// Keeps what the worker was handed beside the job's log, as LAVA does (spec §2.3 step 4):
    /// `job.yaml`, `device.yaml`, and `dispatcher.yaml`, `env.yaml`, `env-dut.yaml` when not empty.
    /// Best effort, like `saveDescription`.
    func saveJobFiles(_ job: JobLogKey, _ files: JobFetchResponse) async {
        let named: [(JobFile, String)] = [(.job, files.definition), (.device, files.device), (.dispatcher, files.dispatcher),
                                          (.env, files.env), (.envDUT, files.envDUT)]
        for (file, text) in named where !text.isEmpty || file == .job || file == .device {
            try? await save(job, file, text: text)
        }
    }

    /// Merges a result's `extra` mapping into its file, as LAVA does (spec §5.3); merging the same
    /// keys again after a resend changes nothing.
    func mergeExtra(_ extra: ResultExtra, job: JobLogKey) async throws {
        // Suite, case and level come from the log record: the name must stay inside metadata/.
        let file = JobFile.metadata(try PathComponent(extra.fileName))
        let added = try UntrustedYAML.load(extra.yaml) as? [String: Any] ?? [:]
        try await save(job, file, text: try ResultMetadata.merged(try await self.file(job, file), added))
    }
}

/// A result's `extra` file (`metadata/…`): a mapping that every result of its name adds keys to.
enum ResultMetadata {
    /// `older`'s keys with `newer`'s added over them, as the file's text; an `older` that is no
    /// mapping counts as empty.
    static func merged(_ older: String?, _ newer: [String: Any]) throws -> String {
        var merged = older.flatMap { try? UntrustedYAML.load($0) as? [String: Any] } ?? [:]
        merged.merge(newer) { _, new in new }
        return try Yams.dump(object: merged, sortKeys: true)
    }

    /// The keys of two versions of one file, `newer`'s over `older`'s: a log being moved may have
    /// keys added in either store.
    static func merged(_ older: String?, _ newer: String) throws -> String {
        try merged(older, (try? UntrustedYAML.load(newer) as? [String: Any]) ?? [:])
    }
}

extension JobLogFiles {
    /// `<output_dir>/metadata`, where LAVA keeps the `extra` data of results.
    func metadataDirectory(jobID: Int, submitTime: Double) -> URL {
        directory(jobID: jobID, submitTime: submitTime).appendingPathComponent("metadata", isDirectory: true)
    }
}
