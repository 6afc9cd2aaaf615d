import Foundation
import LavaTestSupport
import Testing

/// Package.swift's rule that the worker binaries stay free of SwiftNIO, checked on what is
/// linked: the binaries of this build, read by `nm`. (The static ones the images carry link the
/// same package modules; only the Swift runtime is linked otherwise.)
@Suite struct NoNIOTests {
    static let workerBinaries = ["lava-worker", "lava-run", "lava-docker-worker"]

    @Test("lava-worker, lava-run and lava-docker-worker hold no symbol of a NIO module; lava-server, the control, does")
    func workerBinariesLinkNoNIO() async throws {
        for name in Self.workerBinaries {
            #expect(try await Self.nioModules(in: name) == [], "\(name) links SwiftNIO")
        }
        let server = try await Self.nioModules(in: "lava-server")
        #expect(server.isSuperset(of: ["NIOCore", "NIOPosix"]), "\(server)")
    }

    /// The NIO modules (`NIO…`, `_NIO…`) that define Swift symbols in the binary: a mangled name
    /// (`$s7NIOCore10ByteBufferV…`) starts with its module's length and name. (A NIO name further
    /// in may be a type another package copied, as swift-prometheus's NIOLockedValueBox.)
    static func nioModules(in name: String) async throws -> Set<String> {
        let binary = BuiltProgram.path(name)
        let listed = try await BuiltProgram.run(URL(fileURLWithPath: "/usr/bin/nm"), [binary.path])
        try #require(listed.status == 0, "nm \(binary.path): \(listed.error)")
        return modules(in: listed.output)
    }

    static func modules(in symbols: String) -> Set<String> {
        var found = Set<String>()
        for line in symbols.split(separator: "\n") {
            guard let symbol = line.split(separator: " ").last, symbol.hasPrefix("$s") else { continue }
            let mangled = symbol.dropFirst(2)
            let digits = mangled.prefix { $0.isASCII && $0.isNumber }
            guard let length = Int(digits) else { continue }
            let module = mangled.dropFirst(digits.count).prefix(length)
            if module.count == length, module.hasPrefix("NIO") || module.hasPrefix("_NIO") {
                found.insert(String(module))
            }
        }
        return found
    }

    @Test("a module is read from the start of a mangled name, as long as its length says")
    func moduleNames() {
        #expect(Self.modules(in: "0000 T $s7NIOCore10ByteBufferV\n0000 T $s8NIOPosix\n U $s18_NIODataStructures4HeapV")
            == ["NIOCore", "NIOPosix", "_NIODataStructures"])
        #expect(Self.modules(in: "0000 T $s10Prometheus17NIOLockedValueBoxV\n U $s12NIOCore\n0000 T NIOCore_c") == [])
    }
}
