import Yams

/// The worker's dispatcher configuration (`dispatcher.yaml`, sent with each job), the keys the
/// worker side reads.
public enum DispatcherConfiguration {
    /// The start of the job's directory and container names.
    public static func prefix(_ yaml: String) -> String {
        value("prefix", in: yaml) ?? ""
    }

    /// `dispatcher_ip`: the worker's address as the DUT should use it (`LAVA_DISPATCHER_IP`).
    public static func dispatcherIP(_ yaml: String) -> String? {
        value("dispatcher_ip", in: yaml)
    }

    private static func value(_ key: String, in yaml: String) -> String? {
        (try? UntrustedYAML.compose(yaml))?.mapping?[key]?.string
    }
}
