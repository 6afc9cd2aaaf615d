/// The variables of the overlay's `environment` file, in LAVA's order (spec §7.2): the device
/// dictionary's `environment`, the job's `environment`, then the LAVA_* variables.
public struct TestShellEnvironment: Sendable, Equatable {
    /// A shell variable: the same name-and-value pair as a test's parameters.
    public typealias Variable = ShellParameter

    public let variables: [Variable]

    public init(variables: [Variable]) {
        self.variables = variables
    }

    /// - Parameters:
    ///   - device: the device dictionary's `environment`, in order.
    ///   - job: the job's `environment`, in order.
    ///   - tags: the job's tags, exported comma-joined as LAVA_JOB_TAGS.
    public init(
        device: [Variable] = [], job: [Variable] = [], jobID: String, dispatcherIP: String? = nil,
        tags: [String] = [], dispatcherPrefix: String? = nil, deviceHostname: String? = nil, deviceType: String? = nil
    ) {
        var variables = device + job
        variables.append(Variable(name: "LAVA_JOB_ID", value: jobID))
        if let dispatcherIP { variables.append(Variable(name: "LAVA_DISPATCHER_IP", value: dispatcherIP)) }
        variables.append(Variable(name: "LAVA_JOB_TAGS", value: tags.joined(separator: ",")))
        if let dispatcherPrefix { variables.append(Variable(name: "LAVA_DISPATCHER_PREFIX", value: dispatcherPrefix)) }
        if let deviceHostname { variables.append(Variable(name: "LAVA_DEVICE_HOSTNAME", value: deviceHostname)) }
        if let deviceType { variables.append(Variable(name: "LAVA_DEVICE_TYPE", value: deviceType)) }
        self.variables = variables
    }

    /// The `environment` file: `export NAME=<shell-quoted value>` lines, sourced before the runner.
    var fileText: String {
        variables.map { "export \($0.name)=\(ShellQuoting.quote($0.value))\n" }.joined()
    }
}
