import LavaCore

/// One stored log record as the pages show it: its absolute 0-based number (LAVA's `L<n>`
/// anchors), a level class from a fixed list (a sender's level never reaches the markup), and
/// the text to show.
struct LogLineView: Sendable, Equatable {
    let number: Int
    let level: String
    let text: String

    /// LAVA's levels; anything else shows as `other`.
    static let levels: Set<String> = ["debug", "info", "warning", "error", "exception", "target", "input", "feedback", "results"]
    /// Longer messages are cut on the page; the raw log (`/scheduler/job/<id>/log_file/plain`) has them whole.
    static let maxShown = 64 * 1024

    /// `line`: a stored line of `output.yaml` without its line break.
    init(storedLine line: String, number: Int) {
        self.number = number
        guard let record = try? LogBatch.records(in: line).first else {
            level = "other"
            text = Self.cut(line)
            return
        }
        level = Self.levels.contains(record.level) ? record.level : "other"
        if let message = record.message {
            text = Self.cut(message)
        } else if record.level == "results", let result = try? record.result() {
            text = Self.cut("\(result.suite).\(result.name): \(result.result)" + (result.measurement.map { " \($0)\(result.units.map { " " + $0 } ?? "")" } ?? ""))
        } else {
            text = Self.cut(record.text)
        }
    }

    private static func cut(_ text: String) -> String {
        guard text.utf8.count > maxShown else { return text }
        return String(decoding: text.utf8.prefix(maxShown), as: UTF8.self) + " … [cut: the raw log has the whole line]"
    }

    /// `<code class="…" id="L<n>">` with a link to itself: the markup of LAVA's log, escaped.
    func appendHTML(to output: inout [UInt8]) {
        output.append(contentsOf: "<code class=\"\(level)\" id=\"L\(number)\"><a class=\"ln\" href=\"#L\(number)\">\(number)</a>".utf8)
        HTMLEscaping.append(text, to: &output)
        output.append(contentsOf: "</code>\n".utf8)
    }
}
