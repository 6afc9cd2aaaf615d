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
            let handle: FileHandle
            if let output {
                guard FileManager.default.createFile(atPath: output, contents: nil) else {
                    throw ValidationError("cannot create \(output)")
                }
                guard let file = FileHandle(forWritingAtPath: output) else { throw ValidationError("cannot write \(output)") }
                handle = file
            } else {
                handle = FileHandle.standardOutput
            }
            defer { if output != nil { try? handle.close() } }
            let found = try await storage.withDatabase { database in
                try await LogExport(configuration: configuration, database: database).export(jobID: job) { try handle.write(contentsOf: $0) }
            }
            guard found else { throw ValidationError("job \(job) has no log yet") }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move every job's log, and the files beside it, into one store, while the servers run.",
            discussion: """
                Resumable: run it again after an interruption, and nothing is copied twice. Jobs still running \
                are moved too: what their workers send meanwhile reaches the new store. The old store keeps its \
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
                    print("job \(job.jobID): \(job.lines) lines, \(job.files) files")
                }
            }
            print("\(moved.count) jobs' logs moved to \(target)")
        }
    }
}
