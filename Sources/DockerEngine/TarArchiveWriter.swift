import Foundation

/// Writes a directory as a ustar archive in memory, the form `POST /build` wants its context in.
///
/// Hand-written because Foundation has no tar support and the worker must not depend on a `tar`
/// binary or a C library for this: build contexts are a Dockerfile and a few small files, so
/// regular files, directories and symlinks (with PAX headers for long names) are all it needs.
enum TarArchiveWriter {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func archive(directory: URL) throws(Failure) -> [UInt8] {
        var output: [UInt8] = []
        try append(directory: directory.path, relative: "", to: &output)
        // Two zero blocks end the archive.
        output.append(contentsOf: [UInt8](repeating: 0, count: 1024))
        return output
    }

    private static func append(directory: String, relative: String, to output: inout [UInt8]) throws(Failure) {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        } catch {
            throw Failure(description: "\(directory): \(error.localizedDescription)")
        }
        for name in names {
            let path = directory + "/" + name
            let entryName = relative + name
            let attributes: [FileAttributeKey: Any]
            do {
                // attributesOfItem does not follow symlinks, so a link to a directory stays a link.
                attributes = try FileManager.default.attributesOfItem(atPath: path)
            } catch {
                throw Failure(description: "\(path): \(error.localizedDescription)")
            }
            let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? 0o644
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            var entry = Entry(name: entryName, mode: mode, modified: Int(modified))
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                entry.name += "/"
                entry.type = .directory
                output.append(contentsOf: entry.header())
                try append(directory: path, relative: entry.name, to: &output)
            case .typeSymbolicLink?:
                do {
                    entry.linkTarget = try FileManager.default.destinationOfSymbolicLink(atPath: path)
                } catch {
                    throw Failure(description: "\(path): \(error.localizedDescription)")
                }
                entry.type = .symlink
                output.append(contentsOf: entry.header())
            case .typeRegular?:
                guard let contents = FileManager.default.contents(atPath: path) else {
                    throw Failure(description: "\(path): cannot be read")
                }
                entry.size = contents.count
                output.append(contentsOf: entry.header())
                output.append(contentsOf: contents)
                output.append(contentsOf: [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512))
            default:
                throw Failure(description: "\(path): only files, directories and symlinks can go in a build context")
            }
        }
    }

    /// One archive member's header fields.
    struct Entry {
        enum Kind: UInt8 {
            case file = 0x30, symlink = 0x32, directory = 0x35, paxHeader = 0x78
        }

        var name: String
        var mode: Int
        var modified: Int
        var type = Kind.file
        var size = 0
        var linkTarget = ""

        /// The 512-byte header, preceded by a PAX header when a name does not fit ustar's fields.
        func header() -> [UInt8] {
            var pax: [UInt8] = []
            let fields: (prefix: String, name: String)
            if let split = Self.split(name) {
                fields = split
            } else {
                // Readers take the PAX path; the ustar field only keeps a recognisable tail.
                pax += Self.paxRecord("path", name)
                fields = ("", String(decoding: name.utf8.suffix(99), as: UTF8.self))
            }
            if linkTarget.utf8.count > 100 { pax += Self.paxRecord("linkpath", linkTarget) }
            var block: [UInt8] = []
            if !pax.isEmpty {
                var paxEntry = Entry(name: "PaxHeaders/" + String(fields.name.suffix(80)), mode: 0o644, modified: modified)
                paxEntry.type = .paxHeader
                paxEntry.size = pax.count
                block += paxEntry.ustarBlock(prefix: "", name: paxEntry.name)
                block += pax + [UInt8](repeating: 0, count: (512 - pax.count % 512) % 512)
            }
            return block + ustarBlock(prefix: fields.prefix, name: fields.name)
        }

        private func ustarBlock(prefix: String, name: String) -> [UInt8] {
            var block = [UInt8](repeating: 0, count: 512)
            func put(_ text: String, at offset: Int, width: Int) {
                for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
            }
            func octal(_ value: Int, at offset: Int, width: Int) {
                put(String(repeating: "0", count: max(0, width - 1 - String(value, radix: 8).count)) + String(value, radix: 8), at: offset, width: width - 1)
            }
            put(name, at: 0, width: 100)
            octal(mode & 0o7777, at: 100, width: 8)
            octal(0, at: 108, width: 8)
            octal(0, at: 116, width: 8)
            octal(size, at: 124, width: 12)
            octal(modified, at: 136, width: 12)
            block[156] = type.rawValue
            put(linkTarget, at: 157, width: 100)
            put("ustar\u{0}00", at: 257, width: 8)
            put("root", at: 265, width: 32)
            put("root", at: 297, width: 32)
            put(prefix, at: 345, width: 155)
            // The checksum is taken with its own field as eight spaces.
            for index in 148..<156 { block[index] = 0x20 }
            let checksum = block.reduce(0) { $0 + Int($1) }
            octal(checksum, at: 148, width: 7)
            block[154] = 0
            return block
        }

        /// ustar's 155-byte prefix and 100-byte name, split at a slash; nil when it cannot hold it.
        private static func split(_ path: String) -> (prefix: String, name: String)? {
            let bytes = Array(path.utf8)
            if bytes.count <= 100 { return ("", path) }
            for index in bytes.indices.reversed() where bytes[index] == UInt8(ascii: "/") && index < bytes.count - 1 {
                let prefix = bytes[..<index], name = bytes[(index + 1)...]
                if prefix.count <= 155 && name.count <= 100 {
                    return (String(decoding: prefix, as: UTF8.self), String(decoding: name, as: UTF8.self))
                }
            }
            return nil
        }

        /// `"<length> key=value\n"`, where the length counts the whole record, its digits included.
        private static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
            let body = " \(key)=\(value)\n"
            var length = body.utf8.count + 1
            while String(length).count + body.utf8.count > length { length += 1 }
            return Array("\(length)\(body)".utf8)
        }
    }
}
