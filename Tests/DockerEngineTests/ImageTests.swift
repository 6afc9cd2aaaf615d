import DockerEngine
import Foundation
import Testing

@Suite struct ImageTests {
    @Test("inspecting an image the engine lacks gives nil")
    func inspectMissing() async throws {
        let client = try TestEngine.client()
        #expect(try await client.inspectImage(TestEngine.unique("missing") + ":1") == nil)
        let base = try #require(try await client.inspectImage(TestEngine.baseImage), "run scripts/docker-engine.sh base-image")
        #expect(base.repoTags.contains(TestEngine.baseImage))
        #expect(base.id.hasPrefix("sha256:"))
    }

    @Test("pulling an image that exists nowhere is imageNotFound")
    func pullMissing() async throws {
        let client = try TestEngine.client()
        let reference = "\(try TestEngine.registry())/lava-test/\(TestEngine.unique("nowhere")):1"
        do throws(DockerError) {
            try await client.pullImage(reference) { _ in }
            Issue.record("pulling \(reference) succeeded")
        } catch {
            guard case .imageNotFound(let failed, let message) = error else {
                Issue.record("expected imageNotFound, got \(error)")
                return
            }
            #expect(failed == reference)
            #expect(!message.isEmpty)
        }
    }

    @Test("tag and push to the local registry, remove locally, pull back with progress")
    func pushAndPullBack() async throws {
        let client = try TestEngine.client()
        let reference = "\(try TestEngine.registry())/lava-test/\(TestEngine.unique("push")):1.0"
        try await TestEngine.withCleanup(client) { cleanup in
            cleanup.images.append(reference)
            try await client.tagImage(TestEngine.baseImage, as: reference)
            let tagged = try #require(try await client.inspectImage(reference))
            #expect(tagged.repoTags.contains(reference))

            let pushed = TestEngine.Collector<String>()
            try await client.pushImage(reference) { pushed.append($0) }
            // The layer may be pushed, already there, or mounted from an earlier test's repository.
            #expect(pushed.all.contains { $0.contains("1.0: digest: sha256:") }, "\(pushed.all)")

            try await client.removeImage(reference)
            #expect(try await client.inspectImage(reference) == nil)

            let pulled = TestEngine.Collector<String>()
            try await client.pullImage(reference) { pulled.append($0) }
            #expect(pulled.all.contains { $0.contains("Status: Downloaded newer image") || $0.contains("Status: Image is up to date") }, "\(pulled.all)")
            let back = try #require(try await client.inspectImage(reference))
            #expect(back.id == tagged.id)
            // The registry's digest of what was pushed, as the engine records the pull.
            let pushedDigest = try #require(pushed.all.lazy.compactMap(Self.digest).first, "\(pushed.all)")
            let repository = String(reference.dropLast(":1.0".count))
            #expect(back.repoDigests.contains("\(repository)@\(pushedDigest)"), "\(back.repoDigests)")
        }
    }

    /// `1.0: digest: sha256:… size: 529` → `sha256:…`.
    static func digest(_ line: String) -> String? {
        guard let start = line.range(of: "digest: ")?.upperBound else { return nil }
        return String(line[start...].prefix { !$0.isWhitespace })
    }

    @Test("tagging or removing a missing image is imageNotFound")
    func missingImageErrors() async throws {
        let client = try TestEngine.client()
        let missing = TestEngine.unique("missing") + ":1"
        await #expect(throws: DockerError.imageNotFound(reference: missing, message: "no such image in the engine")) {
            try await client.tagImage(missing, as: TestEngine.unique("target") + ":1")
        }
        await #expect(throws: DockerError.imageNotFound(reference: missing, message: "no such image in the engine")) {
            try await client.removeImage(missing)
        }
    }

    @Test("build from debian:bookworm-slim with args, labels and a deep context; list by label")
    func build() async throws {
        let client = try TestEngine.client()
        let tag = TestEngine.unique("build") + ":1"
        let run = TestEngine.unique("run")
        try await TestEngine.withCleanup(client) { cleanup in
            cleanup.images.append(tag)
            let context = try cleanup.temporaryDirectory()
            // Longer than ustar's 100-byte name field, so the archive needs its prefix or PAX.
            let deep = (1...6).map { "directory-level-\($0)" }.joined(separator: "/")
            try FileManager.default.createDirectory(at: context.appendingPathComponent(deep), withIntermediateDirectories: true)
            let longName = String(repeating: "n", count: 120) + ".txt"
            try Data("deep\n".utf8).write(to: context.appendingPathComponent(deep).appendingPathComponent(longName))
            try Data("hello\n".utf8).write(to: context.appendingPathComponent("hello.txt"))
            try FileManager.default.createSymbolicLink(atPath: context.appendingPathComponent("link.txt").path, withDestinationPath: "hello.txt")
            try Data("""
                FROM debian:bookworm-slim
                ARG GREETING
                RUN echo "$GREETING" > /greeting
                COPY . /context/
                LABEL org.lava.from-dockerfile=yes
                CMD ["sh", "-c", "cat /greeting /context/hello.txt /context/link.txt /context/\(deep)/\(longName)"]
                """.utf8).write(to: context.appendingPathComponent("Dockerfile"))

            let lines = TestEngine.Collector<String>()
            try await client.buildImage(contextDirectory: context, tag: tag, buildArgs: ["GREETING": "hi"], labels: ["org.lava.test-run": run]) {
                lines.append($0)
            }
            #expect(lines.all.contains { $0.hasPrefix("Step 1/") }, "\(lines.all)")
            let image = try #require(try await client.inspectImage(tag))
            #expect(image.labels["org.lava.test-run"] == run)
            #expect(image.labels["org.lava.from-dockerfile"] == "yes")
            #expect(try await client.listImages(labels: ["org.lava.test-run": run]).map(\.id) == [image.id])
            #expect(try await client.listImages(labels: ["org.lava.test-run": "other"]).isEmpty)

            let id = try await client.createContainer(name: nil, ContainerSpec(image: tag))
            cleanup.containers.append(id)
            try await client.startContainer(id)
            #expect(try await client.waitContainer(id) == 0)
            var output: [OutputChunk] = []
            for try await chunk in client.containerLogs(id, follow: false) { output.append(chunk) }
            #expect(output.text(.stdout) == "hi\nhello\nhello\ndeep\n")
        }
    }

    @Test("a failing build step throws with the engine's message")
    func buildFailure() async throws {
        let client = try TestEngine.client()
        let tag = TestEngine.unique("broken") + ":1"
        try await TestEngine.withCleanup(client) { cleanup in
            cleanup.images.append(tag)
            let context = try cleanup.temporaryDirectory()
            try Data("FROM debian:bookworm-slim\nRUN exit 3\n".utf8).write(to: context.appendingPathComponent("Dockerfile"))
            do throws(DockerError) {
                try await client.buildImage(contextDirectory: context, tag: tag) { _ in }
                Issue.record("the build succeeded")
            } catch {
                guard case .operationFailed(_, let message) = error else {
                    Issue.record("expected operationFailed, got \(error)")
                    return
                }
                #expect(message.contains("returned a non-zero code: 3"), "\(message)")
            }
        }
    }
}
