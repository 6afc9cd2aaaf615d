import Foundation
import LavaCore
import Testing
import Yams

/// The renderer feature by feature; the expected texts are what Python's Jinja2 3.1 renders
/// from the same sources with LAVA's settings (SandboxedEnvironment, trim_blocks).
@Suite struct DeviceTemplateRendererTests {
    /// Renders `source` with `templates` written to a fresh directory as the search path.
    static func render(_ source: String, templates: [String: String] = [:], variables: [String: TemplateValue] = [:],
                       limits: TemplateLimits = .standard) throws(TemplateError) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, text) in templates {
            try? Data(text.utf8).write(to: directory.appendingPathComponent(name))
        }
        return try DeviceTemplateRenderer(directories: [directory], limits: limits).render(source, name: "device.jinja2", variables: variables)
    }

    static func failure(_ source: String, templates: [String: String] = [:], variables: [String: TemplateValue] = [:],
                        limits: TemplateLimits = .standard) -> TemplateError? {
        do {
            _ = try render(source, templates: templates, variables: variables, limits: limits)
            return nil
        } catch {
            return error
        }
    }

    @Test("values print as Python's str()")
    func values() throws {
        #expect(try Self.render("{{ [1, 'a', None, True, 1.5, {'k': \"it's\"}, (1,), ()] }} {{ 1e16 }} {{ 0.1 + 0.2 }} {{ -0.0 }} {{ 10 / 4 }} {{ none }} {{ true }}")
            == "[1, 'a', None, True, 1.5, {'k': \"it's\"}, (1,), ()] 1e+16 0.30000000000000004 -0.0 2.5 None True")
        #expect(try Self.render("{{ l }}", variables: ["l": .list([.string("a\nb"), .string("é"), .double(2), .dictionary([(.string("k"), .none)])])])
            == "['a\\nb', 'é', 2.0, {'k': None}]")
    }

    @Test("undefined values print empty, are falsy and iterate as empty; using them otherwise fails")
    func undefined() throws {
        #expect(try Self.render("[{{ x }}][{{ d.missing }}][{{ x is defined }}][{{ x | default('dflt') }}][{% for i in x %}{{ i }}{% endfor %}][{{ 'yes' if x else 'no' }}][{{ [x] }}]",
                                variables: ["d": .dictionary([])]) == "[][][False][dflt][][no][[Undefined]]")
        #expect(Self.failure("ok\n{{ x.y }}")?.description == "device.jinja2:2: 'x' is undefined")
        #expect(Self.failure("{{ d.missing.y }}", variables: ["d": .dictionary([])])?.message == "'dict object' has no attribute 'missing'")
        #expect(Self.failure("{{ x + 1 }}")?.message == "'x' is undefined")
    }

    @Test("whitespace control, trim_blocks and the dropped trailing newline")
    func whitespace() throws {
        #expect(try Self.render("a\n{% if true %}\nb\n{%- endif %}\n  {{- 'c' -}}  \n{# c #}\nd\n{%+ if true +%}\ne{% endif %}\n\n") == "a\nbcd\n\ne")
        #expect(try Self.render("x\r\n{% if true %}\r\ny\r\n{% endif %}\r\n") == "x\ny\n")
    }

    @Test("extends: the child's top-level code runs first, its text before extends stays, after it is dropped; blocks and super()")
    func extends() throws {
        let base = "B{% block a %}ba{% endblock %}|{{ x }}|{% block b %}bb{% endblock b %}\n"
        #expect(try Self.render("pre\n{% extends 'base.jinja2' %}post{% set x = 'cx' %}{% block a %}ca{{ super() }}{% endblock %}",
                                templates: ["base.jinja2": base]) == "pre\nBcaba|cx|bb")
        let chain = [
            "a.jinja2": "{% set y = y | default('a') %}<{% block x %}A{% endblock %}{{ y }}>",
            "b.jinja2": "{% extends 'a.jinja2' %}{% block x %}B{{ super() }}{% endblock %}",
        ]
        #expect(try Self.render("{% extends 'b.jinja2' %}{% set y = 'c' %}{% block x %}C{{ super() }}{{ self.x2() }}{% endblock %}{% block x2 %}2{% endblock %}",
                                templates: chain) == "<CBA2c>")
        #expect(Self.failure("{% block a %}{{ super() }}{% endblock %}")?.message == "there is no parent block called 'a'.")
        // An error in a parent's block or top-level code names the parent and its line.
        #expect(Self.failure("{% extends 'b.jinja2' %}", templates: ["b.jinja2": "x\n{% block a %}\n{{ u.v }}{% endblock %}"])?.description
            == "b.jinja2:3: 'u' is undefined")
        #expect(Self.failure("{% extends 'b.jinja2' %}\n{% block a %}\n\n{{ u.v }}{% endblock %}", templates: ["b.jinja2": "{% block a %}{% endblock %}"])?.description
            == "device.jinja2:4: 'u' is undefined")
    }

    @Test("scoping: top-level sets (also in if) reach the parents, sets in blocks and loops stay there, loops restart each pass")
    func scoping() throws {
        #expect(try Self.render("{% extends 'base.jinja2' %}{% set y = 5 %}{% if true %}{% set w = 'w' %}{% endif %}{% for i in [1] %}{% set z = i %}{% endfor %}{% block a %}[{{ y }}]{% set y = 6 %}{{ y }}{% endblock %}",
                                templates: ["base.jinja2": "{% block a %}{{ y }}{% endblock %}{{ y }}{{ z }}{{ w }}"]) == "[5]65w")
        #expect(try Self.render("{% set x = '-' %}{% for i in [1,2] %}{{ x }}{% set x = x ~ i %}{{x}}|{% endfor %}{{x}}") == "--1|--2|-")
    }

    @Test("for loops: loop variables, else, dict keys and items")
    func loops() throws {
        #expect(try Self.render("{% for i in ['a','b','c'] %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{{ loop.previtem }};{% endfor %}{% for i in [] %}x{% else %}empty{% endfor %}{% for k, v in d.items() %}{{ k }}={{ v }},{% endfor %}{% for k in d %}{{ k }}{% endfor %}",
                                variables: ["d": .dictionary([(.string("q"), .int(1)), (.string("r"), .list([.int(2)]))])])
            == "10TrueFalse33;21FalseFalse32a;32FalseTrue31b;emptyq=1,r=[2],qr")
        #expect(Self.failure("{% for a, b in [[1, 2, 3]] %}{% endfor %}")?.message == "too many values to unpack (expected 2)")
    }

    @Test("operators with Python's semantics")
    func operators() throws {
        #expect(try Self.render("{{ 1 == 1.0 }} {{ True == 1 }} {{ 7 // 2 }} {{ -7 // 2 }} {{ -7 % 3 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 'ab' * 2 }} {{ 1 < 2 < 3 }} {{ 'a' in 'cat' }} {{ 1 not in [1] }} {{ [1] + [2] }} {{ (1, 2) + (3,) }} {{ 1 ~ 2 }} {{ x ~ 'y' }} {{ 0 or [] }} {{ 1 and 'z' }} {{ not 0 }} {{ -(3) }} {{ 'k' in {'k': 1} }} {{ 'a' if false }}|{{ 'b' if false else 'c' }} {{ 'x' 'y' }}")
            == "True True 3 -4 2 3.5 1024 abab True True False [1, 2] (1, 2, 3) 12 y [] z True -3 True |c xy")
        #expect(Self.failure("{{ 1 < 'a' }}")?.message == "'<' not supported between instances of 'int' and 'str'")
        #expect(Self.failure("{{ 'a' + 1 }}")?.message == "unsupported operand type(s) for +: 'str' and 'int'")
        #expect(Self.failure("{{ 1 / 0 }}")?.message == "division by zero")
    }

    @Test("filters")
    func filters() throws {
        #expect(try Self.render("{{ x | default('d') }} {{ '' | default('d', true) }} {{ ''|d('e', boolean=true) }} {{ none|default('q') }} {{ [1,2]|join(',') }} {{ 'abc'|join('-') }} {{ 'aXbX'|replace('X','y',1) }} {{ 'aXbX'|replace('X','y') }} {{ 5|string ~ 1 }} {{ [1]|string }} {{ 'AbC'|lower }}{{ 'AbC'|upper }} {{ [1,2]|length }}{{ 'abc'|count }} {{ '42'|int + 1 }}{{ '4.7'|int }}{{ 'x'|int }} {{ 'ab'|list }} {{ '  t  '|trim }}")
            == "d d e None 1,2 a-b-c aybX ayby 51 [1] abcABC 23 4340 ['a', 'b'] t")
        #expect(try Self.render("{% filter indent(width=2) %}a\n\nb\n{% endfilter %}|{{ 'a\nb'|indent('>>', first=True, blank=True) }}|{{ ''|indent(2, true) }}|{{ 'a\n'|indent(2) }}|{{ 'x\ny'|indent }}")
            == "a\n\n  b\n|>>a\n>>b|  |a\n|x\n    y")
        #expect(Self.failure("\n{{ x | xyz }}")?.description.hasPrefix("device.jinja2:2: unsupported filter 'xyz' (supported: count, d, default, indent, int, join,") == true)
        #expect(Self.failure("{{ 3|join(',') }}")?.message == "'int' object is not iterable")
    }

    @Test("tests")
    func tests() throws {
        #expect(try Self.render("{{ x is defined }}{{ x is undefined }}{{ none is none }}{{ 'a' is string }}{{ 1 is number }}{{ {} is mapping }}{{ [] is sequence }}{{ 1 is not string }}")
            == "FalseTrueTrueTrueTrueTrueTrueTrue")
        #expect(Self.failure("{{ 1 is divisibleby(3) }}")?.message.hasPrefix("unsupported test 'divisibleby'") == true)
    }

    @Test("literals: escapes as Python's unicode-escape, numbers, raw, set blocks")
    func literals() throws {
        #expect(try Self.render("{% raw %}{{ x }}{% endraw %} {{ 'a\\d\\x41\\101\\u00e9\\n' }} {{ \"q'\" }} {{ 1_000 }} {{ 0x1f }} {{ 1.5e3 }} {{ {'a': 1, 'a': 2} }} {{ [1, 2,] }} {% set a, b = 1, 2 %}{{ a }}{{ b }} {% set t %}x{{ 1 }}{% endset %}{{ t }}")
            == "{{ x }} a\\dAAé\n q' 1000 31 1500.0 {'a': 2} [1, 2] 12 x1")
    }

    @Test("dict methods and subscripts")
    func attributes() throws {
        let variables: [String: TemplateValue] = [
            "d": .dictionary([(.string("a"), .int(1)), (.string("items"), .int(3))]), "l": .list([.int(10), .int(20)]),
        ]
        #expect(try Self.render("{{ d.get('a') }} {{ d.get('z') }} {{ d.get('z', 0) }} {{ d['items'] }} {{ d.a }} {{ d.keys() }} {{ d.values() }} {{ l[0] }}{{ l[-1] }}{{ l.1 }}[{{ l[5] }}]",
                                variables: variables) == "1 None 0 3 1 dict_keys(['a', 'items']) dict_values([1, 3]) 102020[]")
        #expect(Self.failure("{{ 'a'.upper() }}")?.message == "str.upper() is not supported in device templates")
        // Key views compare as sets; keys are compared by code point (é is not e + U+0301).
        #expect(try Self.render("{{ {'a': 1, 'b': 2}.keys() == {'b': 2, 'a': 3}.keys() }}{{ {'a': 1}.values() == {'a': 1}.values() }}") == "TrueFalse")
        #expect(try Self.render("[{{ {'\u{E9}': 1}['e\u{301}'] }}]") == "[]")
    }

    @Test("syntax errors and unsupported statements name the file and line")
    func syntaxErrors() {
        #expect(Self.failure("a\nb\n{% if x %}\n") == TemplateError(file: "device.jinja2", line: 3, message: "unexpected end of template: expected 'elif' or 'else' or 'endif'"))
        #expect(Self.failure("\n{{ (1 }}")?.line == 2)
        #expect(Self.failure("{% macro m() %}{% endmacro %}")?.message.hasPrefix("unsupported statement 'macro'") == true)
        #expect(Self.failure("{% block a %}{% endblock b %}")?.message == "'endblock b' closes block 'a'")
        #expect(Self.failure("{{ 'abc }}")?.message == "unterminated string literal")
        #expect(Self.failure("{# open")?.message == "missing end of comment tag")
        #expect(Self.failure("x {% extends 'base.jinja2' %}", templates: ["base.jinja2": "{% extends 'broken.jinja2' %}", "broken.jinja2": "\n{% for %}"])?.description
            .hasPrefix("broken.jinja2:2: expected a name") == true)
    }

    @Test("template names are file names; a missing template names the extends' file and line and the directories")
    func loading() throws {
        let error = Self.failure("\n{% extends 'nowhere.jinja2' %}")
        #expect(error?.file == "device.jinja2")
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("template 'nowhere.jinja2' not found (searched: ") == true)
        #expect(Self.failure("{% extends '../etc/passwd' %}")?.message == "template '../etc/passwd' cannot be used as a file name: it contains '/'")
        #expect(Self.failure("{% extends 'a.jinja2' %}", templates: ["a.jinja2": "{% extends 'b.jinja2' %}", "b.jinja2": "{% extends 'a.jinja2' %}"])?.message
            == "template 'a.jinja2' extends itself through device.jinja2 -> a.jinja2 -> b.jinja2")
        #expect(Self.failure("{% extends 'base.jinja2' %}{% extends 'base.jinja2' %}", templates: ["base.jinja2": "x"])?.message == "extended multiple times")
        let renderer = DeviceTemplateRenderer(directories: [URL(fileURLWithPath: "/nonexistent"), FileManager.default.temporaryDirectory])
        #expect(!renderer.templateExists("../x"))
        #expect(!renderer.templateExists("no-such-template.jinja2"))
    }

    @Test("every bound is a clear error")
    func bounds() {
        let small = TemplateLimits(maxSourceBytes: 1000, maxNesting: 10, maxExtendsDepth: 3, maxOutputBytes: 100, maxSteps: 10_000, maxCollectionCount: 50)
        #expect(Self.failure(String(repeating: "x", count: 1001), limits: small)?.message == "the template is larger than 1000 bytes")
        #expect(Self.failure("{{ " + String(repeating: "(", count: 11) + "1" + String(repeating: ")", count: 11) + " }}", limits: small)?.message
            == "the template nests statements or expressions deeper than 10 levels")
        #expect((try? Self.render("{{ " + String(repeating: "(", count: 6) + "1" + String(repeating: ")", count: 6) + " }}", limits: small)) == "1")
        #expect(Self.failure("{{ 'x' * 101 }}", limits: small)?.message == "the template makes a text longer than 100 bytes")
        #expect(Self.failure("{% for i in 'abcdefghij' %}{% for j in 'abcdefghij' %}{% for k in 'abcdefghij' %}{% for l in 'abcdefghij' %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}", limits: small)?.message
            .hasPrefix("the template takes more than 10000 steps") == true)
        #expect(Self.failure("{{ [1] * 51 }}", limits: small)?.message == "the template makes a list longer than 50 items")
        let chain = ["a": "{% extends 'b' %}", "b": "{% extends 'c' %}", "c": "{% extends 'd' %}", "d": "x"]
        #expect(Self.failure("{% extends 'a' %}", templates: chain, limits: small)?.message == "the extends chain is longer than 3 templates")
        #expect(Self.failure("{% block a %}{{ self.a() }}{% endblock %}")?.message.hasPrefix("the template nests deeper than") == true)
        #expect(Self.failure("{{ 9223372036854775807 + 1 }}")?.message == "integer overflow in 9223372036854775807 + 1")
    }

    @Test("deeply nested input fails with an error, never by exhausting the stack")
    func deepInput() {
        let n = 20_000
        let sources = [
            "{{ " + String(repeating: "(", count: n) + "1" + String(repeating: ")", count: n) + " }}",
            "{{ " + String(repeating: "[", count: n) + String(repeating: "]", count: n) + " }}",
            "{{ " + String(repeating: "not ", count: n) + "1 }}",
            "{{ " + String(repeating: "- ", count: n) + "1 }}",
            "{{ x" + String(repeating: ".a", count: n) + " }}",
            "{{ x" + String(repeating: "|d", count: n) + " }}",
            "{{ 1" + String(repeating: " + 1", count: n) + " }}",
            "{{ 1" + String(repeating: " ~ 1", count: n) + " }}",
            String(repeating: "{% if 1 %}", count: n) + String(repeating: "{% endif %}", count: n),
            String(repeating: "{% for i in [1] %}", count: n),
        ]
        for source in sources {
            #expect(Self.failure(source)?.message.contains("deeper than 100 levels") == true, "\(source.prefix(30))")
        }
        // Values nest no deeper than expressions may, however often a set wraps them.
        let wrapping = String(repeating: "{% set a = [a] %}", count: 200) + "{{ a }}"
        #expect(Self.failure(wrapping)?.message == "the template nests lists or dictionaries deeper than 100 levels")
    }

    @Test("a job context from YAML becomes render globals")
    func yamlContext() throws {
        guard let node = try Yams.compose(yaml: "arch: arm64\nmemory: 2048\nratio: 1.5\nkvm: true\nnothing: null\nlist: [a, 1]\nmap: {k: v}") else {
            Issue.record("no YAML node")
            return
        }
        guard case .dictionary(let pairs) = try TemplateValue(yaml: node) else {
            Issue.record("not a dictionary")
            return
        }
        var variables: [String: TemplateValue] = [:]
        for pair in pairs {
            if case .string(let name) = pair.key { variables[name] = pair.value }
        }
        #expect(try Self.render("{{ arch }} {{ memory + 1 }} {{ ratio }} {{ kvm }} {{ nothing }} {{ list }} {{ map }}", variables: variables)
            == "arm64 2049 1.5 True None ['a', 1] {'k': 'v'}")
        let deep = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        if let deepNode = try Yams.compose(yaml: deep) {
            #expect(throws: TemplateError.self) { try TemplateValue(yaml: deepNode) }
        }
    }
}
