import LavaCore
import Yams

extension TestDefinitionSource {
    /// The `definitions` of a test action, given as its parameters in block YAML (`JobAction.yaml`).
    /// Names must be unique within the action since each names a directory and a results suite.
    public static func list(fromTestAction yaml: String) throws(TestDefinitionError) -> [TestDefinitionSource] {
        let root: Node?
        do {
            root = try UntrustedYAML.compose(yaml)
        } catch {
            throw .invalidEntry(index: 0, "the test action is not valid YAML: \(error)")
        }
        guard let entries = root?.mapping?["definitions"]?.sequence, !entries.isEmpty else {
            throw .invalidEntry(index: 0, "the test action needs a non-empty 'definitions' list, e.g. definitions: "
                + "[{from: git, repository: <url>, path: smoke.yaml, name: smoke}]")
        }
        var sources: [TestDefinitionSource] = []
        for (index, entry) in entries.enumerated() {
            let source = try TestDefinitionSource(entry: entry, index: index)
            if let earlier = sources.first(where: { $0.name == source.name }) {
                throw .invalidEntry(index: index, "'name: \(source.name)' is already used by definition "
                    + "\(earlier.index): names must be unique within a test action")
            }
            sources.append(source)
        }
        return sources
    }
}
