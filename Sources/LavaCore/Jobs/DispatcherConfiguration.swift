import Yams

/// The worker's dispatcher configuration (`dispatcher.yaml`, sent with each job): only `prefix`
/// is read on the worker side, the start of the job's directory and container names.
public enum DispatcherConfiguration {
    public static func prefix(_ yaml: String) -> String {
        (try? Yams.compose(yaml: yaml))?.mapping?["prefix"]?.string ?? ""
    }
}
