import Foundation
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// The worker programs look up no name but the server's: in the worker container the hostname
/// (`docker-<fqdn>`) resolves nowhere, so each lookup of it waits for the lab's DNS server, and
/// one that does not answer made every start and exit wait seconds (issue 12). Each program runs
/// with its own hostname and a resolv.conf whose nameserver never answers and keeps what it is
/// asked (`SilentNameServer`); the server is on 127.0.0.1, which needs no lookup. Under strace
/// (`NetworkTrace`), any other use of the network fails the tests too: a lookup answered
/// elsewhere (nscd, /etc/hosts does not count), netlink, or any address but the server's.
@Suite struct NameLookupTests {
    static func online(_ name: String, on live: LiveServer, within seconds: Int = 60, log: @autoclosure () -> String) async throws {
        for _ in 0..<(seconds * 5) {
            if try await live.inventory.workers().first(where: { $0.name == name })?.state == .online { return }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("\(name) is not online after \(seconds) s; its log:\n\(log())")
    }

    @Test("with --name, lava-worker starts, goes online and exits on SIGTERM using no network but the server's: no name lookup (its hostname resolving nowhere), no other address")
    func workerWithName() async throws {
        let watch = try LookupWatch()
        defer { watch.remove() }
        let server = try await LiveServer.run { live in
            let token = try await live.inventory.addWorker("lab-1")
            let worker = try WorkerProcess(launcher: watch.launcher, url: live.url, token: token,
                                           directory: watch.directory.appendingPathComponent("worker"))
            defer { worker.stop() }
            try await Self.online("lab-1", on: live, log: worker.log)
            #expect(watch.nameServer.takeQueries() == [], "lava-worker looked these up to start")
            kill(try NetworkTrace.tracee(of: worker.process.processIdentifier), SIGTERM)
            #expect(try await worker.exitStatus(within: 30) == 0)
            return "connect 127.0.0.1:\(live.port)"
        }
        #expect(watch.nameServer.takeQueries() == [], "lava-worker looked these up to exit")
        let uses = try watch.trace.uses()
        #expect(uses.contains(server), "the trace has no connection to the server, so it proves nothing: \(uses)")
        #expect(uses.filter { $0 != server } == [], "lava-worker used the network beyond \(server)")
    }

    @Test("--help uses no network, a name lookup included", arguments: ["lava-worker", "lava-run", "lava-docker-worker"])
    func help(program: String) async throws {
        let watch = try LookupWatch()
        defer { watch.remove() }
        let run = try await watch.run(program, ["--help"])
        #expect(run.status == 0, "\(run.error)")
        #expect(run.output.contains("USAGE"))
        #expect(watch.nameServer.takeQueries() == [], "\(program) --help looked these up")
        #expect(try watch.trace.uses() == [], "\(program) --help used the network")
    }

    /// lava-docker-worker with --name names its worker container's host after the kernel's host
    /// name, without the FQDN lookup LAVA's does (with a name server that does not answer,
    /// glibc's defaults made that 10 s before anything else). Without an engine it stops at once.
    @Test("with --name, lava-docker-worker looks up no name before it asks its engine")
    func dockerWorkerWithName() async throws {
        let watch = try LookupWatch()
        defer { watch.remove() }
        let engine = watch.directory.appendingPathComponent("no-engine.sock").path
        let run = try await watch.run("lava-docker-worker", [
            "--name", "lab-1", "--url", "http://127.0.0.1:1/", "--worker-dir", watch.directory.appendingPathComponent("worker").path,
            "--log-file", "-", "--docker-socket", engine,
        ])
        #expect(run.status == 69, "\(run.output)\(run.error)")
        // The engine's socket, should it be tried, is no network.
        let uses = try watch.trace.uses().filter { $0 != "connect unix:\(engine)" }
        #expect(watch.nameServer.takeQueries() == [])
        #expect(uses == [])
    }

    /// LAVA's default name, and the proof that the tests above would see a lookup.
    @Test("without --name the worker is named after the host's FQDN, looked up then: the name server hears of it, and the trace shows it")
    func workerWithoutName() async throws {
        let watch = try LookupWatch()
        defer { watch.remove() }
        try await LiveServer.run { live in
            // A name that does not resolve has no FQDN: getfqdn() gives the short name back.
            let token = try await live.inventory.addWorker(watch.hostname)
            let worker = try WorkerProcess(launcher: watch.launcher, name: nil, url: live.url, token: token,
                                           directory: watch.directory.appendingPathComponent("worker"))
            defer { worker.stop() }
            try await Self.online(watch.hostname, on: live, log: worker.log)
            // An end by SIGTERM, after which strace has written the whole trace.
            kill(try NetworkTrace.tracee(of: worker.process.processIdentifier), SIGTERM)
            #expect(try await worker.exitStatus(within: 30) == 0)
        }
        let queries = watch.nameServer.takeQueries()
        #expect(queries.contains("1 \(watch.hostname)"), "\(queries)")
        let uses = try watch.trace.uses()
        #expect(uses.contains("connect \(watch.nameServer.address):53"), "\(uses)")
    }
}
