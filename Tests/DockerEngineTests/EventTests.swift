import DockerEngine
import Foundation
import LavaTestSupport
import Testing

@Suite struct EventTests {
    @Test("the event stream shows a labelled container's create and start, and nothing from before it was asked for")
    func containerStart() async throws {
        let client = try TestEngine.client()
        let run = TestEngine.unique("events")
        try await TestEngine.withCleanup(client) { cleanup in
            let earlier = try await client.createContainer(name: nil, ContainerSpec(
                image: TestEngine.baseImage, command: ["true"], labels: ["org.lava.run": run]
            ))
            cleanup.containers.append(earlier)

            let (subscriptions, subscription) = AsyncStream<Void>.makeStream()
            let events = client.events(labels: ["org.lava.run": run]) { subscription.finish() }
            let seen = Task { () async throws -> [DockerEvent] in
                var seen: [DockerEvent] = []
                for try await event in events where event.type == "container" {
                    seen.append(event)
                    if event.action == "start" { break }
                }
                return seen
            }
            try await within(60, "the engine's answer to the event stream") { for await _ in subscriptions {} }
            let unlabelled = try await client.createContainer(name: nil, ContainerSpec(image: TestEngine.baseImage, command: ["true"]))
            cleanup.containers.append(unlabelled)
            try await client.startContainer(unlabelled)
            let id = try await client.createContainer(name: nil, ContainerSpec(
                image: TestEngine.baseImage, command: ["true"], labels: ["org.lava.run": run]
            ))
            cleanup.containers.append(id)
            try await client.startContainer(id)

            let got = try await within(60, "the labelled container's start event") { try await seen.value }
            #expect(got.map(\.action) == ["create", "start"])
            #expect(got.allSatisfy { $0.actorID == id })
            #expect(got.last?.attributes["org.lava.run"] == run)
            #expect(got.last.map { abs($0.time.timeIntervalSinceNow) < 60 } == true)

            // With `since`, past events are replayed.
            let replay = client.events(labels: ["org.lava.run": run], since: Date().addingTimeInterval(-60))
            let replayed = try await within(60, "the replayed create event") {
                for try await event in replay where event.action == "create" { return event.actorID }
                return ""
            }
            #expect(replayed == earlier)
        }
    }
}
