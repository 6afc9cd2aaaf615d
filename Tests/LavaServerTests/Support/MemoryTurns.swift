@testable import LavaServer

/// The peak resident size YAMLBombTests measure is this whole process's: tests that allocate
/// tens of megabytes at once take turns with those measurements, so that one test's peak is not
/// counted as another's (seen in CI: a 17 MiB XML-RPC body beside a YAML bomb's submission).
enum MemoryTurns {
    static let lock = AsyncLock()
}
