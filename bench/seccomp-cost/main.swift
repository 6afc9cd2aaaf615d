// bench/README.md: the cost of lava-worker's seccomp filter on a system call. Times getpid(2)
// (a system call each time: glibc has not cached it since 2.25) in a loop, then loads HostProtection.worker
// into this process, as lava-worker does at start, and times it again. A filter cannot be taken
// off, hence one process, unfiltered first.
//
//     swift run -c release --scratch-path .build-release lava-bench-seccomp [CALLS]
import Foundation
import Seccomp
#if canImport(Glibc)
import Glibc
#endif

let calls = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 10_000_000

/// Nanoseconds per call, the best of five runs of `calls` calls.
func nanosecondsPerCall() -> Double {
    (0..<5).map { _ in
        let start = ContinuousClock.now
        for _ in 0..<calls { _ = getpid() }
        let elapsed = ContinuousClock.now - start
        let nanoseconds = Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9
        return nanoseconds / Double(calls)
    }.min() ?? 0
}

let without = nanosecondsPerCall()
do {
    try SeccompContext(HostProtection.worker).load()
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
let with = nanosecondsPerCall()
print(String(format: "getpid: %.1f ns per call without the filter, %.1f ns with it (+%.1f ns), best of 5 × %d calls", without, with, with - without, calls))
