import Foundation

/// Renders device dictionaries against LAVA's device-type templates exactly as LAVA's
/// `SandboxedEnvironment(loader=FileSystemLoader(dirs), autoescape=False, trim_blocks=True)`
/// does, for the subset of Jinja2 the templates use (see TemplateLexer.swift).
public struct DeviceTemplateRenderer: Sendable {
    public let directories: [URL]
    public let limits: TemplateLimits

    /// `directories` is the template search path; the first one holding a name wins.
    public init(directories: [URL], limits: TemplateLimits = .standard) {
        self.directories = directories
        self.limits = limits
    }

    /// Renders `source` (a device dictionary; `name` is used in errors, e.g. "docker-01.jinja2")
    /// with `variables` as the render globals.
    public func render(_ source: String, name: String, variables: [String: TemplateValue] = [:]) throws(TemplateError) -> String {
        let template = try TemplateParser.parse(source, name: name, limits: limits)
        let render = TemplateRender(loader: TemplateLoader(directories: directories, limits: limits), limits: limits, variables: variables)
        return try render.run(template)
    }

    /// Whether `name` is a template in the search path (false for a name that is no file name).
    public func templateExists(_ name: String) -> Bool {
        guard let component = try? PathComponent(name) else { return false }
        return TemplateLoader(directories: directories, limits: limits).file(component) != nil
    }
}
