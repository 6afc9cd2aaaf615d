@testable import DockerEngine
import Foundation
import Testing

@Suite struct DemultiplexerTests {
    static func frame(_ type: UInt8, _ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        let length = UInt32(payload.count)
        return [type, 0, 0, 0, UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)] + payload
    }

    @Test("frames cut at any byte come out whole and in order")
    func splitAnywhere() {
        let stream = Self.frame(1, "out\n") + Self.frame(2, "err\n") + Self.frame(1, "") + Self.frame(1, String(repeating: "x", count: 300))
        for cut in 1..<stream.count {
            var demultiplexer = OutputDemultiplexer()
            let chunks = demultiplexer.feed(Array(stream[..<cut])) + demultiplexer.feed(Array(stream[cut...]))
            #expect(chunks.text(.stdout) == "out\n" + String(repeating: "x", count: 300))
            #expect(chunks.text(.stderr) == "err\n")
        }
    }

    @Test("JSON progress lines read as a person would")
    func progressLines() throws {
        let decode = { (json: String) in try JSONDecoder().decode(ProgressMessage.self, from: Data(json.utf8)).humanLine }
        #expect(try decode(#"{"status":"Downloading","id":"a1b2","progress":"[=> ] 1MB/9MB"}"#) == "a1b2: Downloading [=> ] 1MB/9MB")
        #expect(try decode(#"{"stream":"Step 1/2 : FROM debian\n"}"#) == "Step 1/2 : FROM debian")
        #expect(try decode(#"{"aux":{"ID":"sha256:00"}}"#) == nil)
        #expect(try decode(#"{"error":"boom","errorDetail":{"message":"boom"}}"#) == "error: boom")
    }
}
