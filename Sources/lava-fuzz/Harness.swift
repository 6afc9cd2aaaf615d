/// A fuzz target: its name on the command line and the checks it runs on one input. A check that
/// fails calls `expect`, which traps so that libFuzzer keeps the input as a reproducer.
struct Harness: Sendable {
    let name: String
    let run: @Sendable (_ input: [UInt8]) -> Void

    static let all: [Harness] = [
        LogBatchHarness.harness,
        LogLineHarness.harness,
        JobDefinitionHarness.harness,
        FormHarness.harness,
        SignalParserHarness.harness,
        TarListingHarness.harness,
        VersionPolicyHarness.harness,
        DockerStreamHarness.harness,
        DeviceTemplateHarness.harness,
        WebSocketHarness.harness,
        XMLRPCHarness.harness,
    ]
}

/// Traps with `message` when `condition` does not hold: the property a harness checks was broken.
func expect(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition { fatalError("lava-fuzz: \(message())") }
}
