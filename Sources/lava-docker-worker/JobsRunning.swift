import Foundation
import LavaWorker

/// The jobs of `<worker-dir>/db.sqlite3` that lava-run still runs (or cancels), as the worker in
/// the container sees them; nil when the file cannot be read. Opened at each scrape, not held,
/// so the supervisor keeps no lock on the worker's database.
func jobsRunning(workerDirectory: String) -> Int? {
    let directory = URL(fileURLWithPath: workerDirectory, isDirectory: true)
    // No database yet: the worker has run no job.
    guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("db.sqlite3").path) else { return 0 }
    guard let jobs = try? LocalJobStore(workerDirectory: directory).all() else { return nil }
    return jobs.filter { $0.status != .finished }.count
}
