import XMLRPC

/// One method of `/RPC2`: its name as lavacli calls it, its parameters' names (how many it
/// takes, and what errors call them), the help `system.methodHelp` gives, and what it does.
struct RPCMethod: Sendable {
    let name: String
    let parameters: [String]
    let help: String
    let call: @Sendable (RPCCall) async throws -> XMLRPCValue
}

/// A call being answered: who asks (nil when anonymous) and the arguments.
struct RPCCall: Sendable {
    let user: UserRecord?
    let arguments: RPCArguments

    /// LAVA's 401 for a method that needs a user.
    func requireUser() throws(XMLRPCFault) -> UserRecord {
        guard let user else { throw XMLRPCFault(401, "Authentication with user and token required for this API.") }
        return user
    }

    /// 401 when anonymous, 403 for a user who is not an admin.
    func requireAdmin(to action: String) throws(XMLRPCFault) -> UserRecord {
        let user = try requireUser()
        guard user.isAdmin else { throw XMLRPCFault(403, "Only admins may \(action); '\(user.name)' is not one.") }
        return user
    }
}
