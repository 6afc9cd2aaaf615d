import XMLRPC

/// `system.*`: the server's version (which lavacli reads first, to pick its calls), who is
/// calling, and the list and help of every method.
enum SystemRPC {
    /// The system methods, which describe `others` as well as themselves.
    static func methods(server: Server, others: [RPCMethod]) -> [RPCMethod] {
        let version = RPCMethod(name: "system.version", parameters: [], help: "The server's version, e.g. 2023.01.") { _ in
            .string(server.configuration.version)
        }
        let whoami = RPCMethod(name: "system.whoami", parameters: [], help: "The calling user's name, or None when anonymous.") { call in
            .string(call.user?.name)
        }
        let list = (name: "system.listMethods", parameters: [String](), help: "Every method's name, sorted.")
        let describe = (name: "system.methodHelp", parameters: ["method_name"], help: "What a method does and takes.")
        let described = (others + [version, whoami]).map { ($0.name, $0.parameters, $0.help) }
            + [(list.name, list.parameters, list.help), (describe.name, describe.parameters, describe.help)]
        let names = described.map(\.0).sorted()
        let help = Dictionary(described.map { name, parameters, text in
            (name, "\(name)(\(parameters.joined(separator: ", ")))\n\n\(text)")
        }) { first, _ in first }
        return [
            version, whoami,
            RPCMethod(name: list.name, parameters: list.parameters, help: list.help) { _ in
                .array(names.map(XMLRPCValue.string))
            },
            RPCMethod(name: describe.name, parameters: describe.parameters, help: describe.help) { call in
                // As LAVA: "" for a method it does not have.
                .string(help[try call.arguments.string(0)] ?? "")
            },
        ]
    }
}
