/// Python's `shlex.quote`, which LAVA uses for the `environment` file: safe words stay bare,
/// anything else is single-quoted with `'` written as `'"'"'`.
enum ShellQuoting {
    private static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_")

    static func quote(_ value: String) -> String {
        if value.isEmpty { return "''" }
        if value.allSatisfy(safe.contains) { return value }
        return "'" + value.replacingOccurrences(of: "'", with: #"'"'"'"#) + "'"
    }

    /// Always single-quoted: `run.sh` writes parameters as `name='value'`, as LAVA does.
    static func singleQuoted(_ value: String) -> String {
        "'" + value.replacingOccurrences(of: "'", with: #"'"'"'"#) + "'"
    }
}
