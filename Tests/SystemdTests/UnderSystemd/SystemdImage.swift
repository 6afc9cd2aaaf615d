import DockerEngine
import Foundation
import LavaTestSupport
import Testing

/// The image the units run in: debian:bookworm-slim with systemd as PID 1, and the units and
/// environment files of systemd/ installed where systemd/README.md has an admin install them.
/// The programs are not in it: each container bind-mounts them from .build-static, so the
/// build sends the engine a few kilobytes instead of 400 MB of binaries.
enum SystemdImage {
    /// The tag of the image built for the running suite (`.systemdImage`).
    @TaskLocal static var current: String?

    static let dockerfile = """
        FROM \(TestDocker.baseImage)
        # systemd brings libsystemd0, which lava-server links with libexpat1; libcurl4 and
        # libsqlite3-0 for lava-worker and lava-run; curl for the tests' requests.
        RUN apt-get update \\
         && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends systemd libexpat1 libcurl4 libsqlite3-0 curl \\
         && apt-get clean \\
         && rm -rf /var/lib/apt/lists/*
        COPY systemd/ /tmp/units/
        RUN cd /tmp/units \\
         && install -m 0644 lava-server.service lava-scheduler.service lava-worker.service /etc/systemd/system/ \\
         && install -D -m 0644 lava-server /etc/lava-server/lava-server \\
         && install -D -m 0644 lava-scheduler /etc/lava-server/lava-scheduler \\
         && install -D -m 0644 lava-worker /etc/lava-dispatcher/lava-worker \\
         && rm -r /tmp/units
        CMD ["/lib/systemd/systemd"]
        """

    static func build(tag: String) async throws {
        let context = try TemporaryDirectory()
        defer { context.remove() }
        try context.write(dockerfile, to: "Dockerfile")
        let units = PackageFiles.url("systemd")
        for name in try FileManager.default.contentsOfDirectory(atPath: units.path) {
            try context.write(try String(contentsOf: units.appendingPathComponent(name), encoding: .utf8), to: "systemd/\(name)")
        }
        try await TestDocker.buildImage(contextDirectory: context.url, tag: tag)
    }

    static func remove(tag: String) async {
        try? await DockerClient(socketPath: TestDocker.socketPath()).removeImage(tag, force: true)
    }
}

/// Builds `SystemdImage` once for a whole suite, and removes it after the suite's last test.
struct SystemdImageTrait: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void) async throws {
        let tag = "lava-test/systemd-units-\(UUID().uuidString.prefix(8).lowercased()):latest"
        let result: Result<Void, any Error>
        do {
            try await SystemdImage.build(tag: tag)
            result = .success(try await SystemdImage.$current.withValue(tag) { try await function() })
        } catch {
            result = .failure(error)
        }
        await SystemdImage.remove(tag: tag)
        try result.get()
    }
}

extension Trait where Self == SystemdImageTrait {
    static var systemdImage: Self { Self() }
}
