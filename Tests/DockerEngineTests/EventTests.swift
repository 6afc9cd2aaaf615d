import DockerEngine
import Foundation
import Testing

@Suite struct EventTests {
    @Test("the event stream shows a labelled container's start")
    func containerStart() async throws {
        let client = try TestEngine.client()
        let run = TestEngine.unique("events")
        try await TestEngine.withCleanup(client) { cleanup in
            let (subscriptions, subscription) = AsyncStream<Void>.makeStream()
            let events = client.events(labels: ["org.lava.run": run]) { subscription.finish() }
            let seen = Task { () async throws -> DockerEvent? in
                for try await event in events where event.type == "container" && event.action == "start" {
                    return event
                }
                return nil
            }
            // The containers start only once the engine has subscribed the stream.
            try await TestEngine.within(10) { for await _ in subscriptions {} }
            let unlabelled = try await client.createContainer(name: nil, ContainerSpec(image: TestEngine.baseImage, command: ["true"]))
            cleanup.containers.append(unlabelled)
            try await client.startContainer(unlabelled)
            let id = try await client.createContainer(name: nil, ContainerSpec(
                image: TestEngine.baseImage, command: ["true"], labels: ["org.lava.run": run]
            ))
            cleanup.containers.append(id)
            try await client.startContainer(id)

            let event = try await TestEngine.within(10) { try await seen.value }
            #expect(event?.actorID == id)
            #expect(event?.attributes["org.lava.run"] == run)
            #expect(event.map { abs($0.time.timeIntervalSinceNow) < 60 } == true)

            // With `since`, past events are replayed.
            let replay = client.events(labels: ["org.lava.run": run], since: Date().addingTimeInterval(-60))
            let replayed = try await TestEngine.within(10) {
                for try await event in replay where event.action == "create" { return event.actorID }
                return ""
            }
            #expect(replayed == id)
        }
    }
}
