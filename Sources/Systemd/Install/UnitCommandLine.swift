/// The command systemd runs for the unit, computed as systemd computes it (systemd.service(5),
/// "Command lines"), so the command printed for starting by hand is exactly the service's.
enum UnitCommandLine {
    /// ExecStart= with `$NAME` words replaced by the value split at whitespace (nothing when
    /// unset or empty) and `${NAME}` words by the value as one word. Variables come from the
    /// unit's Environment= lines, then the environment file, which overrides them.
    static func arguments(unit: String, environmentFile: String) -> [String] {
        var variables: [String: String] = [:]
        var command = ""
        for line in unit.split(separator: "\n") {
            if let value = line.value(of: "Environment=") {
                for assignment in words(value) {
                    let (name, value) = assignment.assignment
                    variables[name] = value
                }
            } else if let value = line.value(of: "ExecStart=") {
                command = value
            }
        }
        for line in environmentFile.split(separator: "\n") where !line.hasPrefix("#") && line.contains("=") {
            let (name, value) = String(line).assignment
            variables[name] = words(value).joined(separator: " ")
        }
        return words(command).flatMap { word -> [String] in
            if word.hasPrefix("${"), word.hasSuffix("}") {
                return [variables[String(word.dropFirst(2).dropLast())] ?? ""]
            }
            if word.hasPrefix("$") {
                return (variables[String(word.dropFirst())] ?? "").split(separator: " ").map(String.init)
            }
            return [word]
        }
    }

    /// Words separated by whitespace, with double or single quotes grouping and backslash
    /// escaping, as systemd reads ExecStart= and Environment=.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current: String?
        var quote: Character?
        var escaped = false
        for character in text {
            if escaped {
                current = (current ?? "") + String(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if let open = quote {
                if character == open { quote = nil } else { current = (current ?? "") + String(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                current = current ?? ""
            } else if character == " " || character == "\t" {
                if let word = current { words.append(word) }
                current = nil
            } else {
                current = (current ?? "") + String(character)
            }
        }
        if let word = current { words.append(word) }
        return words
    }

    /// The command as one line a POSIX shell runs unchanged.
    static func shellLine(_ arguments: [String]) -> String {
        arguments.map { argument in
            let plain = !argument.isEmpty && argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@%+,".contains($0) }
            return plain ? argument : "'" + argument.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
        }.joined(separator: " ")
    }
}

extension Substring {
    fileprivate func value(of key: String) -> String? {
        hasPrefix(key) ? String(dropFirst(key.count)) : nil
    }
}

extension String {
    /// `NAME=value` split at the first `=`.
    fileprivate var assignment: (String, String) {
        guard let equals = firstIndex(of: "=") else { return (self, "") }
        return (String(self[..<equals]), String(self[index(after: equals)...]))
    }
}
