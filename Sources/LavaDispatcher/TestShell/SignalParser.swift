import Foundation
import LavaCore

/// Turns the console output of a test shell into log and results records (spec §5.1, §7.5), as
/// LAVA's `TestShellAction` does. Pure logic: the job runner logs each console line as `target`,
/// then feeds it here and emits the returned events in order.
public struct SignalParser: Sendable {
    /// LAVA's signal regex; parameters are the whitespace-separated words of the second group.
    private static let signalRegex = try? NSRegularExpression(pattern: #"<LAVA_SIGNAL_(\S+) ([^>]+)>"#)
    private static let runnerExit = "<LAVA_TEST_RUNNER EXIT>"
    /// What every signal and runner marker starts with.
    private static let markerStart = Array("<LAVA_".utf8)
    private static let installFail = "<LAVA_TEST_RUNNER INSTALL_FAIL>"
    private static let validResults: Set<String> = ["pass", "fail", "skip", "unknown"]

    private enum Marker {
        case signal(String, [String])
        case installFail
        case exit
    }

    private struct CurrentRun {
        let runName: String
        let uuid: String
        let started: Date
        let description: TestRunDescription?
        let pattern: ResultPattern?
        var reported: Set<String> = []
    }

    /// Server line indexes of the markers seen for a test case (§5.1).
    private struct Markers {
        var start: Int?
        var end: Int?
        var testCase: Int?
    }

    public let stage: Int
    public let namespace: String
    public let connectionNamespace: String?
    private let runs: [String: TestRunDescription]
    private let now: @Sendable () -> Date
    private var current: CurrentRun?
    /// The latest run started: later results belong to it, as LAVA's `self.definition`.
    private var definition: String?
    private var testSet: String?
    private var markers: [String: Markers] = [:]
    public private(set) var isFinished = false

    /// - Parameters:
    ///   - stage: the stage the runner runs (`stage_<n>` of an install failure).
    ///   - runs: the definitions of the stage, by `<n>_<name>`.
    ///   - now: the clock for run durations.
    public init(
        stage: Int, runs: [TestRunDescription], namespace: String = "common", connectionNamespace: String? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.stage = stage
        self.runs = Dictionary(runs.map { ($0.runName, $0) }, uniquingKeysWith: { first, _ in first })
        self.namespace = namespace
        self.connectionNamespace = connectionNamespace
        self.now = now
    }

    /// Parses one console line (without its line break).
    /// - Parameter nextLineIndex: the server line index the first record returned will get; the
    ///   console line itself must already have been logged (at `nextLineIndex - 1`).
    public mutating func feed(_ line: String, nextLineIndex: Int) -> [TestShellEvent] {
        guard !isFinished else { return [] }
        var output = Output(nextLineIndex: nextLineIndex)
        // Nearly every console line carries no marker: one byte search spares it the regex.
        guard ByteSearch.contains(line, Self.markerStart) else {
            matchPattern(line, &output)
            return output.events
        }
        var found: [(location: Int, marker: Marker)] = []
        let nsLine = line as NSString
        for match in Self.signalRegex?.matches(in: line, range: NSRange(location: 0, length: nsLine.length)) ?? [] {
            let name = nsLine.substring(with: match.range(at: 1))
            let parameters = nsLine.substring(with: match.range(at: 2)).split(whereSeparator: \.isWhitespace).map(String.init)
            found.append((match.range.location, .signal(name, parameters)))
        }
        for (text, marker) in [(Self.installFail, Marker.installFail), (Self.runnerExit, Marker.exit)] {
            var searchRange = NSRange(location: 0, length: nsLine.length)
            while true {
                let range = nsLine.range(of: text, options: [], range: searchRange)
                guard range.location != NSNotFound else { break }
                found.append((range.location, marker))
                searchRange = NSRange(location: NSMaxRange(range), length: nsLine.length - NSMaxRange(range))
            }
        }
        if found.isEmpty {
            matchPattern(line, &output)
        }
        for (_, marker) in found.sorted(by: { $0.location < $1.location }) where !isFinished {
            switch marker {
            case .signal(let name, let parameters): signal(name, parameters, &output)
            case .installFail: installFailed(&output)
            case .exit: exited(&output)
            }
        }
        return output.events
    }

    /// The console ended (EOF or timeout) without `<LAVA_TEST_RUNNER EXIT>`: a run still open fails.
    public mutating func finish() -> [TestShellEvent] {
        guard !isFinished else { return [] }
        isFinished = true
        var output = Output(nextLineIndex: 0)
        failUnfinishedRun(&output)
        return output.events
    }

    // MARK: - Signals

    private mutating func signal(_ name: String, _ parameters: [String], _ output: inout Output) {
        output.log("debug", "Received signal: <\(name)> \(parameters.joined(separator: " "))")
        switch name {
        case "STARTRUN":
            startRun(parameters, &output)
        case "ENDRUN":
            endRun(parameters, &output)
        case "STARTTC":
            if let id = parameters.first { markers[id, default: Markers()].start = output.latestIndex }
        case "ENDTC":
            if let id = parameters.first { markers[id, default: Markers()].end = output.latestIndex }
        case "TESTCASE":
            testCase(parameters, &output)
        case "TESTSET":
            testSetSignal(parameters, &output)
        case "TESTREFERENCE":
            reference(parameters, &output)
        case "TESTRAISE":
            output.events.append(.raise(parameters.joined(separator: " ")))
        case "TESTEVENT":
            output.events.append(.event(parameters.joined(separator: " ")))
        case "TESTFEEDBACK":
            if let namespace = parameters.first { output.events.append(.feedback(namespace: namespace)) }
        default:
            break
        }
    }

    private mutating func startRun(_ parameters: [String], _ output: inout Output) {
        guard parameters.count == 2 else {
            output.log("error", "Invalid STARTRUN signal: expected '<n>_<name> <uuid>'")
            return
        }
        // A run that never reached ENDRUN (run.sh stopped on an error) failed.
        failUnfinishedRun(&output)
        let (runName, uuid) = (parameters[0], parameters[1])
        let description = runs[runName]
        output.log("info", "Starting test lava.\(runName) (\(uuid))")
        var pattern: ResultPattern?
        if let text = description?.parsePattern {
            pattern = ResultPattern(text)
            if pattern == nil {
                output.log("error", "Invalid parse.pattern of \(runName), ignored: \(text)")
            } else {
                output.log("info", "Using test definition pattern: \(text)")
            }
        } else {
            output.log("info", "Skipping test definition patterns.")
        }
        current = CurrentRun(runName: runName, uuid: uuid, started: now(), description: description, pattern: pattern)
        definition = runName
    }

    private mutating func endRun(_ parameters: [String], _ output: inout Output) {
        guard parameters.count == 2 else {
            output.log("error", "Invalid ENDRUN signal: expected '<n>_<name> <uuid>'")
            return
        }
        let (runName, uuid) = (parameters[0], parameters[1])
        let run = current?.runName == runName ? current : nil
        let started = run?.started ?? now()
        let duration = String(format: "%.2f", now().timeIntervalSince(started))
        output.log("info", "Ending use of test pattern.")
        output.log("info", "Ending test lava.\(runName) (\(uuid)), duration \(duration)")
        let description = runs[runName]
        output.results(runRecord(runName: runName, uuid: uuid, duration: duration, result: "pass", description: description))
        for name in description?.expected ?? [] where !(run?.reported.contains(name) ?? false) {
            output.log("warning", "Expected test case \(name) was not reported by \(runName)")
            output.results(["definition": .string(runName), "case": .string(name), "result": "fail"])
        }
        current = nil
    }

    private mutating func failUnfinishedRun(_ output: inout Output) {
        guard let run = current else { return }
        output.log("error", "Marking unfinished test run as failed")
        let duration = String(format: "%.2f", now().timeIntervalSince(run.started))
        output.results(runRecord(runName: run.runName, uuid: run.uuid, duration: duration, result: "fail",
                                 description: run.description))
        current = nil
    }

    /// The `lava` suite record of a run, keys in LAVA's order.
    private func runRecord(
        runName: String, uuid: String, duration: String, result: String, description: TestRunDescription?
    ) -> ResultsMessage {
        var record: ResultsMessage = [
            "definition": "lava", "case": .string(runName), "uuid": .string(uuid),
            "repository": .string(description?.repository ?? ""), "path": .string(description?.path ?? ""),
            "duration": .string(duration), "result": .string(result),
            "revision": .string(description?.revision ?? "unspecified"), "namespace": .string(namespace),
        ]
        if let connectionNamespace { record["connection-namespace"] = .string(connectionNamespace) }
        if let commit = description?.commitID { record["commit_id"] = .string(commit) }
        return record
    }

    private mutating func testCase(_ parameters: [String], _ output: inout Output) {
        var values: [String: String] = [:]
        for parameter in parameters {
            let parts = parameter.split(separator: "=", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                output.log("error", "Ignoring malformed parameter for signal: \"\(parameter)\". ")
                return
            }
            values[parts[0].lowercased()] = String(parts[1])
        }
        if let id = values["test_case_id"] {
            markers[id, default: Markers()].testCase = output.latestIndex
        }
        report(values, &output)
    }

    /// Checks a test case as LAVA's `SignalMatch` does and emits its results record.
    private mutating func report(_ values: [String: String], _ output: inout Output) {
        var values = values
        let fixupdict = current?.description?.fixupdict ?? runs[definition ?? ""]?.fixupdict ?? [:]
        if let result = values["result"], let fixed = fixupdict[result] { values["result"] = fixed }
        guard let id = values["test_case_id"] else {
            output.log("error", "Test case results without test_case_id (probably a sign of an incorrect parsing "
                + "pattern being used): \(values.sorted { $0.key < $1.key })")
            return
        }
        guard let result = values["result"] else {
            output.log("error", "Test case results without result (probably a sign of an incorrect parsing "
                + "pattern being used): \(values.sorted { $0.key < $1.key })")
            return
        }
        guard Self.validResults.contains(result) else {
            output.log("error", "Bad test result: \(result)")
            return
        }
        var measurement: Double?
        if let text = values["measurement"] {
            guard let value = Double(text) else {
                output.log("error", "Invalid measurement \(text)")
                return
            }
            measurement = value
        }
        guard let definition else {
            output.log("error", "Test case \(id) was reported outside a test run and is ignored")
            return
        }
        var record: ResultsMessage = ["definition": .string(definition), "case": .string(id), "result": .string(result)]
        if let measurement { record["measurement"] = .float(measurement) }
        if let units = values["units"] { record["units"] = .string(units) }
        if let testSet { record["set"] = .string(testSet) }
        if let marks = markers.removeValue(forKey: id), let fallback = marks.testCase ?? marks.start ?? marks.end {
            record["starttc"] = .int(marks.start ?? fallback)
            record["endtc"] = .int(marks.end ?? fallback)
        }
        current?.reported.insert(id)
        output.results(record)
    }

    private mutating func testSetSignal(_ parameters: [String], _ output: inout Output) {
        switch parameters.first {
        case "START":
            guard parameters.count >= 2 else {
                output.log("error", "Test set declared without a name")
                return
            }
            testSet = parameters[1]
            output.log("info", "Starting test_set \(parameters[1])")
        case "STOP":
            output.log("info", "Closing test_set \(testSet ?? "")")
            testSet = nil
        default:
            output.log("error", "Invalid TESTSET signal: use START <name> or STOP")
        }
    }

    private mutating func reference(_ parameters: [String], _ output: inout Output) {
        guard parameters.count == 3 else {
            output.log("error", "Invalid use of TESTREFERENCE: expected '<test case> <result> <url>'")
            return
        }
        let fixupdict = current?.description?.fixupdict ?? [:]
        let result = fixupdict[parameters[1]] ?? parameters[1]
        guard Self.validResults.contains(result) else {
            output.log("error", "Bad test result: \(result)")
            return
        }
        guard let definition else { return }
        output.results(["definition": .string(definition), "case": .string(parameters[0]), "result": .string(result),
                        "reference": .string(parameters[2])])
    }

    private mutating func installFailed(_ output: inout Output) {
        output.log("error", "Test definition installation failed: its run is skipped")
        output.results(["definition": "lava", "case": .string("stage_\(stage)"), "result": "fail"])
    }

    private mutating func exited(_ output: inout Output) {
        output.log("info", "ok: lava_test_shell seems to have completed")
        failUnfinishedRun(&output)
        output.events.append(.finished)
        isFinished = true
    }

    /// `parse.pattern` applied to a console line of the current run.
    private mutating func matchPattern(_ line: String, _ output: inout Output) {
        guard let pattern = current?.pattern, var values = pattern.match(line) else { return }
        // Test case names from free-form output: LAVA keeps only characters safe in a name.
        if let id = values["test_case_id"] {
            values["test_case_id"] = String(id.trimmingCharacters(in: .whitespaces).map {
                $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_"
            })
            markers[values["test_case_id"] ?? id, default: Markers()].testCase = output.latestIndex
        }
        report(values, &output)
    }

    /// The events of one call, and the line index each record will get.
    private struct Output {
        let nextLineIndex: Int
        var events: [TestShellEvent] = []

        /// The index of the latest record emitted so far: the console line before any event.
        var latestIndex: Int {
            nextLineIndex + events.filter(\.isRecord).count - 1
        }

        mutating func log(_ level: String, _ message: String) {
            events.append(.log(level: level, message: message))
        }

        mutating func results(_ message: ResultsMessage) {
            events.append(.results(message))
        }
    }
}
