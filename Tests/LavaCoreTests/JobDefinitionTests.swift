import Testing
@testable import LavaCore

@Suite struct JobDefinitionTests {
    private static let specExample = """
        device_type: docker
        job_name: docker smoke
        timeouts: {job: {minutes: 15}}
        visibility: public
        priority: medium
        actions:
        - deploy: {to: docker, image: debian:trixie, os: debian, timeout: {minutes: 10}}
        - boot: {method: docker, command: bash, prompts: ['root@lava:/'], timeout: {minutes: 5}}
        - test:
            timeout: {minutes: 5}
            definitions:
            - {from: git, repository: https://example.org/tests.git, path: smoke.yaml, name: smoke-git, branch: main}
            - from: inline
              name: smoke-inline
              path: inline/smoke.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: smoke}
                run: {steps: ["lava-test-case env --shell 'printenv | grep LAVA_JOB_ID'"]}
            - {from: url, repository: https://example.org/tests.tar.xz, compression: xz, strip-components: 1, path: smoke.yaml, name: smoke-url}
        """

    /// A valid definition with `replacing` swapped for `with`, to test one key at a time.
    private static func variant(_ replacing: String, with replacement: String) -> String {
        let base = """
            device_type: docker
            job_name: variant
            timeouts:
              job: {minutes: 10}
            visibility: public
            actions:
            - deploy: {to: docker, image: debian:trixie}
            - boot: {method: docker, command: bash}
            - test: {definitions: [{from: git, repository: https://example.org/t.git, path: t.yaml, name: t}]}
            """
        precondition(base.contains(replacing), "variant: '\(replacing)' is not in the base definition")
        return base.replacingOccurrences(of: replacing, with: replacement)
    }

    @Test func parsesTheCapturedDefinition() throws {
        let job = try JobDefinition(yaml: CaptureFixtures.definition)
        #expect(job.jobName == "ref-peer docker multi-chunk logs")
        #expect(job.deviceType == "docker")
        #expect(job.priority == 50)
        #expect(job.jobTimeout == .seconds(600))
        #expect(job.queueTimeout == nil)
        #expect(job.visibility == .public)
        #expect(job.tags.isEmpty)
        #expect(job.requestedWorker == nil)
        #expect(job.requestedDevice == nil)
        #expect(job.actions.map(\.kind) == [.deploy, .boot, .test])
        #expect(job.actions.map(\.timeout) == [nil, .seconds(120), .seconds(300)])
        #expect(job.actions[0].yaml == "image:\n  local: true\n  name: lava-real/debian:bookworm-slim\nos: debian\nto: docker\n")
    }

    @Test func parsesTheSpecExample() throws {
        let job = try JobDefinition(yaml: Self.specExample)
        #expect(job.jobName == "docker smoke")
        #expect(job.priority == 50)
        #expect(job.jobTimeout == .seconds(900))
        #expect(job.actions.map(\.kind) == [.deploy, .boot, .test])
        #expect(job.actions.map(\.timeout) == [.seconds(600), .seconds(300), .seconds(300)])
    }

    @Test func readsOptionalKeys() throws {
        let job = try JobDefinition(yaml: Self.variant("visibility: public", with: """
            visibility: {group: [lab, qa]}
            priority: 75
            tags: [docker, x86]
            worker: worker-01
            device: docker-01
            secrets: {token: abc}
            timeouts: {job: {hours: 1}, queue: {days: 2}, action: {seconds: 30}, connections: {lava-test-shell: {seconds: 10}}}
            """).replacingOccurrences(of: "timeouts:\n  job: {minutes: 10}\n", with: ""))
        #expect(job.visibility == .group(["lab", "qa"]))
        #expect(job.priority == 75)
        #expect(job.tags == ["docker", "x86"])
        #expect(job.requestedWorker == "worker-01")
        #expect(job.requestedDevice == "docker-01")
        #expect(job.jobTimeout == .seconds(3600))
        #expect(job.queueTimeout == .seconds(172_800))
    }

    @Test(arguments: [("high", 100), ("medium", 50), ("low", 0), ("0", 0), ("100", 100)])
    func readsPriorities(text: String, value: Int) throws {
        let job = try JobDefinition(yaml: Self.variant("visibility: public", with: "visibility: public\npriority: \(text)"))
        #expect(job.priority == value)
    }

    @Test func reportsMalformedYAMLWithItsPosition() {
        let error = #expect(throws: JobDefinitionError.self) {
            try JobDefinition(yaml: "job_name: test\nactions: [unclosed\n")
        }
        #expect(error?.description.hasPrefix("job definition: not valid YAML: 3:1: error: parser:") == true,
                "got: \(error?.description ?? "no error")")
    }

    @Test(arguments: [
        ("", "job definition: the document must be a YAML mapping"),
        ("- a list", "job definition: the document must be a YAML mapping"),
        (variant("job_name: variant\n", with: ""), "job definition: 'job_name' is required, e.g. job_name: "),
        (variant("job_name: variant", with: "job_name: ''"), "job definition: 'job_name' must be a string of 1 to 200 characters"),
        (variant("job_name: variant", with: "job_name: \(String(repeating: "n", count: 201))"), "job definition: 'job_name' must be a string of 1 to 200 characters"),
        (variant("job_name: variant", with: "job_name: 2024"), "job definition: 'job_name' must be a string of 1 to 200 characters"),
        (variant("device_type: docker\n", with: ""), "job definition: 'device_type' is required, e.g. device_type: docker"),
        (variant("timeouts:\n  job: {minutes: 10}\n", with: ""), "job definition: 'timeouts' is required, e.g. timeouts: {job: {minutes: 10}}"),
        (variant("job: {minutes: 10}", with: "action: {minutes: 10}"), "job definition: 'timeouts.job' is required, e.g. timeouts: {job: {minutes: 10}}"),
        (variant("job: {minutes: 10}", with: "job: 10"), "job definition: 'timeouts.job' must be a mapping with one unit, e.g. {minutes: 10}"),
        (variant("job: {minutes: 10}", with: "job: {}"), "job definition: 'timeouts.job' needs one of days, hours, minutes or seconds"),
        (variant("job: {minutes: 10}", with: "job: {minutes: 0}"), "job definition: 'timeouts.job.minutes' must be a whole number of at least 1"),
        (variant("job: {minutes: 10}", with: "job: {minutes: '10'}"), "job definition: 'timeouts.job.minutes' must be a whole number of at least 1"),
        (variant("job: {minutes: 10}", with: "job: {minutes: 1.5}"), "job definition: 'timeouts.job.minutes' must be a whole number of at least 1"),
        (variant("job: {minutes: 10}", with: "job: {minutes: 1, seconds: 30}"), "job definition: 'timeouts.job' has both 'minutes' and 'seconds'"),
        (variant("job: {minutes: 10}", with: "job: {weeks: 1}"), "job definition: 'timeouts.job.weeks' is not a timeout unit"),
        (variant("job: {minutes: 10}", with: "job: {minutes: 10, skip: maybe}"), "job definition: 'timeouts.job.skip' must be true or false"),
        (variant("job: {minutes: 10}", with: "job: {minutes: 10}\n  foo: {minutes: 1}"), "job definition: 'timeouts.foo' is not a known timeout"),
        (variant("job: {minutes: 10}", with: "job: {minutes: 10}\n  queue: {seconds: -5}"), "job definition: 'timeouts.queue.seconds' must be a whole number of at least 1"),
        (variant("job: {minutes: 10}", with: "job: {minutes: 10}\n  actions: {lava-test-shell: {minute: 3}}"), "job definition: 'timeouts.actions.lava-test-shell.minute' is not a timeout unit"),
        (variant("job: {minutes: 10}", with: "job: {minutes: 10}\n  connections: [1]"), "job definition: 'timeouts.connections' must map action names to timeouts"),
        (variant("visibility: public\n", with: ""), "job definition: 'visibility' is required: public, personal or {group: [<group>, ...]}"),
        (variant("visibility: public", with: "visibility: secret"), "job definition: 'visibility' must be public, personal or {group: [<group>, ...]}"),
        (variant("visibility: public", with: "visibility: {group: lab}"), "job definition: 'visibility' must be public, personal or {group: [<group>, ...]}"),
        (variant("visibility: public", with: "visibility: public\npriority: urgent"), "job definition: 'priority' must be high, medium, low or a whole number from 0 to 100"),
        (variant("visibility: public", with: "visibility: public\npriority: 101"), "job definition: 'priority' must be high, medium, low or a whole number from 0 to 100"),
        (variant("visibility: public", with: "visibility: public\npriority: -1"), "job definition: 'priority' must be high, medium, low or a whole number from 0 to 100"),
        (variant("visibility: public", with: "visibility: public\ntags: docker"), "job definition: 'tags' must be a list of strings"),
        (variant("visibility: public", with: "visibility: public\ntags: [docker, [x]]"), "job definition: 'tags[1]' must be a string"),
        (variant("visibility: public", with: "visibility: public\nsecrets: {token: abc}"), "job definition: 'secrets' cannot be used with visibility: public"),
        (variant("visibility: public", with: "visibility: public\nworker: [a, b]"), "job definition: 'worker' must be a worker hostname"),
        (variant("actions:", with: "old_actions:"), "job definition: 'actions' is required and must be a non-empty list"),
        ("job_name: x\ndevice_type: docker\ntimeouts: {job: {minutes: 1}}\nvisibility: public\nactions: []", "job definition: 'actions' is required and must be a non-empty list"),
        (variant("- boot: {method: docker, command: bash}", with: "- boot: {method: docker}\n  deploy: {to: docker}"), "job definition: 'actions[1]' must be a mapping with exactly one key among deploy, boot, test, command"),
        (variant("- boot: {method: docker, command: bash}", with: "- flash: {to: sd}"), "job definition: 'actions[1]' must be a mapping with exactly one key among deploy, boot, test, command"),
        (variant("- boot: {method: docker, command: bash}", with: "- boot: docker"), "job definition: 'actions[1].boot' must be a mapping"),
        (variant("{to: docker, image: debian:trixie}", with: "{image: debian:trixie}"), "job definition: 'actions[0].deploy.to' is required, e.g. to: docker"),
        (variant("{method: docker, command: bash}", with: "{command: bash}"), "job definition: 'actions[1].boot.method' is required, e.g. method: docker"),
        (variant("- test: {definitions:", with: "- test: {defs:"), "job definition: 'actions[2].test' needs 'definitions'"),
        (variant("- boot: {method: docker, command: bash}", with: "- command: {timeout: {minutes: 1}}"), "job definition: 'actions[1].command.name' is required"),
        (variant("{method: docker, command: bash}", with: "{method: docker, command: bash, timeout: {minutes: five}}"), "job definition: 'actions[1].boot.timeout.minutes' must be a whole number"),
    ])
    func reportsInvalidDefinitions(yaml: String, expected: String) {
        let error = #expect(throws: JobDefinitionError.self) { try JobDefinition(yaml: yaml) }
        #expect(error?.description.hasPrefix(expected) == true, "got: \(error?.description ?? "no error")")
    }
}
