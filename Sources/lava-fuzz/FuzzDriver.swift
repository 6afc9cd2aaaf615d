#if LAVA_FUZZ
import CLibFuzzer
import Foundation

/// Hands the process to libFuzzer with the chosen harness. libFuzzer's callback is a C function
/// pointer without context, hence the one global it reads.
enum FuzzDriver {
    nonisolated(unsafe) private static var harness: Harness?

    static func run(_ selected: Harness) -> Never {
        harness = selected
        // libFuzzer parses argv itself: drop the harness name, keep the program name first.
        var arguments: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.enumerated()
            .filter { $0.offset != 1 }
            .map { strdup($0.element) }
        arguments.append(nil)
        var argc = CInt(arguments.count - 1)
        let status = arguments.withUnsafeMutableBufferPointer { buffer in
            var argv = buffer.baseAddress
            return LLVMFuzzerRunDriver(&argc, &argv) { data, size in
                FuzzDriver.harness?.run(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
                return 0
            }
        }
        exit(status)
    }
}
#endif
