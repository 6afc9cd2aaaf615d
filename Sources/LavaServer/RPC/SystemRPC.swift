import XMLRPC

/// `system.*`: the server's version (which lavacli reads first, to pick its calls), who is
/// calling, and the list and help of every method.
enum SystemRPC {
    /// The system methods, which describe `others` as well as themselves.
    static func methods(server: Server, others: [RPCMethod]) -> [RPCMethod] {
        var methods = [
            RPCMethod(name: "system.version", parameters: [], help: "The server's version, e.g. 2023.01.") { _ in
                .string(server.configuration.version)
            },
            RPCMethod(name: "system.whoami", parameters: [], help: "The calling user's name, or None when anonymous.") { call in
                .string(call.user?.name)
            },
        ]
        let described = others + methods + [
            RPCMethod(name: "system.listMethods", parameters: [], help: "Every method's name, sorted.") { _ in .nil },
            RPCMethod(name: "system.methodHelp", parameters: ["method_name"], help: "What a method does and takes.") { _ in .nil },
        ]
        let names = described.map(\.name).sorted()
        let help = Dictionary(described.map { method in
            (method.name, "\(method.name)(\(method.parameters.joined(separator: ", ")))\n\n\(method.help)")
        }) { first, _ in first }
        methods.append(RPCMethod(name: "system.listMethods", parameters: [], help: "") { _ in
            .array(names.map(XMLRPCValue.string))
        })
        methods.append(RPCMethod(name: "system.methodHelp", parameters: ["method_name"], help: "") { call in
            // As LAVA: "" for a method it does not have.
            .string(help[try call.arguments.string(0)] ?? "")
        })
        return methods
    }
}
