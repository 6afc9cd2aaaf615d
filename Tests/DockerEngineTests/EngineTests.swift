import DockerEngine
import Foundation
import Testing

@Suite struct EngineTests {
    @Test("ping and version; the API version is the engine's, capped at 1.41")
    func versionNegotiation() async throws {
        let client = try TestEngine.client()
        try await client.ping()
        let version = try await client.version()
        #expect(!version.version.isEmpty)
        #expect(version.os == "linux")
        #expect(!version.arch.isEmpty)
        let engineAPI = try #require(APIVersion(version.apiVersion))
        let negotiated = try await client.apiVersion()
        #expect(negotiated == min(engineAPI, APIVersion.preferred))
        #expect(negotiated >= APIVersion.minimum)
    }

    @Test("negotiation: capped at ours, raised to the engine's minimum, refused below 1.36")
    func negotiationRules() throws {
        let v = { (text: String) in APIVersion(text)! }
        #expect(try APIVersion.negotiate(engine: v("1.43"), engineMinimum: v("1.12")) == v("1.41"))
        #expect(try APIVersion.negotiate(engine: v("1.40"), engineMinimum: nil) == v("1.40"))
        #expect(try APIVersion.negotiate(engine: v("1.52"), engineMinimum: v("1.44")) == v("1.44"))
        #expect(throws: DockerError.unsupportedEngine(apiVersion: "1.35", minimum: "1.36")) {
            try APIVersion.negotiate(engine: v("1.35"), engineMinimum: nil)
        }
        #expect(v("1.9") < v("1.41"))
    }

    @Test("no socket: the error says what to check")
    func socketMissing() async throws {
        #expect(throws: DockerError.socketMissing(path: "/nonexistent/docker.sock")) {
            _ = try DockerClient(socketPath: "/nonexistent/docker.sock")
        }
        #expect(DockerError.socketMissing(path: "/var/run/docker.sock").description
                == "no Docker engine at /var/run/docker.sock: is dockerd running? (--docker-socket)")
        #expect(DockerError.permissionDenied(path: "/var/run/docker.sock").description
                == "permission denied on /var/run/docker.sock: run as root or add the user to the docker group")

        // A socket that goes away after the client was made.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(TestEngine.unique("sock")).path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        let client = try DockerClient(socketPath: path)
        try FileManager.default.removeItem(atPath: path)
        await #expect(throws: DockerError.socketMissing(path: path)) { try await client.ping() }
    }

    @Test("something at the path that is not an engine is a connection failure naming the path")
    func notAnEngine() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(TestEngine.unique("file")).path
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let client = try DockerClient(socketPath: path)
        do throws(DockerError) {
            try await client.ping()
            Issue.record("ping through a plain file succeeded")
        } catch {
            guard case .connectionFailed(let failedPath, _) = error else {
                Issue.record("expected connectionFailed, got \(error)")
                return
            }
            #expect(failedPath == path)
            #expect(error.description.contains("is dockerd running? (--docker-socket)"))
        }
    }
}
