import Foundation

/// Lists the members of an uncompressed tar archive (ustar, GNU long names, pax headers) so they
/// can be checked before `tar -x` writes anything. Reading the headers directly avoids parsing
/// `tar -tv` output, whose layout differs between tar versions and is ambiguous for odd names.
public struct TarListing {
    public struct Member: Equatable {
        public enum Kind: Equatable {
            case file
            case directory
            case symlink(target: String)
            case hardlink(target: String)
            /// Device nodes and FIFOs: nothing a test definition needs.
            case special
        }

        public let name: String
        public let kind: Kind
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String
    }

    private static let block = 512

    public static func members(of data: Data) throws(Malformed) -> [Member] {
        let bytes = [UInt8](data)
        var members: [Member] = []
        var offset = 0
        var longName: String?
        var longLink: String?
        var paxPath: String?
        var paxLink: String?
        var paxSize: Int?
        while offset + block <= bytes.count {
            let header = bytes[offset ..< offset + block]
            if header.allSatisfy({ $0 == 0 }) { return members }
            guard checksumMatches(header) else {
                throw Malformed(description: "not a tar archive (bad header checksum at byte \(offset)); check "
                    + "'compression' and that the URL serves the archive itself")
            }
            let start = header.startIndex
            let type = header[start + 156]
            let isMember = ![UInt8(ascii: "L"), UInt8(ascii: "K"), UInt8(ascii: "x"), UInt8(ascii: "g"),
                             UInt8(ascii: "V")].contains(type)
            // A pax `size` is the following member's; negative or past the end is a hostile header.
            let size = (isMember ? paxSize : nil) ?? number(header[start + 124 ..< start + 136])
            let dataStart = offset + block
            // Links, directories and special files carry no data whatever their size field says.
            let hasData = ![UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"),
                            UInt8(ascii: "5"), UInt8(ascii: "6")].contains(type)
            guard !hasData || (size >= 0 && size <= bytes.count - dataStart) else {
                throw Malformed(description: "truncated tar archive (the header at byte \(offset) gives a size of "
                    + "\(size) bytes)")
            }
            func payload() -> ArraySlice<UInt8> {
                bytes[dataStart ..< dataStart + size]
            }
            switch type {
            case UInt8(ascii: "L"):
                longName = text(payload())
            case UInt8(ascii: "K"):
                longLink = text(payload())
            case UInt8(ascii: "x"):
                let records = paxRecords(payload())
                paxPath = records["path"] ?? paxPath
                paxLink = records["linkpath"] ?? paxLink
                paxSize = records["size"].flatMap { Int($0) } ?? paxSize
            case UInt8(ascii: "g"), UInt8(ascii: "V"):
                break
            default:
                let name = paxPath ?? longName ?? fullName(header)
                let link = paxLink ?? longLink ?? text(header[start + 157 ..< start + 257])
                let kind: Member.Kind = switch type {
                case UInt8(ascii: "1"): .hardlink(target: link)
                case UInt8(ascii: "2"): .symlink(target: link)
                case UInt8(ascii: "5"): .directory
                case UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6"): .special
                default: .file
                }
                members.append(Member(name: name, kind: kind))
                (longName, longLink, paxPath, paxLink, paxSize) = (nil, nil, nil, nil, nil)
            }
            offset = dataStart + (hasData ? (size + block - 1) / block * block : 0)
        }
        throw Malformed(description: "truncated tar archive (no end-of-archive marker)")
    }

    /// `prefix/name` for POSIX ustar headers; GNU headers use the prefix field for other data.
    private static func fullName(_ header: ArraySlice<UInt8>) -> String {
        let start = header.startIndex
        let name = text(header[start ..< start + 100])
        let isPOSIX = Array(header[start + 257 ..< start + 263]) == Array("ustar\0".utf8)
        let prefix = isPOSIX ? text(header[start + 345 ..< start + 500]) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    private static func text(_ field: ArraySlice<UInt8>) -> String {
        String(decoding: field.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// Octal digits, or GNU's base-256 form (high bit set) for large values.
    private static func number(_ field: ArraySlice<UInt8>) -> Int {
        if let first = field.first, first & 0x80 != 0 {
            return field.dropFirst().reduce(Int(first & 0x7F)) { $0 << 8 | Int($1) }
        }
        let digits = field.prefix { $0 != 0 }.filter { $0 != UInt8(ascii: " ") }
        return Int(String(decoding: digits, as: UTF8.self), radix: 8) ?? 0
    }

    private static func checksumMatches(_ header: ArraySlice<UInt8>) -> Bool {
        let start = header.startIndex
        let expected = number(header[start + 148 ..< start + 156])
        var sum = 0
        for (index, byte) in header.enumerated() {
            sum += (148 ..< 156).contains(index) ? Int(UInt8(ascii: " ")) : Int(byte)
        }
        return sum == expected
    }

    /// pax extended header records: `<length> <key>=<value>\n`.
    private static func paxRecords(_ data: ArraySlice<UInt8>) -> [String: String] {
        var records: [String: String] = [:]
        var rest = data[...]
        // The length counts the whole record, digits and line break included.
        while let space = rest.firstIndex(of: UInt8(ascii: " ")),
              let length = Int(String(decoding: rest[rest.startIndex ..< space], as: UTF8.self)),
              length >= space - rest.startIndex + 2, length <= rest.count {
            let record = rest[(space + 1) ..< (rest.startIndex + length - 1)]
            if let equals = record.firstIndex(of: UInt8(ascii: "=")) {
                records[String(decoding: record[..<equals], as: UTF8.self)]
                    = String(decoding: record[(equals + 1)...], as: UTF8.self)
            }
            rest = rest[(rest.startIndex + length)...]
        }
        return records
    }
}
