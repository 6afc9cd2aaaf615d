import Foundation
import LavaTestSupport
import Testing

/// `lava-server devices add|update --dictionary` and `devices dictionary` as an admin uses them.
@Suite struct DeviceDictionaryCommandTests {
    @Test("a bad dictionary is refused at devices add with its file and line, and nothing is stored; update replaces; --render shows the configuration")
    func addUpdateRender() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lava-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = ["--data-dir", directory.path, "--device-types-dir", PackageFiles.url("server/etc/device-types").path]
        #expect(try await ServerProcess.run(["workers", "add", "lab-1"] + storage).status == 0)
        #expect(try await ServerProcess.run(["device-types", "add", "docker"] + storage).status == 0)
        func file(_ name: String, _ text: String) throws -> String {
            let url = directory.appendingPathComponent(name)
            try text.write(to: url, atomically: true, encoding: .utf8)
            return url.path
        }
        let cases = [
            ("unknown template", try file("unknown.jinja2", "{% extends 'dockr.jinja2' %}\n"), "unknown.jinja2:1:", "dockr.jinja2"),
            ("syntax error", try file("syntax.jinja2", "{% extends 'docker.jinja2' %}\n\n{% set docker_volumes = [ %}\n"), "syntax.jinja2:3:", "unexpected"),
            ("not YAML", try file("yaml.jinja2", "{% extends 'docker.jinja2' %}\n{% set environment = '{unclosed' %}\n"), "its rendering is not valid YAML", "line"),
        ]
        for (what, path, location, detail) in cases {
            let refused = try await ServerProcess.run(["devices", "add", "docker-01", "--type", "docker", "--worker", "lab-1", "--dictionary", path] + storage)
            #expect(refused.status != 0, "\(what)")
            #expect(refused.error.contains(path), "\(what): \(refused.error)")
            #expect(refused.error.contains(location), "\(what): \(refused.error)")
            #expect(refused.error.contains(detail), "\(what): \(refused.error)")
        }
        let missing = try await ServerProcess.run(["devices", "dictionary", "docker-01"] + storage)
        #expect(missing.error.contains("Unknown device 'docker-01'"), "nothing was stored: \(missing.error)")

        let good = try file("docker-01.jinja2", "{% extends 'docker.jinja2' %}\n{% set docker_volumes = ['/srv:/srv'] %}\n")
        let added = try await ServerProcess.run(["devices", "add", "docker-01", "--type", "docker", "--worker", "lab-1", "--dictionary", good] + storage)
        #expect(added.status == 0, "\(added.error)")
        let rendered = try await ServerProcess.run(["devices", "dictionary", "docker-01", "--render"] + storage)
        #expect(rendered.output.contains("- \"/srv:/srv\""), "\(rendered.output)\(rendered.error)")

        let refusedUpdate = try await ServerProcess.run(["devices", "update", "docker-01", "--dictionary", cases[1].1] + storage)
        #expect(refusedUpdate.status != 0)
        let other = try file("other.jinja2", "{% extends 'docker.jinja2' %}\n{% set docker_networks = ['lab'] %}\n")
        #expect(try await ServerProcess.run(["devices", "update", "docker-01", "--dictionary", other] + storage).status == 0)
        let shown = try await ServerProcess.run(["devices", "dictionary", "docker-01"] + storage)
        #expect(shown.output == "{% extends 'docker.jinja2' %}\n{% set docker_networks = ['lab'] %}\n")
        let unknownDevice = try await ServerProcess.run(["devices", "update", "nosuch", "--dictionary", other] + storage)
        #expect(unknownDevice.error.contains("Unknown device 'nosuch'"))

        #expect(try await ServerProcess.run(["device-types", "add", "qemu"] + storage).status == 0)
        let untemplated = try await ServerProcess.run(["devices", "add", "qemu-01", "--type", "qemu", "--worker", "lab-1"] + storage)
        #expect(untemplated.status == 0)
        #expect(untemplated.error.contains("note: no template qemu.jinja2 in "), "\(untemplated.error)")
        let templated = try await ServerProcess.run(["devices", "add", "docker-02", "--type", "docker", "--worker", "lab-1"] + storage)
        #expect(templated.error.isEmpty, "\(templated.error)")
    }
}
