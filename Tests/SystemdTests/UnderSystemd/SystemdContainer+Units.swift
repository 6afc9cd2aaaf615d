import LavaTestSupport
import Testing

/// What an admin does with a unit and sees of it, as checks that throw with what went wrong.
extension SystemdContainer {
    /// `systemctl ARGUMENTS`; a failure (a start that never got READY=1, a unit that would not
    /// stop) throws with its output. Bounded: a Type=notify start waits for READY=1, and the
    /// engine cannot end an exec.
    func systemctl(_ arguments: String...) async throws {
        let (status, output) = try await run(["timeout", "60", "systemctl"] + arguments)
        let command = "systemctl \(arguments.joined(separator: " "))"
        // timeout's status when it ended the command.
        guard status != 124 else { throw TestFailure("\(command) did not return within 60 s (a start without READY=1?): \(output)") }
        guard status == 0 else { throw TestFailure("\(command) exited with \(status): \(output)") }
    }

    /// Adds `line` to the end of the file at `path`, as an admin edits an environment file.
    func append(_ line: String, to path: String) async throws {
        try await succeed("sh", "-c", "printf '%s\\n' \"$1\" >> \"$2\"", "sh", line, path)
    }

    /// The unit's state, from `systemctl show`.
    func properties(_ unit: String) async throws -> [String: String] {
        let output = try await succeed("systemctl", "show", "--property=ActiveState,SubState,Result,MainPID,NRestarts", unit)
        var properties: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            properties[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return properties
    }

    /// Fails unless the unit's program runs and systemd counts it started, never restarted.
    /// For a Type=notify unit, started means its program sent READY=1.
    func requireRunning(_ unit: String) async throws {
        let state = try await properties(unit)
        guard state["ActiveState"] == "active", state["SubState"] == "running", state["Result"] == "success",
              state["NRestarts"] == "0", state["MainPID"] != "0" else {
            throw TestFailure("\(unit) is not running as started: \(state.sorted { $0.key < $1.key })")
        }
    }

    /// Stops the unit and fails unless its program ended as systemd expects of a clean stop.
    func requireCleanStop(_ unit: String) async throws {
        try await systemctl("stop", unit)
        let state = try await properties(unit)
        guard state["ActiveState"] == "inactive", state["Result"] == "success" else {
            throw TestFailure("\(unit) did not stop cleanly: \(state.sorted { $0.key < $1.key })")
        }
    }

    /// What the unit's program and systemd logged about it.
    func journal(_ unit: String) async -> String {
        do {
            return try await run("journalctl", "--unit", unit, "--no-pager", "--output", "short-precise").output
        } catch {
            return "(no journal: \(error))"
        }
    }

    /// Runs `body`; when it fails, records the journals of `units` too, so that a unit that would
    /// not start (a sandboxing option that breaks its program) shows why.
    func withJournals(of units: [String], sourceLocation: SourceLocation = #_sourceLocation,
                      _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            for unit in units {
                Issue.record("journalctl --unit \(unit):\n\(await journal(unit))", sourceLocation: sourceLocation)
            }
            throw error
        }
    }

    /// `curl ARGUMENTS` in the container: the HTTP status and the body.
    func http(_ arguments: String...) async throws -> (status: Int, body: String) {
        let output = try await succeed(["curl", "--silent", "--show-error", "--max-time", "10", "--write-out", "\n%{http_code}"] + arguments)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }
}
