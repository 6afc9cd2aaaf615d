import Yams

/// The one way to read YAML this process did not write: job and test definitions, log records,
/// results metadata, device dictionaries and configuration files. The document is checked
/// against `limits` before Yams builds anything, so a small document cannot cost the reader
/// gigabytes or minutes, nor overflow the stack of Yams' recursive composer.
public enum UntrustedYAML {
    /// Yams' node tree of `yaml` (aliases stay shared references).
    /// - Throws: `YAMLLimitError` over `limits`, or Yams' error for a document that is not YAML.
    public static func compose(_ yaml: String, limits: YAMLLimits = .document) throws -> Node? {
        try YAMLExpansionCheck.check(yaml, limits: limits)
        return try Yams.compose(yaml: yaml)
    }

    /// `yaml` as Swift values (`[String: Any]`, `[Any]`, scalars), where aliases become copies.
    /// - Throws: `YAMLLimitError` over `limits`, or Yams' error for a document that is not YAML.
    public static func load(_ yaml: String, limits: YAMLLimits = .document) throws -> Any? {
        try YAMLExpansionCheck.check(yaml, limits: limits)
        return try Yams.load(yaml: yaml)
    }
}
