import Foundation

extension JobLogStorage {
    /// Keeps lava-run's pipeline description beside the log as LAVA does (`description.yaml`).
    /// Best effort: the job's end is recorded even when this file cannot be written.
    func saveDescription(jobID: Int, submitTime: Double, _ text: String) {
        let directory = directory(jobID: jobID, submitTime: submitTime)
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? text.write(to: directory.appendingPathComponent("description.yaml"), atomically: true, encoding: .utf8)
    }
}
