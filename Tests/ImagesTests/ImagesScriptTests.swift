import Curl
import DockerEngine
import Foundation
import LavaTestSupport
import Testing

/// scripts/images.sh, run as a user runs it, and the server image it makes, run as a lab runs it.
@Suite struct ImagesScriptTests {
    @Test("scripts/images.sh builds, labels and pushes both images; the server image serves its version and runs admin commands")
    func bothImages() async throws {
        // The script's swift builds are then up to date: a test must not start minutes-long builds.
        try StaticBinaries.require(["lava-worker", "lava-run", "lava-server"])
        let socket = try TestDocker.socketPath()
        let registry = try TestDocker.registry()
        let client = try DockerClient(socketPath: socket)
        let id = UUID().uuidString.prefix(8).lowercased()
        // A version no binary has built in, so only the image can be reporting it.
        let version = "2026.99-\(id)"
        let repositories = "lava-test-\(id)"
        let dispatcher = "\(registry)/\(repositories)/lava-dispatcher:\(version)"
        let server = "\(registry)/\(repositories)/lava-server:\(version)"

        try await client.withImages([dispatcher, server]) {
            let built = try await runImagesScript(["--push", version, "\(registry)/\(repositories)"], socket: socket)
            try #require(built.status == 0, "scripts/images.sh failed: \(built.error.suffix(4000))")
            #expect(built.output == "\(dispatcher)\n\(server)\n")

            let http = try CurlSession(configuration: CurlConfiguration(userAgent: "ImagesTests"))
            for (image, name) in [(dispatcher, "lava-dispatcher"), (server, "lava-server")] {
                let info = try #require(try await client.inspectImage(image))
                #expect(info.labels[WorkerImage.versionLabel] == version, "\(image): \(info.labels)")
                let manifest = try await http.perform(CurlRequest(
                    .get, "http://\(registry)/v2/\(repositories)/\(name)/manifests/\(version)",
                    headers: [("Accept", "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json")]
                ))
                #expect(manifest.status == 200, "\(image) is not in the registry: \(manifest.text)")
            }
            let options = try #require(try await client.inspectImage(dispatcher)?.labels[WorkerImage.optionsLabel])
            #expect(options.split(separator: " ").contains("--url"), "\(options)")

            try await checkServer(client, http, image: server, version: version, name: "lava-test-server-\(id)")
        }
    }

    /// The image's default data directory on a host directory: `serve` answers and reports the
    /// image's version, and an admin command in a second container writes the same database.
    private func checkServer(_ client: DockerClient, _ http: CurlSession, image: String, version: String, name: String) async throws {
        let data = try TemporaryDirectory()
        defer { data.remove() }
        // The image runs as its own user (uid 999), which must write the bind-mounted directory.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: data.url.path)
        let volume = "\(data.url.path):/var/lib/lava-server"
        let port = try FreePort.next()
        let base = "http://127.0.0.1:\(port)"

        // The image's entry point with only the address changed: host network, so the test reaches it.
        let spec = ContainerSpec(image: image, command: ["serve", "--bind", "127.0.0.1:\(port)"], binds: [volume], networkMode: "host")
        try await client.withContainer(name: name, spec) { serve in
            try await client.startContainer(serve)
            try await waitForHealth(client, http, container: serve, url: "\(base)/health")

            let answer = try await http.perform(CurlRequest(.get, "\(base)/api/v0.2/system/version/"))
            #expect(answer.status == 200)
            #expect(try JSONDecoder().decode([String: String].self, from: answer.body) == ["version": version], "\(answer.text)")
            // The image carries the pages: the summary page and its stylesheet.
            let summary = try await http.perform(CurlRequest(.get, "\(base)/"))
            #expect(summary.status == 200 && summary.text.contains("Version <strong id=\"server-version\">\(version)</strong>"), "\(summary.text)")
            #expect(try await http.perform(CurlRequest(.get, "\(base)/static/lava.css")).status == 200)

            let admin = try await client.runToEnd(ContainerSpec(
                image: image, command: ["users", "add", "admin", "--admin"], binds: [volume], networkMode: "none"
            ))
            try #require(admin.status == 0, "\(admin.output)")
            let token = admin.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
            let whoami = try await http.perform(CurlRequest(.get, "\(base)/api/v0.2/system/whoami/", headers: [("Authorization", "Token \(token)")]))
            #expect(whoami.status == 200)
            #expect(try JSONDecoder().decode([String: String].self, from: whoami.body) == ["user": "admin"], "\(whoami.text)")

            // The image has server/etc's templates: a docker device without a dictionary renders.
            for command in [["workers", "add", "lab-1"], ["device-types", "add", "docker"],
                            ["devices", "add", "docker-01", "--type", "docker", "--worker", "lab-1"], ["devices", "dictionary", "docker-01", "--render"]] {
                let run = try await client.runToEnd(ContainerSpec(image: image, command: command, binds: [volume], networkMode: "none"))
                try #require(run.status == 0, "\(command): \(run.output)")
                if command.last == "--render" { #expect(run.standardOutput.contains("lava-docker-test-shell"), "\(run.output)") }
            }

            // The SQLite default, in the image's data directory, written by the image's user.
            let database = try FileManager.default.attributesOfItem(atPath: data.url.appendingPathComponent("lava.sqlite3").path)
            #expect((database[.ownerAccountID] as? NSNumber)?.intValue == 999)
        }
    }

    /// Runs scripts/images.sh (for minutes, on a thread of its own as BuiltProgram runs programs).
    private func runImagesScript(_ arguments: [String], socket: String) async throws -> (status: Int32, output: String, error: String) {
        let script = PackageFiles.url("scripts/images.sh")
        let environment = ["DOCKER_HOST": "unix://\(socket)", "LAVA_IMAGE_CONFIGURATION": "debug"]
        return try await BuiltProgram.run(script, arguments, environment: environment)
    }

    /// Waits, for at most 60 s, until `url` answers 200; fails at once if the container stops.
    private func waitForHealth(_ client: DockerClient, _ http: CurlSession, container: String, url: String) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let answer = try? await http.perform(CurlRequest(.get, url)), answer.status == 200 { return }
            if let state = try await client.inspectContainer(container)?.state, !state.running {
                var logs: [UInt8] = []
                for try await chunk in client.containerLogs(container, follow: false) { logs += chunk.bytes }
                throw TestFailure("the server container stopped (\(state.status), exit \(state.exitCode)): \(String(decoding: logs, as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw TestFailure("\(url) did not answer 200 within 60 s")
    }
}
