import Foundation
import LavaCore

/// `lava-docker-worker status`: the metrics of a running supervisor, for a person.
public enum SupervisorReportText {
    /// The lines that say what the samples say; `now` gives the age of the last contact.
    public static func format(_ samples: [PrometheusSample], now: Date = Date()) -> String {
        typealias M = SupervisorMetrics
        let unknown = "unknown"
        let starts = samples.value(M.containerStarts).map { Int($0) }
        let pulled = samples.value(M.imagePulls, ["result": "pulled"]).map { Int($0) } ?? 0
        let failed = samples.value(M.imagePulls, ["result": "failed"]).map { Int($0) } ?? 0
        let pullSeconds = samples.value(M.pullDuration + "_sum") ?? 0
        var lines = [
            ("phase", samples.label("phase", of: M.phase) ?? unknown),
            ("lava-docker-worker", samples.label("version", of: M.info) ?? unknown),
            ("worker container", samples.label("version", of: M.workerVersion) ?? "none running"),
            ("server version", samples.label("version", of: M.serverVersion) ?? "not known yet"),
            ("next version", next(samples)),
            ("container starts", starts.map { "\($0) (\(max($0 - 1, 0)) restarts)" } ?? unknown),
            ("crashes in a row", samples.value(M.crashes).map { "\(Int($0))" } ?? unknown),
            ("image pulls", "\(pulled)" + (pulled > 0 ? String(format: ", %.1f s in all", pullSeconds) : "") + (failed > 0 ? ", \(failed) failed" : "")),
            ("last server contact", contact(samples.value(M.lastServerContact), now: now)),
        ]
        if let refused = samples.first(where: { $0.name == M.imageRefused }) {
            lines.append(("image refused", "\(refused.labels["version"] ?? unknown): digest \(refused.labels["found"] ?? unknown), "
                + "the server expects \(refused.labels["expected"] ?? unknown)"))
        }
        let jobs = samples.value(M.jobsRunning)
        lines.append(("jobs running", jobs.flatMap { $0.isNaN ? nil : "\(Int($0))" } ?? "unknown (the job database cannot be read)"))
        let width = lines.map(\.0.count).max() ?? 0
        return lines.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }.joined(separator: "\n")
    }

    /// `2027.01 (image pulled ahead)`, or none announced.
    static func next(_ samples: [PrometheusSample]) -> String {
        guard let next = samples.first(where: { $0.name == SupervisorMetrics.nextVersion }), let version = next.labels["version"] else {
            return "none announced"
        }
        return version + (next.labels["pulled"] == "true" ? " (image pulled ahead)" : " (image not pulled yet)")
    }

    /// `2026-11-02T10:00:00Z (4 s ago)`, or never.
    static func contact(_ seconds: Double?, now: Date) -> String {
        guard let seconds, seconds > 0 else { return "never" }
        let date = Date(timeIntervalSince1970: seconds)
        return "\(UTCTimestamp.isoformat(date)) (\(age(now.timeIntervalSince(date))) ago)"
    }

    /// Whole seconds, minutes or hours.
    static func age(_ interval: TimeInterval) -> String {
        let seconds = max(Int(interval), 0)
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        return "\(seconds / 3600) h"
    }
}
