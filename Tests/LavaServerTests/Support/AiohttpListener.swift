import Foundation
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A listener of `/ws/` on aiohttp, the WebSocket client of LAVA 2023.01's lava-worker
/// (Debian's python3-aiohttp, which lava-dispatcher brings), connected as that worker connects:
/// `ws_connect(url, heartbeat=30)`. Each text message is one line of its output.
final class AiohttpListener: Sendable {
    static let script = """
        import asyncio, sys, aiohttp
        async def main(url):
            async with aiohttp.ClientSession() as session:
                async with session.ws_connect(url, heartbeat=30) as ws:
                    print("connected", flush=True)
                    async for message in ws:
                        if message.type == aiohttp.WSMsgType.TEXT:
                            print(message.data, flush=True)
                    print("closed", flush=True)
        asyncio.run(main(sys.argv[1]))
        """

    private let process: Process
    private let lines: AsyncStream<String>

    /// Starts it, and returns once its handshake is done.
    init(url: String) async throws {
        let output = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.script, url]
        process.standardOutput = output
        process.standardError = output
        let (lines, continuation) = AsyncStream<String>.makeStream()
        self.lines = lines
        try process.run()
        // A thread of its own: a blocking read must not hold one of Swift concurrency's threads.
        Thread.detachNewThread {
            var pending = Data()
            while case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 10) {
                    continuation.yield(String(decoding: pending[..<newline], as: UTF8.self))
                    pending.removeSubrange(...newline)
                }
            }
            continuation.finish()
        }
        let first = try await next(1, raw: true)
        guard first == ["connected"] else {
            // Its traceback, whole: the process ends after it, and so do the lines.
            process.waitUntilExit()
            var rest: [String] = []
            for await line in lines { rest.append(line) }
            throw TestFailure("aiohttp did not connect:\n\((first + rest).joined(separator: "\n"))")
        }
    }

    /// The next `count` messages, parsed as LAVA's worker parses them.
    func next(_ count: Int) async throws -> [EventMessage] {
        try await next(count, raw: false).map { line in
            guard line != "closed" else { throw TestFailure("the server or a proxy closed aiohttp's connection") }
            return try EventMessage(line)
        }
    }

    private func next(_ count: Int, raw: Bool) async throws -> [String] {
        let lines = self.lines
        return try await within(30, "\(count) lines from aiohttp") {
            var received: [String] = []
            for await line in lines {
                received.append(line)
                if received.count == count { break }
            }
            return received
        }
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}
