import LavaCore
import Testing

@Suite struct UntrustedYAMLTests {
    static let limits = YAMLLimits(maxBytes: 1000, maxDepth: 4, maxAliasNodes: 20, maxAliasBytes: 40)

    func refusal(_ yaml: String) -> String? {
        do {
            _ = try UntrustedYAML.compose(yaml, limits: Self.limits)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("documents within the limits compose, aliases and all")
    func withinLimits() throws {
        let node = try UntrustedYAML.compose("a: &a [1, 2]\nb: *a\nc: [[[x]]]", limits: Self.limits)
        #expect(node?["b"]?.sequence?.count == 2)
        #expect(try UntrustedYAML.load("x: &x {k: v}\ny: *x", limits: Self.limits) as? [String: [String: String]] == ["x": ["k": "v"], "y": ["k": "v"]])
    }

    @Test("each limit is named when crossed")
    func overLimits() {
        #expect(refusal(String(repeating: "x", count: 1001)) == "the YAML document is 1001 bytes: the limit is 1000 bytes")
        #expect(refusal("[[[[[x]]]]]")?.hasPrefix("the YAML document nests collections more than 4 deep (line 1)") == true)
        // Depth brought in by an alias counts as well.
        #expect(refusal("a: &a [[[x]]]\nb: [*a]")?.hasPrefix("the YAML document nests collections more than 4 deep (line 2)") == true)
        #expect(refusal("a: &a [1, 2, 3, 4]\nb: [*a, *a, *a, *a, *a]")?.hasPrefix("the YAML document's aliases expand to more than 20 nodes (line 2)") == true)
        #expect(refusal("a: &a \(String(repeating: "y", count: 30))\nb: [*a, *a]")?.hasPrefix("the YAML document's aliases expand to more than 40 bytes") == true)
    }

    @Test("a billion laughs is refused at once, without expanding it")
    func billionLaughs() {
        var yaml = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...20 {
            yaml += "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(throws: YAMLLimitError.self) { try UntrustedYAML.compose(yaml) }
    }

    @Test("a syntax error is left to Yams' own message")
    func syntaxError() {
        #expect(refusal("a: [1, 2")?.contains("did not find expected") == true)
    }
}
