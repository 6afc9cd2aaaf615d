import Foundation
import LavaTestSupport
import Testing
@testable import LavaDispatcher

/// Archives whose headers lie, as found by scripts/fuzz.sh tar-listing: the listing must refuse
/// them with `Malformed`, never trap or loop.
@Suite struct TarListingTests {
    private func octal(_ value: Int) -> [UInt8] {
        Array(String(value, radix: 8).utf8)
    }

    @Test(arguments: [
        // A pax record whose length is shorter than its own length digits.
        Array("1 x=y\n".utf8),
        Array("3 path=evil\n".utf8),
        // A length far past the end.
        Array("9223372036854775807 path=evil\n".utf8),
    ])
    func refusesPaxRecordsWithImpossibleLengths(records: [UInt8]) {
        var tar = TarBuilder()
        tar.member(type: "x", name: "PaxHeaders/a", payload: records, sizeField: octal(records.count))
        tar.file("a", "x")
        #expect(throws: TarListing.Malformed.self) { try TarListing.members(of: tar.finished()) }
    }

    @Test(arguments: [
        // GNU base-256: negative (0xFF...) and a value past the end of any archive.
        [UInt8](repeating: 0xFF, count: 12),
        [0x80] + [UInt8](repeating: 0, count: 3) + [UInt8](repeating: 0x7F, count: 8),
    ])
    func refusesSizesOutsideTheArchive(sizeField: [UInt8]) {
        var tar = TarBuilder()
        tar.member(type: "0", name: "a", payload: [], sizeField: sizeField)
        #expect(throws: TarListing.Malformed.self) { try TarListing.members(of: tar.finished()) }
    }

    @Test(arguments: ["-1024", "9223372036854775807"])
    func refusesPaxSizesOutsideTheArchive(size: String) {
        let record = "size=\(size)\n"
        let line = Array("\(record.utf8.count + 3) \(record)".utf8)
        var tar = TarBuilder()
        tar.member(type: "x", name: "PaxHeaders/a", payload: line, sizeField: octal(line.count))
        tar.file("a", "x")
        #expect(throws: TarListing.Malformed.self) { try TarListing.members(of: tar.finished()) }
    }

    /// A pax `size` is the size of the member after it, not of the pax header's own records.
    @Test func appliesAPaxSizeToTheNextMember() throws {
        let content = [UInt8](repeating: UInt8(ascii: "x"), count: 600)
        let record = "size=600\n"
        let line = Array("\(record.utf8.count + 3) \(record)".utf8)
        var tar = TarBuilder()
        tar.member(type: "x", name: "PaxHeaders/big", payload: line, sizeField: octal(line.count))
        tar.member(type: "0", name: "big", payload: content, sizeField: octal(0))
        tar.file("after", "y")
        let members = try TarListing.members(of: tar.finished())
        #expect(members.map(\.name) == ["big", "after"])
    }
}
