import Foundation
import LavaCore
import LavaTestSupport
import Testing

/// Renders every device-type template with a few device dictionaries, here and with Python's
/// Jinja2 (render_device_types.py, /usr/bin/python3): the texts must be the same, and where
/// Jinja2 fails the renderer must fail too. Debian's lava-server templates come from
/// LAVA_TEST_DEVICE_TYPES (`LavaTemplates`); ours are server/etc's, which LAVA's own server must
/// render alike.
@Suite struct DeviceTypeDifferentialTests {
    @Test("every Debian device-type template renders as Python's Jinja2 renders it",
          .enabled(if: LavaTemplates.isAvailable, "needs \(LavaTemplates.variable): run the tests through scripts/test.sh"))
    func debianTemplates() async throws {
        let directory = try #require(try LavaTemplates.directory())
        #expect(try await Self.compare(directory.path) > 300 * 5)
    }

    @Test("server/etc's device-type templates render as Python's Jinja2 renders them")
    func ourTemplates() async throws {
        #expect(try await Self.compare(PackageFiles.url("server/etc/device-types").path) == 2 * 5)
    }

    /// Compares every template of `directory` with every sample; returns how many renders matched.
    static func compare(_ directory: String) async throws -> Int {
        let expected = try await Self.pythonRenders(directory)
        let renderer = DeviceTemplateRenderer(directories: [URL(fileURLWithPath: directory)])
        let templates = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".jinja2") }.sorted()
        var matched = 0
        var mismatches: [String] = []
        for sample in expected.samples {
            for template in templates {
                let key = "\(sample.name)/\(template)"
                guard let want = expected.results[key] else {
                    mismatches.append("\(key): no result from Jinja2")
                    continue
                }
                let source = sample.dictionary.replacingOccurrences(of: "{template}", with: template)
                let got: Result<String, TemplateError> = Result { () throws(TemplateError) in
                    try renderer.render(source, name: "\(sample.name).jinja2", variables: sample.globals)
                }
                switch (want, got) {
                case (.error, .failure):
                    matched += 1
                case (.text(let a), .success(let b)):
                    if a == b {
                        matched += 1
                        continue
                    }
                    mismatches.append("\(key): text differs at \(Self.firstDifference(a, b))")
                case (.text, .failure(let error)):
                    mismatches.append("\(key): Jinja2 renders it, here: \(error)")
                case (.error(let message), .success):
                    mismatches.append("\(key): Jinja2 fails (\(message)), here it renders")
                }
            }
        }
        let total = expected.samples.count * templates.count
        print("DeviceTypeDifferentialTests: \(matched) of \(total) renders of \(directory) match Jinja2 \(expected.version)")
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(total) differ:\n\(mismatches.prefix(40).joined(separator: "\n"))")
        return matched
    }

    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        var i = 0
        while i < x.count, i < y.count, x[i] == y[i] { i += 1 }
        let line = x.prefix(i).filter { $0 == "\n" }.count + 1
        func around(_ s: [Unicode.Scalar]) -> String {
            String(String.UnicodeScalarView(s[max(0, i - 40)..<min(s.count, i + 40)])).debugDescription
        }
        return "line \(line): Jinja2 \(around(x)) here \(around(y))"
    }

    enum Expected {
        case text(String)
        case error(String)
    }

    struct Sample {
        let name: String
        let dictionary: String
        let globals: [String: TemplateValue]
    }

    struct PythonRenders {
        let version: String
        let samples: [Sample]
        let results: [String: Expected]
    }

    static func pythonRenders(_ directory: String) async throws -> PythonRenders {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("render_device_types.py")
        let python = try await BuiltProgram.run(URL(fileURLWithPath: "/usr/bin/python3"), [script.path, directory])
        guard python.status == 0 else {
            throw TestFailure("render_device_types.py failed (status \(python.status)); is python3-jinja2 installed? \(python.error)")
        }
        guard let json = try JSONSerialization.jsonObject(with: Data(python.output.utf8)) as? [String: Any],
              let samples = json["samples"] as? [[String: Any]], let results = json["results"] as? [String: [String: String]] else {
            throw TestFailure("render_device_types.py printed no results")
        }
        return PythonRenders(
            version: json["jinja2"] as? String ?? "?",
            samples: try samples.map { sample in
                var globals: [String: TemplateValue] = [:]
                for (name, value) in sample["globals"] as? [String: Any] ?? [:] { globals[name] = try decode(value) }
                return Sample(name: sample["name"] as? String ?? "?", dictionary: sample["dictionary"] as? String ?? "", globals: globals)
            },
            results: results.mapValues { $0["text"].map(Expected.text) ?? .error($0["error"] ?? "?") })
    }

    /// The script's [type, value] encoding, which keeps ints, floats and booleans apart.
    static func decode(_ tagged: Any) throws -> TemplateValue {
        guard let pair = tagged as? [Any], pair.count == 2, let type = pair[0] as? String else { throw TestFailure("bad value \(tagged)") }
        switch type {
        case "n": return .none
        case "b": return .bool((pair[1] as? Bool) ?? false)
        case "i": return .int((pair[1] as? Int) ?? 0)
        case "f": return .double((pair[1] as? Double) ?? 0)
        case "s": return .string((pair[1] as? String) ?? "")
        case "l": return .list(try (pair[1] as? [Any] ?? []).map(decode))
        case "d":
            return .dictionary(try (pair[1] as? [[Any]] ?? []).map { entry in
                guard entry.count == 2 else { throw TestFailure("bad entry \(entry)") }
                return (try decode(entry[0]), try decode(entry[1]))
            })
        default: throw TestFailure("bad type \(type)")
        }
    }
}
