#if !LAVA_FUZZ
import Foundation

/// Runs a harness over files (a directory stands for the files in it), as libFuzzer does when
/// given file names; a failed check traps like it does under the fuzzer.
enum Replay {
    static func run(_ harness: Harness, paths: [String]) -> Int32 {
        var count = 0
        for path in paths {
            for file in files(at: path) {
                guard let data = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("lava-fuzz: cannot read \(file)\n".utf8))
                    return 1
                }
                harness.run([UInt8](data))
                count += 1
            }
        }
        print("lava-fuzz: \(harness.name): \(count) inputs passed")
        return 0
    }

    private static func files(at path: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return [path] }
        return names.sorted().map { path + "/" + $0 }
    }
}
#endif
