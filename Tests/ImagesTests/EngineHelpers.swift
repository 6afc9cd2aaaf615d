import DockerEngine

/// A container run to its end.
struct ContainerRun {
    var status: Int
    /// Both streams, in order.
    var output: String
    var standardOutput: String
}

extension DockerClient {
    /// Runs a container to its end, then removes it.
    func runToEnd(_ spec: ContainerSpec) async throws -> ContainerRun {
        let id = try await createContainer(name: nil, spec)
        do {
            try await startContainer(id)
            let status = try await waitContainer(id)
            var output: [UInt8] = [], standardOutput: [UInt8] = []
            for try await chunk in containerLogs(id, follow: false) {
                output += chunk.bytes
                if chunk.stream == .stdout { standardOutput += chunk.bytes }
            }
            try await removeContainer(id, force: true)
            return ContainerRun(status: status, output: String(decoding: output, as: UTF8.self), standardOutput: String(decoding: standardOutput, as: UTF8.self))
        } catch {
            try? await removeContainer(id, force: true)
            throw error
        }
    }

    /// Runs `body`, then removes the images, whether it threw or not.
    func withImages(_ images: [String], _ body: () async throws -> Void) async throws {
        let result = await outcome(of: body)
        for image in images { try? await removeImage(image, force: true) }
        try result.get()
    }

    /// Creates a container and runs `body` with its id, then removes it, whether `body` threw or not.
    func withContainer(name: String, _ spec: ContainerSpec, _ body: (String) async throws -> Void) async throws {
        let id = try await createContainer(name: name, spec)
        let result = await outcome { try await body(id) }
        try? await removeContainer(id, force: true)
        try result.get()
    }
}

private func outcome(of body: () async throws -> Void) async -> Result<Void, any Error> {
    do {
        return .success(try await body())
    } catch {
        return .failure(error)
    }
}
