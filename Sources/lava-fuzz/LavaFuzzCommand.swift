import Foundation

/// `lava-fuzz HARNESS ...`: one fuzz target per parser of untrusted input (see `Harness.all`).
/// Built by scripts/fuzz.sh with libFuzzer and AddressSanitizer (the LAVA_FUZZ condition), the
/// remaining arguments are libFuzzer's; in the normal build it replays input files through the
/// harness, so a reproducer can be run under the debugger without the sanitizers.
@main
struct LavaFuzzCommand {
    static func main() {
        let arguments = CommandLine.arguments
        guard arguments.count >= 2, let harness = Harness.all.first(where: { $0.name == arguments[1] }) else {
            let names = Harness.all.map(\.name).joined(separator: ", ")
            FileHandle.standardError.write(Data("""
                usage: lava-fuzz HARNESS [libFuzzer options] [CORPUS_DIR...]   (built by scripts/fuzz.sh)
                       lava-fuzz HARNESS FILE_OR_DIR...                        (normal build: replays inputs)
                harnesses: \(names)

                """.utf8))
            exit(2)
        }
        #if LAVA_FUZZ
        FuzzDriver.run(harness)
        #else
        exit(Replay.run(harness, paths: Array(arguments.dropFirst(2))))
        #endif
    }
}
