import Foundation
import LavaCore
import Yams

/// The device-type templates, and a device's configuration rendered against them: LAVA's
/// `Device.load_configuration`. A device's dictionary (`{% extends 'docker.jinja2' %}` and its
/// `{% set %}` lines), or for a device without one `{% extends '<type>.jinja2' %}`, rendered with
/// the job's context. Rendered at each job fetch, so a changed template counts from the next job;
/// what each job got is kept as its `device.yaml`.
public struct DeviceTemplates: Sendable {
    /// Searched in order; the first directory holding a template wins.
    public let directories: [URL]
    private let renderer: DeviceTemplateRenderer

    public init(directories: [URL]) {
        self.directories = directories
        self.renderer = DeviceTemplateRenderer(directories: directories)
    }

    /// LAVA's search path (the admin's templates, then those of Debian's lava-server package when
    /// installed), then ours, copied from server/etc into `<config-dir>/device-types`.
    public static func defaultDirectories(configDirectory: URL) -> [URL] {
        [
            configDirectory.appendingPathComponent("dispatcher-config/device-types", isDirectory: true),
            URL(fileURLWithPath: "/usr/share/lava-server/device-types", isDirectory: true),
            configDirectory.appendingPathComponent("device-types", isDirectory: true),
        ]
    }

    /// Whether a device of `type` without a dictionary has a configuration.
    public func hasTemplate(forType type: String) -> Bool {
        renderer.templateExists(type + ".jinja2")
    }

    /// What the job fetch sends as `device`. A device without a dictionary whose type has no
    /// template gets "", as before templates: lava-run then names what is missing.
    public func configuration(device: DeviceRecord, context: JobContext) throws(DeviceConfigurationError) -> String {
        // Named as LAVA names a device's dictionary file.
        let file = device.name + ".jinja2"
        if device.dictionary.isEmpty {
            guard hasTemplate(forType: device.deviceType) else { return "" }
            return try rendering("{% extends '\(device.deviceType).jinja2' %}", file: file, variables: context.variables)
        }
        return try rendering(device.dictionary, file: file, variables: context.variables)
    }

    /// `dictionary` rendered as a job without context gets it, checked to be a YAML mapping.
    /// `file` names it in errors: the admin's file, or the device's.
    func rendering(_ dictionary: String, file: String, variables: [String: TemplateValue] = [:]) throws(DeviceConfigurationError) -> String {
        let text: String
        do {
            text = try renderer.render(dictionary, name: file, variables: variables)
        } catch {
            throw .template(error)
        }
        let root: Node?
        do {
            root = try UntrustedYAML.compose(text)
        } catch {
            throw .notYAML(file: file, detail: YAMLNodes.summary(of: error))
        }
        guard root?.mapping != nil else { throw .notMapping(file: file) }
        return text
    }
}
