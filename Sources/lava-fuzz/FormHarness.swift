import LavaCore

/// Form bodies, as the server reads every worker request: any bytes give fields without a
/// crash, and what the worker's `FormEncoding` writes reads back as the same fields.
enum FormHarness {
    static let harness = Harness(name: "form") { input in
        _ = input.withUnsafeBytes { FormDecoding.fields($0) }

        let texts = input.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        let pairs = stride(from: 0, to: texts.count - 1, by: 2).map { (texts[$0], texts[$0 + 1]) }
        var expected: [String: String] = [:]
        for (name, value) in pairs where !name.isEmpty || !value.isEmpty {
            expected[name] = value
        }
        let body = FormEncoding.encode(pairs)
        let decoded = Array(body.utf8).withUnsafeBytes { FormDecoding.fields($0) }
        expect(decoded == expected, "\(pairs) is encoded as \(body), which reads back as \(decoded)")
    }
}
