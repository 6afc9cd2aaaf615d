import ArgumentParser
import Foundation
import LavaServer

struct LogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logs", abstract: "Job logs: write one out as LAVA's output.yaml; move them between stores.",
        subcommands: [Export.self, Migrate.self]
    )

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a job's log as LAVA's output.yaml, from whichever store holds it.")
        @OptionGroup var storage: StorageOptions
        @Argument(help: "The job's id.") var job: Int
        @Option(help: "Write to this file instead of standard output.") var output: String?

        func run() async throws {
            let configuration = try storage.configuration()
            // The file is made only once there is a log to write into it.
            var file: FileHandle?
            defer { try? file?.close() }
            let found = try await storage.withDatabase { database in
                try await LogExport(configuration: configuration, database: database).export(jobID: job) { bytes in
                    guard let output else { return try FileHandle.standardOutput.write(contentsOf: bytes) }
                    if file == nil {
                        guard FileManager.default.createFile(atPath: output, contents: nil), let opened = FileHandle(forWritingAtPath: output) else {
                            throw ValidationError("cannot write \(output)")
                        }
                        file = opened
                    }
                    try file?.write(contentsOf: bytes)
                }
            }
            guard found else {
                FileHandle.standardError.write(Data("job \(job) has no log yet\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move every job's log, and the files beside it, into one store, while the servers run.",
            discussion: """
                Resumable: run it again after an interruption, and nothing is copied twice; a job whose move was \
                cut short is finished first, whatever --to says. Jobs still running are moved too: what their \
                workers send meanwhile reaches the new store. The old store keeps its \
                copy (remove job-output/ in the data directory yourself once the files are no longer wanted). \
                Give the servers --log-store with the same store, so that new jobs start there.
                """)
        @OptionGroup var storage: StorageOptions
        @Option(help: "files or database.") var to: String

        func run() async throws {
            guard let target = LogStoreKind(name: to) else { throw ValidationError("--to must be files or database, not '\(to)'") }
            let configuration = try storage.configuration()
            let moved = try await storage.withDatabase { database in
                try await LogMigration(configuration: configuration, database: database).migrate(to: target) { job in
                    print(job.notFound
                          ? "job \(job.jobID): no log here; left as it is (run this where its data directory is)"
                          : "job \(job.jobID): \(job.lines) lines, \(job.files) files")
                }
            }
            let notFound = moved.filter(\.notFound).count
            print("\(moved.count - notFound) jobs' logs moved to \(target)" + (notFound > 0 ? "; \(notFound) not found here" : ""))
        }
    }
}
