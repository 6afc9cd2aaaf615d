import Foundation

/// Finds device-type templates by name in the search path, the first directory holding the name
/// winning (as Jinja2's FileSystemLoader); names come from input, so they are file names only.
struct TemplateLoader {
    let directories: [URL]
    let limits: TemplateLimits

    func file(named name: String) throws(RenderFailure) -> URL? {
        let component: PathComponent
        do {
            component = try PathComponent(name)
        } catch {
            throw RenderFailure("template \(error)")
        }
        return file(component)
    }

    /// The first directory's file named `component`.
    func file(_ component: PathComponent) -> URL? {
        for directory in directories {
            let url = directory.appending(component)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                return url
            }
        }
        return nil
    }

    func load(_ name: String) throws(RenderFailure) -> ParsedTemplate {
        guard let url = try file(named: name) else {
            let searched = directories.map(\.path).joined(separator: ", ")
            throw RenderFailure("template '\(name)' not found (searched: \(searched.isEmpty ? "no directories" : searched))")
        }
        let data: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            data = try handle.read(upToCount: limits.maxSourceBytes + 1) ?? Data()
        } catch {
            throw RenderFailure("template '\(name)' cannot be read: \(error.localizedDescription)")
        }
        guard data.count <= limits.maxSourceBytes else {
            throw RenderFailure("template '\(name)' is larger than \(limits.maxSourceBytes) bytes")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw RenderFailure("template '\(name)' is not valid UTF-8")
        }
        do {
            return try TemplateParser.parse(source, name: name, limits: limits)
        } catch {
            var failure = RenderFailure(error.message)
            failure.file = error.file
            failure.line = error.line
            throw failure
        }
    }
}
