import Testing
import Yams
@testable import LavaDispatcher

@Suite struct TestDefinitionSourceTests {
    private func sources(_ yaml: String) throws(TestDefinitionError) -> [TestDefinitionSource] {
        try TestDefinitionSource.list(fromTestAction: yaml)
    }

    private func error(_ yaml: String) -> String {
        do {
            _ = try sources(yaml)
            Issue.record("expected an error for \(yaml)")
            return ""
        } catch {
            return error.description
        }
    }

    @Test func parsesEachKind() throws {
        let list = try sources("""
        timeout: {minutes: 5}
        definitions:
        - {from: git, repository: https://example.org/t.git, path: smoke.yaml, name: smoke-git, branch: main,
           revision: 1234567, history: false, recursive: true, parameters: {ITER: 3, MODE: fast}}
        - from: inline
          name: smoke-inline
          path: inline/smoke.yaml
          repository:
            metadata: {format: Lava-Test Test Definition 1.0, name: smoke}
            run: {steps: ["lava-test-case env --shell 'printenv | grep LAVA_JOB_ID'"]}
        - {from: url, repository: https://example.org/t.tar.xz, compression: xz, strip-components: 1,
           path: smoke.yaml, name: smoke.url, headers: {PRIVATE-TOKEN: abc}, skip_install: [deps], expected: [a, b]}
        """)
        #expect(list.map(\.runName) == ["0_smoke-git", "1_smoke-inline", "2_smoke.url"])
        #expect(list[0].origin == .git(.init(repository: "https://example.org/t.git", branch: "main",
                                             revision: "1234567", history: false, shallow: true, recursive: true)))
        #expect(list[0].parameters == [ShellParameter(name: "ITER", value: "3"), ShellParameter(name: "MODE", value: "fast")])
        guard case .inline(let yaml) = list[1].origin else {
            Issue.record("not inline")
            return
        }
        #expect(try Yams.compose(yaml: yaml)?.mapping?["run"]?.mapping?["steps"]?.sequence?.count == 1)
        #expect(list[2].origin == .url(.init(url: "https://example.org/t.tar.xz", compression: .xz, stripComponents: 1,
                                             headers: [.init(name: "PRIVATE-TOKEN", value: "abc")])))
        #expect(list[2].skipInstall == ["deps"])
        #expect(list[2].expected == ["a", "b"])
    }

    @Test func refusesBadEntries() {
        let git = "from: git, repository: https://example.org/t.git, path: t.yaml"
        #expect(error("definitions: [{\(git), name: lava}]").contains("reserved"))
        #expect(error("definitions: [{\(git), name: 'a b'}]").contains("may only hold letters"))
        #expect(error("definitions: [{\(git)}]").contains("'name' is required"))
        #expect(error("definitions: [{\(git), name: a}, {\(git), name: a}]")
            == "test definition 1: 'name: a' is already used by definition 0: names must be unique within a test action")
        #expect(error("definitions: [{from: svn, repository: x, path: t.yaml, name: a}]").contains("'from' must be git, inline or url (not 'svn')"))
        #expect(error("definitions: [{from: git, path: t.yaml, name: a}]").contains("'repository' is required"))
        #expect(error("definitions: [{from: git, repository: x, name: a}]").contains("'path' is required"))
        #expect(error("definitions: [{from: git, repository: x, path: ../t.yaml, name: a}]").contains("must not contain '..'"))
        #expect(error("definitions: [{\(git), name: a, history: maybe}]").contains("'history' must be true or false"))
        #expect(error("definitions: [{\(git), name: a, parameters: {1X: 2}}]").contains("not a shell variable name"))
        #expect(error("definitions: [{\(git), name: a, skip_install: [everything]}]").contains("skip_install"))
        #expect(error("definitions: [{from: inline, repository: text, path: t.yaml, name: a}]").contains("from: inline"))
        #expect(error("definitions: [{from: url, repository: ftp://x/t.tar, path: t.yaml, name: a}]").contains("http(s) URL"))
        #expect(error("definitions: [{from: url, repository: http://x/t.zip, compression: zip, path: t.yaml, name: a}]").contains("zip"))
        #expect(error("definitions: [{from: url, repository: http://x/t.tar, compression: lz4, path: t.yaml, name: a}]").contains("'compression' must be"))
        #expect(error("definitions: [{from: url, repository: http://x/t.tar, strip-components: -1, path: t.yaml, name: a}]").contains("strip-components"))
        #expect(error("definitions: []").contains("non-empty 'definitions'"))
    }

    @Test func refusesBadTestDefinitionFiles() {
        func fileError(_ yaml: String) -> String {
            do {
                _ = try TestDefinitionFile(yaml: yaml, name: "smoke", path: "smoke.yaml")
                Issue.record("expected an error for \(yaml)")
                return ""
            } catch {
                return error.description
            }
        }
        #expect(fileError("run: [unclosed").contains("'smoke.yaml' is not valid YAML"))
        #expect(fileError("- a list").contains("must be a YAML mapping"))
        #expect(fileError("run: {steps: echo}").contains("'run.steps' that is not a list"))
        #expect(fileError("params: [a]\nrun: {steps: [true]}").contains("params"))
    }

    @Test func readsATestDefinitionFile() throws {
        let file = try TestDefinitionFile(yaml: """
        metadata: {format: Lava-Test Test Definition 1.0, name: smoke, description: Smoke}
        install: {deps: [curl], deps-debian: [procps], steps: [make], sources: [x]}
        params: {ITER: 2}
        run: {steps: ["./run.sh", key: value]}
        parse: {pattern: '(?P<test_case_id>\\S+): (?P<result>PASS|FAIL)', fixupdict: {PASS: pass, FAIL: fail}}
        expected: [one]
        """, name: "smoke", path: "smoke.yaml")
        #expect(file.metadataName == "smoke")
        #expect(file.installSteps == ["make"])
        #expect(file.installDeps == ["curl"])
        #expect(file.installDistroDeps == ["debian": ["procps"]])
        #expect(file.runSteps == ["./run.sh"])
        #expect(file.fixupdict == ["PASS": "pass", "FAIL": "fail"])
        #expect(file.parameters == [ShellParameter(name: "ITER", value: "2")])
        #expect(file.expected == ["one"])
        #expect(file.notes.count == 2)
    }
}
