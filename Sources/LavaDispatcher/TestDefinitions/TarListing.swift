import Foundation

/// Lists the members of an uncompressed tar archive (ustar, GNU, pax) as GNU tar will extract
/// them, so they can be checked before `tar -x` writes anything: pax `x` records apply to the
/// next member and `g` records to all that follow, GNU `L`/`K` records to the member after them.
/// Whatever GNU tar could read otherwise than this listing (repeated or conflicting extension
/// headers, a link or directory with data, unknown types, bytes after the end) is refused, not
/// guessed. Reading the headers directly avoids parsing `tar -tv`, which differs between versions.
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
        /// The mode bits of the header (set-user-ID and the like included).
        public let mode: Int
    }

    /// Bounds on what one archive may make the listing hold.
    public struct Limits: Sendable {
        public var members: Int
        /// PATH_MAX: a longer name cannot be created anyway.
        public var nameLength: Int
        public var paxHeader: Int

        public init(members: Int = 100_000, nameLength: Int = 4096, paxHeader: Int = 1 << 20) {
            self.members = members
            self.nameLength = nameLength
            self.paxHeader = paxHeader
        }
    }

    public struct Malformed: Error, CustomStringConvertible {
        public let description: String

        init(_ description: String) {
            self.description = description
        }
    }

    private static let block = 512
    private static let space = UInt8(ascii: " ")

    /// Extension records waiting for the member they describe.
    private struct Pending {
        var longName: String?
        var longLink: String?
        var pax: [String: String]?
        var isEmpty: Bool { longName == nil && longLink == nil && pax == nil }
    }

    public static func members(of data: Data, limits: Limits = Limits()) throws(Malformed) -> [Member] {
        var members: [Member] = []
        var global: [String: String] = [:]
        var pending = Pending()
        var offset = data.startIndex
        while offset + block <= data.endIndex {
            let at = offset - data.startIndex
            let header = [UInt8](data[offset ..< offset + block])
            if header.allSatisfy({ $0 == 0 }) {
                guard pending.isEmpty else {
                    throw Malformed("the extension header before byte \(at) is not followed by a member")
                }
                guard data[(offset + block)...].allSatisfy({ $0 == 0 }) else {
                    throw Malformed("there is data after the end-of-archive marker at byte \(at), which GNU tar "
                        + "may read differently: publish a single tar archive")
                }
                return members
            }
            guard try checksumMatches(header, at: at) else {
                throw Malformed("not a tar archive (bad header checksum at byte \(at)); check "
                    + "'compression' and that the URL serves the archive itself")
            }
            let type = header[156]
            let headerSize = try number(header[124 ..< 136], "size", at: at)
            let dataStart = offset + block
            func payload(limit: Int, _ what: String) throws(Malformed) -> [UInt8] {
                guard headerSize <= limit else {
                    throw Malformed("\(what) at byte \(at) is \(headerSize) bytes long, more than the \(limit) allowed")
                }
                guard headerSize <= data.endIndex - dataStart else { throw Malformed("truncated tar archive") }
                return [UInt8](data[dataStart ..< dataStart + headerSize])
            }
            var size = headerSize
            switch type {
            case UInt8(ascii: "L"):
                guard pending.longName == nil else { throw Malformed("two GNU long names (type 'L') precede the member at byte \(at)") }
                pending.longName = try cString(payload(limit: limits.nameLength + 1, "a GNU long name"), "a GNU long name", at: at)
            case UInt8(ascii: "K"):
                guard pending.longLink == nil else { throw Malformed("two GNU long link names (type 'K') precede the member at byte \(at)") }
                pending.longLink = try cString(payload(limit: limits.nameLength + 1, "a GNU long link name"), "a GNU long link name", at: at)
            case UInt8(ascii: "x"):
                guard pending.pax == nil else { throw Malformed("two pax extended headers (type 'x') precede the member at byte \(at)") }
                pending.pax = try paxRecords(payload(limit: limits.paxHeader, "a pax header"), at: at)
            case UInt8(ascii: "g"):
                global.merge(try paxRecords(payload(limit: limits.paxHeader, "a pax header"), at: at)) { $1 }
            case UInt8(ascii: "0"), 0, UInt8(ascii: "7"), UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"),
                 UInt8(ascii: "4"), UInt8(ascii: "5"), UInt8(ascii: "6"):
                let records = global.merging(pending.pax ?? [:]) { $1 }
                let member = try member(header, records: records, pending: pending, at: at)
                pending = Pending()
                if let text = records["size"] { size = try paxSize(text, at: at) }
                guard member.kind == .file || size == 0 else {
                    throw Malformed("the member '\(member.name)' at byte \(at) is not a regular file but has a size of "
                        + "\(size) bytes, which GNU tar skips when listing and not when extracting")
                }
                members.append(member)
                guard members.count <= limits.members else {
                    throw Malformed("the archive has more than \(limits.members) members")
                }
            default:
                throw Malformed("the header at byte \(at) has the tar type '\(Self.typeName(type))', which is not "
                    + "extracted here (only files, directories, symlinks and hard links are): re-create the archive "
                    + "with GNU tar, without --sparse or --multi-volume")
            }
            guard size <= data.endIndex - dataStart else { throw Malformed("truncated tar archive") }
            offset = dataStart + (size + block - 1) / block * block
        }
        throw Malformed("truncated tar archive (no end-of-archive marker)")
    }

    /// The member a header describes, with the extension records that precede it. GNU tar lets a
    /// pax path override a GNU long name; an archive giving both is refused as ambiguous.
    private static func member(
        _ header: [UInt8], records: [String: String], pending: Pending, at: Int
    ) throws(Malformed) -> Member {
        if pending.longName != nil, records["path"] != nil {
            throw Malformed("the member at byte \(at) has both a GNU long name and a pax path")
        }
        if pending.longLink != nil, records["linkpath"] != nil {
            throw Malformed("the member at byte \(at) has both a GNU long link name and a pax linkpath")
        }
        let name = if let path = records["path"] ?? pending.longName { path } else { try fullName(header, at: at) }
        let link = if let path = records["linkpath"] ?? pending.longLink {
            path
        } else {
            try text(header[157 ..< 257], "link name", at: at)
        }
        guard !name.isEmpty else { throw Malformed("the member at byte \(at) has an empty name") }
        let kind: Member.Kind = switch header[156] {
        case UInt8(ascii: "1"): .hardlink(target: link)
        case UInt8(ascii: "2"): .symlink(target: link)
        case UInt8(ascii: "5"): .directory
        case UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "6"): .special
        // GNU tar extracts a regular file whose name ends with '/' as a directory.
        default: name.hasSuffix("/") ? .directory : .file
        }
        return Member(name: name, kind: kind, mode: try number(header[100 ..< 108], "mode", at: at))
    }

    /// `prefix/name` for POSIX ustar headers; GNU headers use the prefix field for other data.
    private static func fullName(_ header: [UInt8], at: Int) throws(Malformed) -> String {
        let name = try text(header[0 ..< 100], "name", at: at)
        let isPOSIX = Array(header[257 ..< 263]) == Array("ustar\0".utf8)
        let prefix = isPOSIX ? try text(header[345 ..< 500], "name prefix", at: at) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// A NUL-terminated field, which must be UTF-8 so that each name has one spelling here.
    private static func text(_ field: ArraySlice<UInt8>, _ what: String, at: Int) throws(Malformed) -> String {
        guard let text = String(validating: field.prefix { $0 != 0 }, as: UTF8.self) else {
            throw Malformed("the \(what) of the header at byte \(at) is not UTF-8")
        }
        return text
    }

    private static func cString(_ payload: [UInt8], _ what: String, at: Int) throws(Malformed) -> String {
        try text(payload[...], what, at: at)
    }

    /// Octal digits after optional spaces, ended by spaces or NULs; or GNU's base-256 form (first
    /// byte 0x80) for large values. Anything else is refused, as GNU tar refuses it.
    private static func number(_ field: ArraySlice<UInt8>, _ what: String, at: Int) throws(Malformed) -> Int {
        let invalid = Malformed("the header at byte \(at) has a \(what) numeric field that is not a non-negative number")
        if let first = field.first, first & 0x80 != 0 {
            let significant = field.dropFirst().drop { $0 == 0 }
            guard first == 0x80, significant.count <= 6 else { throw invalid }
            return significant.reduce(0) { $0 << 8 | Int($1) }
        }
        let rest = field.drop { $0 == space }
        let digits = rest.prefix { (UInt8(ascii: "0") ... UInt8(ascii: "7")).contains($0) }
        guard !digits.isEmpty, digits.count <= 16, rest.dropFirst(digits.count).allSatisfy({ $0 == 0 || $0 == space }) else {
            throw invalid
        }
        return digits.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
    }

    private static func paxSize(_ text: String, at: Int) throws(Malformed) -> Int {
        guard !text.isEmpty, text.utf8.count <= 15, text.utf8.allSatisfy({ (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) }),
              let size = Int(text) else {
            throw Malformed("the pax header before byte \(at) has a size record '\(text)' that is not a non-negative number")
        }
        return size
    }

    private static func checksumMatches(_ header: [UInt8], at: Int) throws(Malformed) -> Bool {
        let expected = try number(header[148 ..< 156], "checksum", at: at)
        var sum = 0
        for (index, byte) in header.enumerated() {
            sum += (148 ..< 156).contains(index) ? Int(space) : Int(byte)
        }
        return sum == expected
    }

    /// pax extended header records, `<length> <key>=<value>\n` filling the payload. Sparse-file
    /// records are refused: with them GNU tar takes the member's name from `GNU.sparse.name`.
    private static func paxRecords(_ payload: [UInt8], at: Int) throws(Malformed) -> [String: String] {
        func malformed(_ problem: String) -> Malformed {
            Malformed("the pax header at byte \(at) has a pax record that \(problem)")
        }
        var records: [String: String] = [:]
        var rest = payload[...]
        while let first = rest.first, first != 0 {
            guard let space = rest.firstIndex(of: space), space > rest.startIndex, space - rest.startIndex <= 7,
                  rest[..<space].allSatisfy({ (UInt8(ascii: "0") ... UInt8(ascii: "9")).contains($0) }) else {
                throw malformed("does not start with its length")
            }
            let length = rest[..<space].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            let end = rest.startIndex + length
            guard end > space + 1, end <= rest.endIndex, rest[end - 1] == UInt8(ascii: "\n") else {
                throw malformed("has a length that does not end at a newline")
            }
            let record = rest[(space + 1) ..< (end - 1)]
            guard let equals = record.firstIndex(of: UInt8(ascii: "=")), equals > record.startIndex,
                  let key = String(validating: record[..<equals], as: UTF8.self),
                  let value = String(validating: record[(equals + 1)...], as: UTF8.self) else {
                throw malformed("is not a UTF-8 key=value pair")
            }
            guard records[key] == nil else { throw malformed("repeats the key '\(key)'") }
            if key.hasPrefix("GNU.sparse.") {
                throw Malformed("the pax header at byte \(at) describes a sparse file ('\(key)'), which is not extracted "
                    + "here: re-create the archive without --sparse")
            }
            if ["path", "linkpath"].contains(key), value.utf8.contains(0) {
                throw malformed("has a NUL character in its '\(key)'")
            }
            records[key] = value
            rest = rest[end...]
        }
        guard rest.allSatisfy({ $0 == 0 }) else { throw malformed("is followed by bytes that are not records") }
        return records
    }

    private static func typeName(_ type: UInt8) -> String {
        (0x21 ... 0x7E).contains(type) ? String(UnicodeScalar(type)) : String(format: "\\x%02X", type)
    }
}
