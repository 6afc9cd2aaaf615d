import LavaCore

/// A submitted job definition (`POST /api/v0.2/jobs/`): any text must give a definition or a
/// `JobDefinitionError`, and an accepted one keeps the limits the schema sets.
enum JobDefinitionHarness {
    static let harness = Harness(name: "job-definition") { input in
        guard let definition = try? JobDefinition(yaml: String(decoding: input, as: UTF8.self)) else { return }
        expect((1 ... 200).contains(definition.jobName.count), "job_name of \(definition.jobName.count) characters")
        expect((0 ... 100).contains(definition.priority), "priority \(definition.priority)")
        expect(definition.jobTimeout > .zero, "timeouts.job \(definition.jobTimeout)")
        expect(!definition.actions.isEmpty, "a definition without actions")
    }
}
