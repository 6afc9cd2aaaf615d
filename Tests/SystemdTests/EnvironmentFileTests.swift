import Foundation
import LavaTestSupport
import Testing

@testable import Systemd

/// Each environment file in systemd/ against its unit and its program: every variable the unit
/// passes is listed, and each value shown commented out is what applies when it stays so — the
/// unit's Environment= default, else the program's own (from ArgumentParser's help dump).
@Suite struct EnvironmentFileTests {
    /// Unit to its environment file, both in systemd/.
    static let files = [
        "lava-docker-worker.service": "lava-docker-worker",
        "lava-docker-worker@.service": "lava-docker-worker@.conf",
        "lava-worker.service": "lava-worker",
        "lava-server.service": "lava-server",
        "lava-scheduler.service": "lava-scheduler",
    ]

    @Test func everyUnitHasItsFile() {
        #expect(Set(Self.files.keys) == Set(UnitFileTests.files))
    }

    @Test(arguments: files.keys.sorted())
    func fileMatchesUnitAndProgram(_ unitName: String) async throws {
        let unit = try ParsedUnit(read(unitName))
        let documented = Self.commentedAssignments(try read(try #require(Self.files[unitName])))
        #expect(Set(documented.map(\.name)) == Set(unit.variables), "listed in the file ≠ passed by ExecStart=")
        for (name, option) in unit.valueOptions {
            #expect(unit.defaults[name] != nil, "\(option) $\(name) needs a default in Environment=, or the option goes without its value")
        }

        let options = try await ProgramOptions(command: unit.command)
        for (name, value) in documented {
            let words = UnitCommandLine.words(value)
            for word in words where word.hasPrefix("--") && !options.accepts(word) {
                Issue.record("\(name): \(unit.command.joined(separator: " ")) has no \(word)")
            }
            // %i, in a template's defaults, is written NAME in its file.
            if let expected = unit.defaults[name]?.replacingOccurrences(of: "%i", with: "NAME") {
                #expect(value == expected, "\(name): the unit's default is \(expected)")
            } else if !value.contains("<"), let option = words.first, let actual = options.defaultValue(of: option, given: words.dropFirst()) {
                #expect(actual.matches, "\(name): \(option)'s default is \(actual.value)")
            }
        }
    }

    private func read(_ file: String) throws -> String {
        try String(contentsOf: UnitFileTests.directory.appendingPathComponent(file), encoding: .utf8)
    }

    /// `# NAME="value"` lines, the value unquoted.
    static func commentedAssignments(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("# "), let equals = line.firstIndex(of: "=") else { return nil }
            let name = line[line.index(line.startIndex, offsetBy: 2)..<equals]
            guard !name.isEmpty, name.allSatisfy({ $0.isUppercase || $0 == "_" }) else { return nil }
            return (String(name), UnitCommandLine.words(String(line[line.index(after: equals)...])).joined(separator: " "))
        }
    }
}

/// What the tests need of a unit: its command, the variables it passes, their defaults.
private struct ParsedUnit {
    /// ExecStart='s program name and subcommand, e.g. ["lava-server", "serve"].
    var command: [String] = []
    var variables: [String] = []
    /// `--option $NAME`: variables passed as an option's value, by name.
    var valueOptions: [String: String] = [:]
    var defaults: [String: String] = [:]

    /// What runs when the command line names no subcommand; the help dump does not say it.
    static let defaultSubcommands = ["lava-docker-worker": "run"]

    init(_ text: String) {
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Environment=") {
                for assignment in UnitCommandLine.words(String(line.dropFirst("Environment=".count))) {
                    let parts = assignment.split(separator: "=", maxSplits: 1)
                    defaults[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
                }
            } else if line.hasPrefix("ExecStart=") {
                let words = UnitCommandLine.words(String(line.dropFirst("ExecStart=".count)))
                let program = URL(fileURLWithPath: words[0]).lastPathComponent
                if words.count > 1, !words[1].hasPrefix("-"), !words[1].hasPrefix("$") {
                    command = [program, words[1]]
                } else {
                    command = [program] + (Self.defaultSubcommands[program].map { [$0] } ?? [])
                }
                for (index, word) in words.enumerated() where word.hasPrefix("$") {
                    let name = String(word.dropFirst())
                    variables.append(name)
                    if words[index - 1].hasPrefix("--") { valueOptions[name] = words[index - 1] }
                }
            }
        }
    }
}

/// A built program's options and their defaults, as ArgumentParser describes them.
private struct ProgramOptions {
    private struct Dump: Decodable {
        struct Command: Decodable { let arguments: [Argument] }
        struct Argument: Decodable {
            struct Name: Decodable { let name: String }
            let kind: String
            let names: [Name]?
            let defaultValue: String?
        }
        let command: Command
    }

    private let arguments: [Dump.Argument]

    init(command: [String]) async throws {
        let run = try await BuiltProgram.run(BuiltProgram.path(command[0]), Array(command.dropFirst()) + ["--experimental-dump-help"])
        arguments = try JSONDecoder().decode(Dump.self, from: Data(run.output.utf8)).command.arguments
    }

    func accepts(_ option: String) -> Bool {
        argument(option) != nil
    }

    /// The default of `option` against the value given to it, when it has one to compare:
    /// a flag's default is the flag itself (`--no-x` is compared with `--x`'s), an option's
    /// its one value (numbers compared as such).
    func defaultValue(of option: String, given values: ArraySlice<String>) -> (value: String, matches: Bool)? {
        let positive = option.hasPrefix("--no-") ? "--" + option.dropFirst("--no-".count) : option
        guard let argument = argument(positive) ?? argument(option), let value = argument.defaultValue else { return nil }
        if argument.kind == "flag" { return (value, values.isEmpty && value == option) }
        guard values.count == 1, let given = values.first else { return (value, false) }
        let matches = given == value || (Double(given) != nil && Double(given) == Double(value))
        return (value, matches)
    }

    private func argument(_ option: String) -> Dump.Argument? {
        arguments.first { $0.names?.contains { "--" + $0.name == option } == true }
    }
}
