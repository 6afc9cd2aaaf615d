import Foundation
import LavaTestSupport
import Testing
import Yams

/// The files of server/ that admins install. The end-to-end ScaledOutDeploymentTests runs
/// haproxy.cfg and etc/ on loopback; the compose file cannot run here (no compose), so its
/// wiring is checked and its haproxy settings are given to haproxy's own checker.
@Suite struct DeploymentFilesTests {
    static let server = PackageFiles.url("server")

    static var haproxyConfig: URL { server.appendingPathComponent("haproxy/haproxy.cfg") }

    static func services() throws -> [String: [String: Any]] {
        let text = try String(contentsOf: server.appendingPathComponent("compose.yaml"), encoding: .utf8)
        let compose = try #require(try Yams.load(yaml: text) as? [String: Any])
        return try #require(compose["services"] as? [String: [String: Any]])
    }

    /// `haproxy -c` on server/haproxy/haproxy.cfg with `environment`.
    static func checkHAProxy(_ environment: [String: String]) async throws -> (status: Int32, output: String) {
        let (status, output, error) = try await BuiltProgram.run(URL(fileURLWithPath: "/usr/sbin/haproxy"),
                                                           ["-c", "-f", haproxyConfig.path],
                                                           environment: environment)
        return (status, output + error)
    }

    @Test("compose.yaml: two `serve --no-scheduler` and one scheduler of the image on one database, sharing no data volume (logs in the database); haproxy on haproxy.cfg")
    func compose() throws {
        let services = try Self.services()
        #expect(Set(services.keys) == ["postgres", "lava-server-1", "lava-server-2", "lava-scheduler", "haproxy"])
        var databases: Set<String> = []
        for name in ["lava-server-1", "lava-server-2", "lava-scheduler"] {
            let service = try #require(services[name])
            #expect((service["image"] as? String)?.hasPrefix("lavasoftware/lava-server:${LAVA_VERSION") == true, "\(name)")
            let volumes = service["volumes"] as? [String] ?? []
            #expect(!volumes.contains { $0.contains(":/var/lib/lava-server") }, "\(name): the job logs are in the database, no volume is shared")
            #expect(!(service["command"] as? [String] ?? []).contains("--log-store"), "\(name): the database store is PostgreSQL's default")
            let config = try #require(volumes.first { $0.hasSuffix(":/etc/lava-server:ro") }, "\(name) reads LAVA's configuration")
            #expect(config.hasPrefix("${LAVA_CONFIG_DIR:-./etc}:"))
            let command = try #require(service["command"] as? [String], "\(name)")
            #expect(command.first == (name == "lava-scheduler" ? "scheduler" : "serve"))
            if name != "lava-scheduler" {
                #expect(command.contains("--no-scheduler"))
                #expect(command.firstIndex(of: "--bind").map { command[$0 + 1] } == "0.0.0.0:8000")
                let proxy = try #require(command.firstIndex(of: "--trusted-proxy").map { command[$0 + 1] }, "\(name) trusts haproxy")
                let networks = try #require(services["haproxy"]?["networks"] as? [String: [String: String]])
                #expect(networks["default"]?["ipv4_address"] == proxy, "\(name) trusts haproxy's address and no other")
            }
            #expect(!command.contains("--database"), "\(name): the password stays off the command line")
            let environment = try #require(service["environment"] as? [String: String], "\(name)")
            databases.insert(try #require(environment["LAVA_SERVER_DATABASE"], "\(name)"))
        }
        #expect(databases.count == 1, "\(databases)")
        #expect(databases.first?.hasSuffix("@postgres/lava") == true)
        #expect(FileManager.default.fileExists(atPath: Self.server.appendingPathComponent("etc/device-types/docker.jinja2").path))

        let haproxy = try #require(services["haproxy"])
        let volumes = haproxy["volumes"] as? [String] ?? []
        let config = try #require(volumes.first?.split(separator: ":").first.map(String.init))
        #expect(config == "./haproxy/haproxy.cfg")
        #expect(FileManager.default.fileExists(atPath: Self.server.appendingPathComponent(config).path))
        let environment = try #require(haproxy["environment"] as? [String: String])
        #expect(environment["LAVA_SERVER_1"] == "lava-server-1:8000")
        #expect(environment["LAVA_SERVER_2"] == "lava-server-2:8000")
    }

    @Test("haproxy accepts haproxy.cfg with the compose file's settings, and with HTTPS on; a missing certificate is refused")
    func haproxyConfiguration() async throws {
        let environment = try #require(try Self.services()["haproxy"]?["environment"] as? [String: String])
        let plain = try await Self.checkHAProxy(environment)
        #expect(plain.status == 0, "\(plain.output)")

        let files = try TemporaryDirectory()
        defer { files.remove() }
        let certificate = try TestCertificate.make(in: files.url)
        let pem = files.url.appendingPathComponent("lava.pem")
        try Data((try String(contentsOfFile: certificate.certificateFile, encoding: .utf8)
                  + String(contentsOfFile: certificate.keyFile, encoding: .utf8)).utf8).write(to: pem)
        let tls = try await Self.checkHAProxy(environment.merging(["LAVA_LB_TLS_CERT": pem.path, "LAVA_LB_TLS_BIND": ":8443"]) { $1 })
        #expect(tls.status == 0, "\(tls.output)")
        let missing = try await Self.checkHAProxy(environment.merging(["LAVA_LB_TLS_CERT": files.url.appendingPathComponent("none.pem").path]) { $1 })
        #expect(missing.status != 0)
        #expect(missing.output.contains("none.pem"))
    }
}
