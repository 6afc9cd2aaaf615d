import Foundation

/// The real Docker engine and registry the tests use (scripts/docker-engine.sh starts both;
/// scripts/test.sh exports their addresses). A missing variable fails the test, never skips it.
public enum TestDocker {
    public static let baseImage = "debian:bookworm-slim"

    public static func socketPath() throws -> String {
        guard let socket = ProcessInfo.processInfo.environment["LAVA_TEST_DOCKER_SOCKET"], !socket.isEmpty else {
            throw TestFailure( """
                LAVA_TEST_DOCKER_SOCKET is not set: run the tests through scripts/test.sh, or \
                export LAVA_TEST_DOCKER_SOCKET=$(scripts/docker-engine.sh start) after scripts/docker-engine.sh base-image
                """)
        }
        return socket
    }

    public static func registry() throws -> String {
        guard let registry = ProcessInfo.processInfo.environment["LAVA_TEST_REGISTRY"], !registry.isEmpty else {
            throw TestFailure( """
                LAVA_TEST_REGISTRY is not set: run the tests through scripts/test.sh, or \
                export LAVA_TEST_REGISTRY=$(scripts/docker-engine.sh registry)
                """)
        }
        return registry
    }
}

/// A test prerequisite that is not there, or a wait that ran out: the text says which.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
