// Times DockerClient.exec against a real engine (issue 12): how long from the call to the first
// output chunk, and to the exit status of a command that prints one line and ends.
//
// usage: lava-bench-exec [RUNS] (default 7), the engine at $DOCKER_HOST (unix://, default
// /tmp/lava-docker/docker.sock), the image $IMAGE (default debian:bookworm-slim, must be there).
import DockerEngine
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count <= 1, let runs = Int(arguments.first ?? "7"), runs > 0 else {
    FileHandle.standardError.write(Data("usage: lava-bench-exec [RUNS]\n".utf8))
    exit(2)
}
let environment = ProcessInfo.processInfo.environment
let socket = (environment["DOCKER_HOST"] ?? "unix:///tmp/lava-docker/docker.sock").replacingOccurrences(of: "unix://", with: "")
let image = environment["IMAGE"] ?? "debian:bookworm-slim"

/// The first chunk's arrival, set once from the output handler.
final class FirstChunk: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: ContinuousClock.Instant?

    func mark() {
        lock.withLock { if instant == nil { instant = .now } }
    }

    var value: ContinuousClock.Instant? { lock.withLock { instant } }
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func report(_ what: String, _ values: [Double]) {
    print(String(format: "%@: median %.1f ms, min %.1f, max %.1f (%d runs)", what, median(values), values.min() ?? 0, values.max() ?? 0, values.count))
}

let client = try DockerClient(socketPath: socket)
let id = try await client.createContainer(
    name: "lava-bench-exec-\(UUID().uuidString.prefix(8).lowercased())",
    ContainerSpec(image: image, command: ["sleep", "infinity"], initProcess: true)
)
do {
    try await client.startContainer(id)
    var firsts: [Double] = [], wholes: [Double] = []
    for _ in 0..<runs {
        // Output while the command runs: the second line comes 1 s after the first.
        let first = FirstChunk()
        let start = ContinuousClock.now
        _ = try await client.exec(id, command: ["sh", "-c", "echo now; sleep 1; echo later"]) { _ in first.mark() }
        guard let arrival = first.value else { throw DockerError.invalidResponse(detail: "the exec printed nothing") }
        firsts.append(milliseconds(arrival - start))

        let called = ContinuousClock.now
        _ = try await client.exec(id, command: ["echo", "hi"]) { _ in }
        wholes.append(milliseconds(.now - called))
    }
    report("exec: first output", firsts)
    report("exec of `echo hi`: call to exit status", wholes)
} catch {
    try? await client.removeContainer(id, force: true)
    throw error
}
try await client.removeContainer(id, force: true)
