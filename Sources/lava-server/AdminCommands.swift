import ArgumentParser
import Foundation
import LavaCore
import LavaServer

struct UsersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "users", abstract: "Manage users.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user and print their API token (shown once).")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String
        @Flag(help: "Make the user an admin.") var admin = false

        func run() async throws {
            let token = try await storage.withDatabase { try await Inventory(database: $0).addUser(name, isAdmin: admin) }
            print(token)
        }
    }
}

struct GroupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "groups", abstract: "Manage groups of users, who see the jobs submitted with visibility: {group: [...]}.",
        subcommands: [Add.self, AddUser.self, RemoveUser.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a group.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String

        func run() async throws {
            try await storage.withDatabase { try await Inventory(database: $0).addGroup(name) }
        }
    }

    struct AddUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add-user", abstract: "Put a user in a group.")
        @OptionGroup var storage: StorageOptions
        @Argument var group: String
        @Argument var user: String

        func run() async throws {
            try await storage.withDatabase { try await Inventory(database: $0).setMembership(group: group, user: user, member: true) }
        }
    }

    struct RemoveUser: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "remove-user", abstract: "Take a user out of a group.")
        @OptionGroup var storage: StorageOptions
        @Argument var group: String
        @Argument var user: String

        func run() async throws {
            try await storage.withDatabase { try await Inventory(database: $0).setMembership(group: group, user: user, member: false) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List groups with their members.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            for group in try await storage.withDatabase({ try await Inventory(database: $0).groups() }) {
                print([group.name, group.members.joined(separator: ",")].joined(separator: "\t"))
            }
        }
    }
}

struct WorkersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workers", abstract: "Manage workers.",
        subcommands: [Add.self, List.self, Token.self, Maintenance.self, Active.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a worker; print its token (shown once) and the command that installs it on the lab host.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String
        @Option(help: "This server's URL as the lab host reaches it.") var url: String = "http://\(ProcessInfo.processInfo.hostName):8000"
        @Option(help: "Description shown in the worker list.") var description: String = ""

        func run() async throws {
            let token = try await storage.withDatabase { try await Inventory(database: $0).addWorker(name, description: description) }
            print("token: \(token)")
            print("install on the lab host with:")
            print("  lava-docker-worker install --url \(url) --name \(name) --token \(token)")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workers with state, health and version.")
        @OptionGroup var storage: StorageOptions

        func run() async throws {
            let workers = try await storage.withDatabase { try await Inventory(database: $0).workers() }
            for worker in workers {
                print([worker.name, worker.state.name, worker.health.name, worker.version ?? "-"].joined(separator: "\t"))
            }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a worker a new token (the old one stops working) and print it.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String

        func run() async throws {
            print(try await storage.withDatabase { try await Inventory(database: $0).renewWorkerToken(name) })
        }
    }

    struct Maintenance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Put a worker in maintenance: it keeps its jobs and gets no new ones.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String

        func run() async throws {
            try await storage.withDatabase { try await Inventory(database: $0).setWorkerHealth(name, .maintenance) }
        }
    }

    struct Active: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a worker active again.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String

        func run() async throws {
            try await storage.withDatabase { try await Inventory(database: $0).setWorkerHealth(name, .active) }
        }
    }
}

struct DeviceTypesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "device-types", abstract: "Manage device types.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a device type.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String

        func run() async throws {
            try await storage.withDatabase { try await Inventory(database: $0).addDeviceType(name) }
        }
    }
}

struct DevicesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "devices", abstract: "Manage devices.", subcommands: [Add.self, Update.self, Dictionary.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a device of a type, attached to a worker. It starts Good (LAVA: Maintenance) so jobs can run at once.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String
        @Option(name: .customLong("type"), help: "Its device type.") var deviceType: String
        @Option(help: "The worker it is attached to.") var worker: String
        @Option(help: DevicesCommand.dictionaryHelp) var dictionary: String?
        @Option(help: "Initial health: Good (default: jobs run at once), Unknown, Maintenance, …") var health: String = "Good"

        func run() async throws {
            guard let initial = DeviceHealth(name: health) else {
                throw ValidationError("--health must be one of \(DeviceHealth.allCases.map(\.name).joined(separator: ", "))")
            }
            let checked = try dictionary.map { try DevicesCommand.read($0, storage) } ?? .none
            try await storage.withDatabase {
                try await Inventory(database: $0).addDevice(name: name, type: deviceType, worker: worker, health: initial, dictionary: checked)
            }
            let templates = try storage.deviceTemplates()
            if dictionary == nil, !templates.hasTemplate(forType: deviceType) {
                let directories = templates.directories.map(\.path).joined(separator: ", ")
                FileHandle.standardError.write(Data(("note: no template \(deviceType).jinja2 in \(directories): its jobs get an empty "
                    + "configuration until one is installed or the device gets a dictionary "
                    + "(`lava-server devices update \(name) --dictionary FILE`)\n").utf8))
            }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Replace a device's dictionary; its next job gets the new configuration.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String
        @Option(help: DevicesCommand.dictionaryHelp) var dictionary: String

        func run() async throws {
            let checked = try DevicesCommand.read(dictionary, storage)
            try await storage.withDatabase { try await Inventory(database: $0).setDictionary(device: name, checked) }
        }
    }

    struct Dictionary: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a device's dictionary, or with --render the configuration its jobs get.")
        @OptionGroup var storage: StorageOptions
        @Argument var name: String
        @Flag(help: "Render it against the device-type templates, as for a job without context.") var render = false

        func run() async throws {
            let device = try await storage.withDatabase { try await Inventory(database: $0).device(name) }
            guard render else {
                print(device.dictionary, terminator: device.dictionary.hasSuffix("\n") || device.dictionary.isEmpty ? "" : "\n")
                return
            }
            do {
                print(try storage.deviceTemplates().configuration(device: device, context: .empty), terminator: "")
            } catch let error as DeviceConfigurationError {
                throw ValidationError("\(error)")
            }
        }
    }

    static let dictionaryHelp = ArgumentHelp(
        "The device's dictionary: LAVA's Jinja2 (`{% extends 'docker.jinja2' %}` and `{% set docker_volumes = [...] %}` lines), rendered against the device-type templates at each job; checked here, so a broken one is refused with its file and line.",
        valueName: "file")

    /// Reads and checks a dictionary file: nothing is stored when it does not render.
    static func read(_ path: String, _ storage: StorageOptions) throws -> DeviceDictionary {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ValidationError("cannot read --dictionary \(path): \(error.localizedDescription)")
        }
        do {
            return try DeviceDictionary(text, file: path, templates: storage.deviceTemplates())
        } catch let error as DeviceConfigurationError {
            throw ValidationError("\(error)")
        }
    }
}

struct VersionPolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version-policy",
        abstract: "Show or set which worker versions the server accepts, the version it runs next, and the image digests it expects.",
        discussion: """
            'exact' (the default, as LAVA) accepts only the server's own version; a comma-separated list also accepts \
            those versions, for a planned roll-out.

            Beyond LAVA: --next announces the version the servers will run next. GET /api/v0.2/system/version/ \
            tells it (next_version, which LAVA's clients ignore) and the event stream announces it, so every \
            lava-docker-worker pulls that version's image ahead: on upgrade day only the container swap remains. \
            --next-digest and --digest name the digest the image of the next version and of this lava-server's \
            version must have (next_digest, digest); lava-docker-worker refuses an image whose registry digest \
            differs, and says why. A digest stays with its version: once the servers run the next version, its \
            digest is the one expected.

            Without arguments: prints the policy, then the next version and the digests that are set.
            """
    )
    @OptionGroup var storage: StorageOptions
    @Argument(help: "exact, or VERSION[,VERSION…]; omit to keep the current policy.") var policy: String?
    @Option(help: ArgumentHelp("Announce the version the servers run next (e.g. 2027.01): lava-docker-worker pulls its image ahead.",
                               valueName: "version"))
    var next: String?
    @Flag(help: "Withdraw the announced next version (and its digest).") var noNext = false
    @Option(help: ArgumentHelp("The digest the next version's image must have: sha256: and 64 lowercase hex digits, as `docker images --digests` shows it.",
                               valueName: "sha256:hex"))
    var nextDigest: String?
    @Flag(help: "Expect no particular digest of the next version's image.") var noNextDigest = false
    @Option(help: ArgumentHelp("The digest the image of this lava-server's version (\(LavaVersion.current)) must have.",
                               valueName: "sha256:hex"))
    var digest: String?
    @Flag(help: "Expect no particular digest of the image of this lava-server's version.") var noDigest = false

    func validate() throws {
        for (set, clear, name) in [(next != nil, noNext, "next"), (nextDigest != nil, noNextDigest, "next-digest"),
                                   (digest != nil, noDigest, "digest")] where set && clear {
            throw ValidationError("--\(name) and --no-\(name) contradict each other: give one")
        }
        if noNext && nextDigest != nil {
            throw ValidationError("--next-digest with --no-next: there is no next version for the digest")
        }
    }

    func run() async throws {
        let server = LavaVersion.current
        try await storage.withDatabase { database in
            let inventory = Inventory(database: database)
            // Everything is read and checked first: an error stores nothing.
            do {
                var newPolicy: VersionPolicy?
                if let policy { newPolicy = try VersionPolicy(parsing: policy) }
                var newPlan: UpgradePlan?
                let changes = [Self.change(next, noNext), Self.change(nextDigest, noNextDigest), Self.change(digest, noDigest)]
                if changes != [.keep, .keep, .keep] {
                    newPlan = try await inventory.upgradePlan().changed(next: changes[0], nextDigest: changes[1], digest: changes[2],
                                                                         server: server)
                }
                if newPolicy != nil || newPlan != nil {
                    try await inventory.setVersionSettings(policy: newPolicy, plan: newPlan, server: server)
                }
            } catch let error as VersionPolicyError {
                throw ValidationError(error.description)
            }
            print(try await inventory.versionPolicy().description)
            for line in try await inventory.upgradePlan().lines(server: server) { print(line) }
        }
    }

    private static func change(_ value: String?, _ clear: Bool) -> UpgradePlan.Change {
        if let value { return .set(value) }
        return clear ? .clear : .keep
    }
}

extension AdminError: LocalizedError {
    public var errorDescription: String? { description }
}
