import Foundation

/// The worker's jobs on disk, one small JSON file each in `<worker-dir>/jobs/`, so a restarted
/// worker neither loses nor restarts a job. Each save writes a temporary file, syncs it and
/// renames it over the old one: a crash leaves the old or the new state, never half of one.
/// (LAVA keeps a SQLite table; a file per job needs no database library on the worker.)
public struct LocalJobStore: Sendable {
    public let directory: URL

    public init(workerDirectory: URL) throws(LocalJobStoreError) {
        directory = workerDirectory.appendingPathComponent("jobs", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw LocalJobStoreError("cannot create \(directory.path): \(error.localizedDescription); check --worker-dir")
        }
    }

    public func all() throws(LocalJobStoreError) -> [LocalJob] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw LocalJobStoreError("cannot list \(directory.path): \(error.localizedDescription)")
        }
        var jobs: [LocalJob] = []
        for name in names where name.hasSuffix(".json") {
            let file = directory.appendingPathComponent(name)
            do {
                jobs.append(try JSONDecoder().decode(LocalJob.self, from: Data(contentsOf: file)))
            } catch {
                throw LocalJobStoreError("\(file.path) is not a job record (\(error.localizedDescription)); move it away to let the worker start")
            }
        }
        return jobs.sorted { $0.id < $1.id }
    }

    public func find(id: Int) throws(LocalJobStoreError) -> LocalJob? {
        try all().first { $0.id == id }
    }

    public func save(_ job: LocalJob) throws(LocalJobStoreError) {
        let file = directory.appendingPathComponent("\(job.id).json")
        let temporary = directory.appendingPathComponent(".\(job.id).json.tmp")
        do {
            let data = try JSONEncoder().encode(job)
            FileManager.default.createFile(atPath: temporary.path, contents: nil)
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, file.path) == 0 else {
                throw LocalJobStoreError("cannot rename \(temporary.path): \(String(cString: strerror(errno)))")
            }
        } catch let error as LocalJobStoreError {
            throw error
        } catch {
            throw LocalJobStoreError("cannot save job \(job.id) in \(directory.path): \(error.localizedDescription)")
        }
    }

    public func remove(id: Int) throws(LocalJobStoreError) {
        let file = directory.appendingPathComponent("\(id).json")
        guard unlink(file.path) == 0 || errno == ENOENT else {
            throw LocalJobStoreError("cannot remove \(file.path): \(String(cString: strerror(errno)))")
        }
    }
}

public struct LocalJobStoreError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
