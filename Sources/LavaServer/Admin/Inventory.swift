import Foundation
import LavaCore

/// Admin changes to device types, devices, workers and users, shared by the CLI and the REST API.
public struct Inventory: Sendable {
    let database: any Database

    public init(database: any Database) {
        self.database = database
    }

    public func addDeviceType(_ name: String) async throws {
        try Self.check(.deviceType, name)
        try await database.write { db in
            if try await DeviceStore.typeExists(db, name: name) {
                throw AdminError(.conflict, "Device type '\(name)' already exists")
            }
            try await DeviceStore.insertType(db, name: name)
        }
    }

    @discardableResult
    public func addDevice(name: String, type: String, worker: String, health: DeviceHealth = .good, dictionary: DeviceDictionary = .none) async throws -> DeviceRecord {
        try Self.check(.device, name)
        return try await database.write { db in
            guard try await DeviceStore.typeExists(db, name: type) else {
                throw AdminError(.badRequest, "Unknown device type '\(type)': add it first with `lava-server device-types add \(type)`")
            }
            guard try await WorkerStore.find(db, name: worker) != nil else {
                throw AdminError(.badRequest, "Unknown worker '\(worker)': add it first with `lava-server workers add \(worker)`")
            }
            if try await DeviceStore.find(db, name: name) != nil {
                throw AdminError(.conflict, "Device '\(name)' already exists")
            }
            try await DeviceStore.insert(db, name: name, type: type, worker: worker, health: health, dictionary: dictionary.text)
            return DeviceRecord(name: name, deviceType: type, worker: worker, state: .idle, health: health, dictionary: dictionary.text)
        }
    }

    /// Replaces a device's dictionary; the next job fetch renders the new one.
    public func setDictionary(device: String, _ dictionary: DeviceDictionary) async throws {
        try await database.write { db in
            guard try await DeviceStore.setDictionary(db, name: device, dictionary: dictionary.text) else {
                throw AdminError(.notFound, "Unknown device '\(device)'")
            }
        }
    }

    public func device(_ name: String) async throws -> DeviceRecord {
        guard let device = try await database.read({ try await DeviceStore.find($0, name: name) }) else {
            throw AdminError(.notFound, "Unknown device '\(name)'")
        }
        return device
    }

    /// Creates a worker and returns its token, shown this once.
    public func addWorker(_ name: String, description: String = "") async throws -> String {
        try Self.check(.worker, name)
        let token = Token.generate()
        try await database.write { db in
            if try await WorkerStore.find(db, name: name) != nil {
                throw AdminError(.conflict, "Worker '\(name)' already exists; `lava-server workers token \(name)` makes a new token")
            }
            try await WorkerStore.insert(db, name: name, tokenHash: Token.hash(token), description: description)
        }
        return token
    }

    /// Replaces a worker's token (the old one stops working) and returns the new one.
    public func renewWorkerToken(_ name: String) async throws -> String {
        let token = Token.generate()
        try await database.write { db in
            guard try await WorkerStore.find(db, name: name) != nil else { throw AdminError(.notFound, "Unknown worker '\(name)'") }
            try await WorkerStore.setTokenHash(db, name: name, tokenHash: Token.hash(token))
        }
        return token
    }

    public func setWorkerHealth(_ name: String, _ health: WorkerHealth) async throws {
        try await database.write { db in
            guard try await WorkerStore.setHealth(db, name: name, health: health) else {
                throw AdminError(.notFound, "Unknown worker '\(name)'")
            }
        }
    }

    /// Health, description and job limit at once (LAVA's `scheduler.workers.update`), each
    /// left as it is when nil; all or nothing.
    public func updateWorker(_ name: String, description: String?, health: WorkerHealth?, jobLimit: Int?) async throws {
        if let description, description.utf8.count > Self.maxDescription {
            throw AdminError(.badRequest, "The description is longer than \(Self.maxDescription) bytes")
        }
        if let jobLimit, !(0...Self.maxJobLimit).contains(jobLimit) {
            throw AdminError(.badRequest, "The job limit must be between 0 (no limit) and \(Self.maxJobLimit)")
        }
        try await database.write { db in
            guard try await WorkerStore.setDetails(db, name: name, description: description, jobLimit: jobLimit) else {
                throw AdminError(.notFound, "Unknown worker '\(name)'")
            }
            if let health { _ = try await WorkerStore.setHealth(db, name: name, health: health) }
        }
    }

    static let maxDescription = 4096
    static let maxJobLimit = 10_000

    public func setDeviceHealth(_ name: String, _ health: DeviceHealth) async throws {
        try await database.write { db in
            guard try await DeviceStore.setHealth(db, name: name, health: health) else {
                throw AdminError(.notFound, "Unknown device '\(name)'")
            }
        }
    }

    public func workers() async throws -> [WorkerRecord] {
        try await database.read { try await WorkerStore.all($0) }
    }

    /// Creates a user and returns their API token, shown this once.
    public func addUser(_ name: String, isAdmin: Bool) async throws -> String {
        try Self.check(.user, name)
        let token = Token.generate()
        try await database.write { db in
            if try await UserStore.exists(db, name: name) {
                throw AdminError(.conflict, "User '\(name)' already exists")
            }
            try await UserStore.insert(db, name: name, isAdmin: isAdmin, tokenHash: Token.hash(token), now: Date().timeIntervalSince1970)
        }
        return token
    }

    public func addGroup(_ name: String) async throws {
        try Self.check(.group, name)
        try await database.write { db in
            if try await GroupStore.exists(db, name: name) { throw AdminError(.conflict, "Group '\(name)' already exists") }
            try await GroupStore.insert(db, name: name)
        }
    }

    /// Puts a user in a group, or takes them out: what they may see changes at once.
    public func setMembership(group: String, user: String, member: Bool) async throws {
        try await database.write { db in
            guard try await GroupStore.exists(db, name: group) else {
                throw AdminError(.notFound, "Unknown group '\(group)': add it first with `lava-server groups add \(group)`")
            }
            guard try await UserStore.exists(db, name: user) else { throw AdminError(.notFound, "Unknown user '\(user)'") }
            if member {
                try await GroupStore.addMember(db, group: group, user: user)
            } else {
                try await GroupStore.removeMember(db, group: group, user: user)
            }
        }
    }

    public func groups() async throws -> [(name: String, members: [String])] {
        try await database.read { try await GroupStore.all($0) }
    }

    public func setVersionPolicy(_ policy: VersionPolicy) async throws {
        try await database.write { try await SettingsStore.set($0, SettingsStore.versionPolicy, policy.description) }
    }

    /// The version policy and the upgrade plan in one transaction (nothing stored half-way); a
    /// changed plan is announced to the event stream's listeners. `server`: this lava-server's version.
    public func setVersionSettings(policy: VersionPolicy?, plan: UpgradePlan?, server: String) async throws {
        try await database.write { db in
            if let policy { try await SettingsStore.set(db, SettingsStore.versionPolicy, policy.description) }
            guard let plan, try await SettingsStore.upgradePlan(db) != plan else { return }
            try await SettingsStore.set(db, SettingsStore.nextVersion, plan.next ?? "")
            try await SettingsStore.set(db, SettingsStore.imageDigests, plan.digestsSetting)
            ChangeSet.announce(ChangeEvents.nextVersion(plan, server: server))
        }
    }

    public func upgradePlan() async throws -> UpgradePlan {
        try await database.read { try await SettingsStore.upgradePlan($0) }
    }

    public func versionPolicy() async throws -> VersionPolicy {
        let text = try await database.read { try await SettingsStore.get($0, SettingsStore.versionPolicy) }
        return try VersionPolicy(parsing: text ?? "exact")
    }

    private static func check(_ kind: ObjectName, _ name: String) throws(AdminError) {
        do {
            try kind.check(name)
        } catch {
            throw AdminError(.badRequest, error.description.prefix(1).uppercased() + error.description.dropFirst())
        }
    }
}
