import Foundation
import LavaCore

/// A device dictionary rendered against device-type templates (DeviceTemplateRenderer): any
/// dictionary and any template must render or fail with a `TemplateError`, within the limits,
/// and the same way twice. The input is the dictionary, a NUL, then `base.jinja2`, which the
/// dictionary may extend (as may `base.jinja2` itself); `fixed.jinja2` is a small LAVA-like
/// template with blocks.
enum DeviceTemplateHarness {
    /// Small limits, so that each input takes milliseconds even when it reaches them.
    static let limits = TemplateLimits(
        maxSourceBytes: 64 * 1024, maxNesting: 100, maxExtendsDepth: 20,
        maxOutputBytes: 256 * 1024, maxSteps: 200_000, maxCollectionCount: 10_000)

    static let directory: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-fuzz-templates-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let fixed = """
            {% set x = x | default('fixed') %}
            {% block head %}head: {{ x }}{% endblock %}
            {% block body %}{% for k, v in d.items() %}{{ k }}={{ v }}{% endfor %}{% endblock body %}
            {% filter indent(4) %}{{ self.head() }}{% endfilter %}
            """
        try? Data(fixed.utf8).write(to: directory.appendingPathComponent("fixed.jinja2"))
        return directory
    }()

    static let harness = Harness(name: "device-template") { input in
        let parts = FuzzInput.strings(input, count: 2)
        try? Data(parts[1].utf8).write(to: directory.appendingPathComponent("base.jinja2"))
        let renderer = DeviceTemplateRenderer(directories: [directory], limits: limits)
        let variables: [String: TemplateValue] = [
            "d": .dictionary([(.string("a"), .int(1)), (.string("b"), .list([.string("x"), .double(0.5)]))]),
            "s": .string("text"), "n": .none,
        ]
        let first = Result { () throws(TemplateError) in try renderer.render(parts[0], name: "fuzz.jinja2", variables: variables) }
        if case .success(let text) = first {
            expect(text.utf8.count <= limits.maxOutputBytes, "rendered \(text.utf8.count) bytes over the limit")
        }
        let second = Result { () throws(TemplateError) in try renderer.render(parts[0], name: "fuzz.jinja2", variables: variables) }
        expect(first == second, "two renders of the same input differ: \(first) and \(second)")
    }
}
