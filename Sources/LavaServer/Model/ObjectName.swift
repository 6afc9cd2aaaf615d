/// The names of workers, devices, device types, users and groups: LAVA's character sets and
/// lengths (its Django models), and never `.` or `..`, since worker and device-type names
/// become file names under the configuration directory.
public enum ObjectName: Sendable {
    case worker
    case device
    case deviceType
    case user
    case group

    /// LAVA: hostnames CharField(200), device types SlugField(50), Django users and groups 150.
    var maxLength: Int {
        switch self {
        case .worker, .device: 200
        case .deviceType: 50
        case .user, .group: 150
        }
    }

    var noun: String {
        switch self {
        case .worker: "worker"
        case .device: "device"
        case .deviceType: "device type"
        case .user: "user"
        case .group: "group"
        }
    }

    /// Device types are slugs in LAVA: no '.'.
    private var allowsDot: Bool { self != .deviceType }

    private var characters: String { allowsDot ? "letters, digits, '-', '_' and '.'" : "letters, digits, '-' and '_'" }

    public func check(_ name: String) throws(ObjectNameError) {
        guard !name.isEmpty else { throw ObjectNameError("a \(noun) name cannot be empty") }
        guard name.utf8.count <= maxLength else {
            throw ObjectNameError("a \(noun) name has at most \(maxLength) characters; this one has \(name.utf8.count)")
        }
        guard name != ".", name != ".." else { throw ObjectNameError("'\(name)' cannot be a \(noun) name") }
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || (allowsDot && byte == UInt8(ascii: "."))
        }
        guard allowed else {
            throw ObjectNameError("invalid \(noun) name '\(name.unicodeScalars.prefix(80).map { $0.escaped(asASCII: true) }.joined())': use \(characters)")
        }
    }
}

public struct ObjectNameError: Error, Sendable, CustomStringConvertible {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
