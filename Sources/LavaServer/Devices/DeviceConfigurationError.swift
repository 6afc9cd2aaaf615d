import LavaCore

/// Why a device dictionary cannot become a device configuration; each names the file and, where
/// there is one, the line.
public enum DeviceConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The template language: a syntax error, an unknown template or filter, a bound exceeded.
    case template(TemplateError)
    /// The rendering is not YAML; `detail` carries the line of the rendering.
    case notYAML(file: String, detail: String)
    case notMapping(file: String)

    public var description: String {
        switch self {
        case .template(let error):
            "\(error)"
        case .notYAML(let file, let detail):
            "\(file): its rendering is not valid YAML: \(detail)"
        case .notMapping(let file):
            "\(file): its rendering is not a YAML mapping (a device configuration has constants, actions, timeouts, …)"
        }
    }
}
