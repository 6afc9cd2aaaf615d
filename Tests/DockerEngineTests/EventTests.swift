import DockerEngine
import Foundation
import Testing

@Suite struct EventTests {
    @Test("the event stream shows a labelled container's start")
    func containerStart() async throws {
        let client = try TestEngine.client()
        let run = TestEngine.unique("events")
        try await TestEngine.withCleanup(client) { cleanup in
            let events = client.events(labels: ["org.lava.run": run])
            let seen = Task { () async throws -> DockerEvent? in
                for try await event in events where event.type == "container" && event.action == "start" {
                    return event
                }
                return nil
            }
            // Give the stream a moment to connect before the event happens.
            try await Task.sleep(for: .milliseconds(300))
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
