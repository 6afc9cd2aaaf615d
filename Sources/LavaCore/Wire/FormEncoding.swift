import Foundation

/// `application/x-www-form-urlencoded` bodies, as the worker protocol posts them (spec §2).
public enum FormEncoding {
    /// Unreserved characters stay, everything else is percent-encoded (spaces as %20, which
    /// every form decoder reads, LAVA's Django included).
    private static let unreserved: CharacterSet = {
        var set = CharacterSet.alphanumerics.intersection(CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        set.insert(charactersIn: "-._~")
        return set
    }()

    public static func encode(_ fields: [(String, String)]) -> String {
        fields.map { name, value in "\(escape(name))=\(escape(value))" }.joined(separator: "&")
    }

    public static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
