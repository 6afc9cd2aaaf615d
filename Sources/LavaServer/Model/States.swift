/// Whether a worker answers: computed by the server from pings (spec §4.1).
public enum WorkerState: Int, Sendable, CaseIterable {
    case online = 0
    case offline = 1

    public var name: String { self == .online ? "Online" : "Offline" }
}

/// Set by admins (spec §4.1).
public enum WorkerHealth: Int, Sendable, CaseIterable {
    case active = 0
    case maintenance = 1
    case retired = 2

    public var name: String {
        switch self {
        case .active: "Active"
        case .maintenance: "Maintenance"
        case .retired: "Retired"
        }
    }

    /// Any case: LAVA's clients send ACTIVE, MAINTENANCE, RETIRED.
    public init?(name: String) {
        guard let health = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = health
    }
}

public enum DeviceState: Int, Sendable, CaseIterable {
    case idle = 0
    case reserved = 1
    case running = 2

    public var name: String {
        switch self {
        case .idle: "Idle"
        case .reserved: "Reserved"
        case .running: "Running"
        }
    }
}

public enum DeviceHealth: Int, Sendable, CaseIterable {
    case good = 0
    case unknown = 1
    case looping = 2
    case bad = 3
    case maintenance = 4
    case retired = 5

    public var name: String {
        switch self {
        case .good: "Good"
        case .unknown: "Unknown"
        case .looping: "Looping"
        case .bad: "Bad"
        case .maintenance: "Maintenance"
        case .retired: "Retired"
        }
    }

    public init?(name: String) {
        guard let health = Self.allCases.first(where: { $0.name.lowercased() == name.lowercased() }) else { return nil }
        self = health
    }
}

/// A job's life (spec §4.1); transitions never go backwards.
public enum JobState: Int, Sendable, CaseIterable {
    case submitted = 0
    case scheduling = 1
    case scheduled = 2
    case running = 3
    case canceling = 4
    case finished = 5

    public var name: String {
        switch self {
        case .submitted: "Submitted"
        case .scheduling: "Scheduling"
        case .scheduled: "Scheduled"
        case .running: "Running"
        case .canceling: "Canceling"
        case .finished: "Finished"
        }
    }

    /// Parses the capitalised display name the worker API and REST filters use.
    public init?(name: String) {
        guard let state = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = state
    }

    /// Scheduled, Running or Canceling: a worker holds the job and its token.
    var isOnWorker: Bool { self == .scheduled || self == .running || self == .canceling }
}

public enum JobHealth: Int, Sendable, CaseIterable {
    case unknown = 0
    case complete = 1
    case incomplete = 2
    case canceled = 3

    public var name: String {
        switch self {
        case .unknown: "Unknown"
        case .complete: "Complete"
        case .incomplete: "Incomplete"
        case .canceled: "Canceled"
        }
    }

    public init?(name: String) {
        guard let health = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = health
    }
}
