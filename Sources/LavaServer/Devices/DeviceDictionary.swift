/// A device dictionary an admin gives (`devices add|update --dictionary`, the REST API), checked by
/// rendering it once: a broken one is refused there, with its file and line, and nothing is stored.
public struct DeviceDictionary: Sendable {
    public let text: String

    /// The device has none: it gets its type's template.
    public static let none = DeviceDictionary(checked: "")

    private init(checked text: String) {
        self.text = text
    }

    public init(_ text: String, file: String, templates: DeviceTemplates) throws(DeviceConfigurationError) {
        _ = try templates.rendering(text, file: file)
        self.init(checked: text)
    }
}
