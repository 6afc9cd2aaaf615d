import Foundation
import LavaTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// lava-docker-worker's one-line errors and exit statuses for bad input, and `install` /
/// `uninstall` into a staging root (no systemd runs here).
@Suite struct SupervisorCommandLineTests {
    /// Runs the built lava-docker-worker to its end: status, standard output and error.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        try await BuiltProgram.run(BuiltProgram.path("lava-docker-worker"), arguments)
    }

    static func runWorker(_ extra: [String], directory: TemporaryDirectory) async throws -> (status: Int32, output: String, error: String) {
        try await run(["run", "--token", "t", "--worker-dir", directory.url.appendingPathComponent("w").path, "--log-file", "-"] + extra)
    }

    @Test("no Docker socket: exit 69 with one line that names the socket")
    func noSocket() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await Self.runWorker(["--url", "http://127.0.0.1:1/", "--docker-socket", "/nonexistent/docker.sock"], directory: directory)
        #expect(result.status == 69)
        #expect(result.output.contains("no Docker engine at /nonexistent/docker.sock: is dockerd running? (--docker-socket)"))
    }

    @Test("a Docker socket this user may not use: exit 77")
    func permissionDenied() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Another user than root, who may use any socket: nobody, through util-linux's runuser.
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: directory.url.path)
        let socket = directory.url.appendingPathComponent("docker.sock").path
        try TestUnixSocket.bind(socket, mode: 0o600)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
        process.arguments = ["-u", "nobody", "--", BuiltProgram.path("lava-docker-worker").path, "run", "--url", "http://127.0.0.1:1/",
                             "--token", "t", "--worker-dir", directory.url.appendingPathComponent("w").path, "--log-file", "-",
                             "--docker-socket", socket]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 77, "\(text)")
        #expect(text.contains("permission denied on \(socket): run as root or add the user to the docker group"))
    }

    @Test("an invalid URL: exit 64")
    func invalidURL() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = try await Self.runWorker(["--url", "lava.example", "--docker-socket", try TestDocker.socketPath()], directory: directory)
        #expect(result.status == 64)
        #expect(result.output.contains("'lava.example' is not an http:// or https:// URL of a LAVA server (--url)"))
    }

    @Test("a server that is not LAVA (no version endpoint): exit 64")
    func notLAVA() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try await FileServer.run(files: ["index.html": Data("hello".utf8)]) { base in
            let result = try await Self.runWorker(["--url", base, "--docker-socket", try TestDocker.socketPath()], directory: directory)
            #expect(result.status == 64)
            #expect(result.output.contains("is not a LAVA server"))
        }
    }

    @Test("SIGTERM while the server is unreachable: the supervisor stops at once with status 0")
    func stopWhileServerDown() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let supervisor = try WorkerProcess("lava-docker-worker", url: "http://127.0.0.1:1/", token: "t", directory: directory.url,
                                           arguments: ["--docker-socket", try TestDocker.socketPath()])
        defer { supervisor.stop() }
        for _ in 0..<100 where !supervisor.log.contains("does not answer") {
            try await Task.sleep(for: .milliseconds(100))
        }
        supervisor.signal(SIGTERM)
        #expect(try await supervisor.exitStatus(within: 15) == 0)
    }

    @Test("install writes the environment file, the token file (0600) and the unit; again is harmless; uninstall removes them")
    func install() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let arguments = ["install", "--url", "http://lava.example:8000/", "--name", "lab-1", "--token", "s3cr3t-token", "--root", root.url.path]
        let first = try await Self.run(arguments)
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("systemd is not running: start it by hand with:"))
        let environment = try String(contentsOf: root.url.appendingPathComponent("etc/lava-dispatcher-host/lava-docker-worker"), encoding: .utf8)
        #expect(environment.contains("http://lava.example:8000/"))
        #expect(!environment.contains("s3cr3t-token"))
        let token = root.url.appendingPathComponent("var/lib/lava/dispatcher/docker-worker/token")
        #expect(try String(contentsOf: token, encoding: .utf8).contains("s3cr3t-token"))
        #expect((try FileManager.default.attributesOfItem(atPath: token.path)[.posixPermissions] as? Int) == 0o600)
        #expect(FileManager.default.fileExists(atPath: root.url.appendingPathComponent("etc/systemd/system/lava-docker-worker.service").path))

        let again = try await Self.run(arguments)
        #expect(again.status == 0)
        #expect(again.output.contains("already installed"))

        let removed = try await Self.run(["uninstall", "--root", root.url.path])
        #expect(removed.status == 0)
        #expect(!FileManager.default.fileExists(atPath: token.path))
        #expect(try await Self.run(["uninstall", "--root", root.url.path]).output.contains("not installed"))
    }

    @Test("install --instance writes the instance's own files and the template unit; uninstall --instance removes its own")
    func installInstance() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let installed = try await Self.run(["install", "--instance", "lab2", "--url", "http://lava.example:8000/", "--name", "lab-2",
                                      "--token", "s3cr3t-token", "--image", "registry.lab/lava-dispatcher:{version}", "--root", root.url.path])
        #expect(installed.status == 0, "\(installed.error)")
        #expect(installed.output.contains(" --worker-dir /var/lib/lava/dispatcher/docker-worker/lab2 --build-dir /etc/lava-dispatcher-host/build/lab2 "))
        let token = root.url.appendingPathComponent("var/lib/lava/dispatcher/docker-worker/lab2/token")
        #expect(try String(contentsOf: token, encoding: .utf8) == "s3cr3t-token")
        #expect(try String(contentsOf: root.url.appendingPathComponent("etc/lava-dispatcher-host/lab2.conf"), encoding: .utf8)
            .hasSuffix("\nIMAGE=\"--image registry.lab/lava-dispatcher:{version}\"\n"))
        let template = root.url.appendingPathComponent("etc/systemd/system/lava-docker-worker@.service")
        #expect(FileManager.default.fileExists(atPath: template.path))

        let removed = try await Self.run(["uninstall", "--instance", "lab2", "--root", root.url.path])
        #expect(removed.status == 0, "\(removed.error)")
        #expect(!FileManager.default.fileExists(atPath: token.path))
        #expect(FileManager.default.fileExists(atPath: template.path))
    }

    @Test("install --image writes IMAGE into the environment file; another --image replaces it, none removes it")
    func installImage() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        let arguments = ["install", "--url", "http://lava.example:8000/", "--name", "lab-1", "--token", "s3cr3t-token", "--root", root.url.path]
        let environment = root.url.appendingPathComponent("etc/lava-dispatcher-host/lava-docker-worker")

        let first = try await Self.run(arguments + ["--image", "registry.lab/lava-dispatcher:{version}"])
        #expect(first.status == 0, "\(first.error)")
        #expect(try String(contentsOf: environment, encoding: .utf8).hasSuffix("\nIMAGE=\"--image registry.lab/lava-dispatcher:{version}\"\n"))
        #expect(first.output.contains(" --image 'registry.lab/lava-dispatcher:{version}' --log-file -"))

        let other = try await Self.run(arguments + ["--image", "127.0.0.1:5000/lava-dispatcher:{version}"])
        #expect(other.status == 0, "\(other.error)")
        #expect(other.output.contains("wrote /etc/lava-dispatcher-host/lava-docker-worker"))
        let replaced = try String(contentsOf: environment, encoding: .utf8)
        #expect(replaced.hasSuffix("\nIMAGE=\"--image 127.0.0.1:5000/lava-dispatcher:{version}\"\n"))
        #expect(!replaced.contains("registry.lab"))

        let none = try await Self.run(arguments)
        #expect(none.status == 0, "\(none.error)")
        #expect(!(try String(contentsOf: environment, encoding: .utf8)).contains("\nIMAGE="))
        #expect(!none.output.contains("--image"))
    }

    @Test("a bad --image: install refuses it with run's message, exit 64, and writes nothing")
    func badImage() async throws {
        let root = try TemporaryDirectory()
        defer { root.remove() }
        for image in ["lavasoftware/lava-dispatcher:latest", #"registry.lab/lava:{version}" --privileged"#] {
            let installed = try await Self.run(["install", "--url", "http://lava.example:8000/", "--name", "lab-1", "--token", "s3cr3t-token",
                                          "--image", image, "--root", root.url.path])
            #expect(installed.status == 64)
            #expect(installed.error.hasPrefix("Error: --image '\(image)' is not a Docker image name with {version}"), "\(installed.error)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: root.url.path).isEmpty)

            // No socket: were the image taken, run would stop there with 69 rather than wait for the server.
            let ran = try await Self.runWorker(["--url", "http://127.0.0.1:1/", "--docker-socket", "/nonexistent/docker.sock", "--image", image],
                                         directory: root)
            #expect(ran.status == 64)
            #expect(ran.error.split(separator: "\n").first == installed.error.split(separator: "\n").first)
        }
    }
}
