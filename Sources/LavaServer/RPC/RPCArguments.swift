import XMLRPC

/// A call's positional arguments, read as the method's signature says; Python callers leave
/// trailing ones out or send `None` for a default.
struct RPCArguments: Sendable {
    let method: String
    let values: [XMLRPCValue]
    private let names: [String]

    /// Refuses more arguments than the method takes.
    init(method: String, values: [XMLRPCValue], accepting names: [String]) throws(XMLRPCFault) {
        guard values.count <= names.count else {
            throw .invalidParameters("\(method)(\(names.joined(separator: ", "))) takes at most \(names.count) arguments, not \(values.count)")
        }
        self.method = method
        self.values = values
        self.names = names
    }

    private func value(_ index: Int) -> XMLRPCValue {
        index < values.count ? values[index] : .nil
    }

    private func wrongType(_ index: Int, _ expected: String) -> XMLRPCFault {
        .invalidParameters("'\(index < names.count ? names[index] : "argument \(index + 1)")' must be \(expected), not \(value(index).typeName)")
    }

    /// A string that must be given.
    func string(_ index: Int) throws(XMLRPCFault) -> String {
        guard case .string(let text) = value(index) else { throw wrongType(index, "a string") }
        return text
    }

    func optionalString(_ index: Int) throws(XMLRPCFault) -> String? {
        switch value(index) {
        case .nil: return nil
        case .string(let text): return text
        default: throw wrongType(index, "a string or None")
        }
    }

    func int(_ index: Int, default fallback: Int) throws(XMLRPCFault) -> Int {
        try optionalInt(index) ?? fallback
    }

    func optionalInt(_ index: Int) throws(XMLRPCFault) -> Int? {
        switch value(index) {
        case .nil: return nil
        case .int(let number): return number
        default: throw wrongType(index, "an integer or None")
        }
    }

    func bool(_ index: Int, default fallback: Bool) throws(XMLRPCFault) -> Bool {
        switch value(index) {
        case .nil: return fallback
        case .bool(let flag): return flag
        // Python's True is 1 to a careless caller.
        case .int(let number) where number == 0 || number == 1: return number == 1
        default: throw wrongType(index, "a boolean")
        }
    }

    /// A job id as lavacli sends it: a string from its command line, an int from a submit.
    /// Anything else names no job (LAVA answers an internal error there).
    func jobID(_ index: Int) throws(XMLRPCFault) -> Int {
        let text: String
        switch value(index) {
        case .int(let number): text = String(number)
        case .string(let given): text = given
        case .nil: throw XMLRPCFault(400, "Bad request: TestJob id was not specified.")
        default: throw wrongType(index, "a job id")
        }
        guard let id = Int(text), (1...RequestInteger.maxPosition).contains(id) else {
            throw XMLRPCFault(404, "Job '\(text.prefix(40))' was not found.")
        }
        return id
    }
}
