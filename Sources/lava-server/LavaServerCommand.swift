import ArgumentParser
import LavaCore

@main
struct LavaServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lava-server",
        abstract: "A LAVA-compatible server: the worker API, the REST API and the scheduler.",
        discussion: """
            With no setup, `lava-server serve` keeps everything in a SQLite file under the data directory \
            and runs the scheduler in-process. For PostgreSQL give --database postgres://USER@HOST/DB to \
            every command, and run `lava-server scheduler` beside any number of `serve --no-scheduler`.
            """,
        version: LavaVersion.current,
        subcommands: [
            Serve.self, SchedulerCommand.self, UsersCommand.self, GroupsCommand.self, WorkersCommand.self,
            DeviceTypesCommand.self, DevicesCommand.self, VersionPolicyCommand.self, LogsCommand.self,
        ]
    )
}
