import DockerEngine
import Foundation

/// What the Docker engine streams back: the input is cut into chunks (at NUL bytes) as the
/// socket might deliver them; `LineSplitter` must give the same lines however the stream is cut,
/// each line must decode as a progress message or an event or fail cleanly, and the multiplexed
/// log stream must split into frames that add up to what was sent.
enum DockerStreamHarness {
    static let harness = Harness(name: "docker-stream") { input in
        let chunks = input.split(separator: 0, omittingEmptySubsequences: false).map(Array.init)
        let stream = Array(chunks.joined())
        var splitter = LineSplitter()
        var lines = chunks.flatMap { splitter.feed($0) }
        if let rest = splitter.finish() { lines.append(rest) }
        var whole = LineSplitter()
        var expected = whole.feed(stream)
        if let rest = whole.finish() { expected.append(rest) }
        expect(lines == expected, "the lines depend on where the stream was cut")
        expect(Array(lines.joined(separator: [UInt8(ascii: "\n")])) == stream
                   || Array(lines.joined(separator: [UInt8(ascii: "\n")])) + [UInt8(ascii: "\n")] == stream,
               "the lines do not add up to the stream")

        for line in lines {
            let data = Data(line)
            _ = (try? JSONDecoder().decode(ProgressMessage.self, from: data))?.humanLine
            _ = try? JSONDecoder().decode(DockerEvent.self, from: data)
        }

        var demultiplexer = OutputDemultiplexer()
        let output = chunks.flatMap { demultiplexer.feed($0) }
        expect(output.reduce(0) { $0 + 8 + $1.bytes.count } <= stream.count, "frames longer than the stream")
    }
}
