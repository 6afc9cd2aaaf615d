import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LavaCore
@testable import LavaServer
import LavaTestSupport
import Testing
import Yams

/// The device configuration the job fetch sends: server/etc's templates, device dictionaries in
/// LAVA's Jinja2, the job's context, and what happens when a template changes or breaks.
@Suite struct DeviceConfigurationTests {
    /// The server's templates as an admin installs them: server/etc copied to the config directory.
    static func installTemplates(_ server: TestServer) throws -> URL {
        let etc = server.server.configuration.configDirectory
        try FileManager.default.createDirectory(at: etc, withIntermediateDirectories: true)
        let types = etc.appendingPathComponent("device-types")
        try FileManager.default.copyItem(at: PackageFiles.url("server/etc/device-types"), to: types)
        return types
    }

    /// The `device` field of the job fetch of a new job.
    static func fetchedDevice(_ server: TestServer, _ client: any TestClientProtocol, _ lab: Lab, definition: String = dockerJob()) async throws -> String {
        let (id, token) = try await server.startJob(client, lab, definition: definition, running: false)
        let response = try await client.getJob(id, token: token)
        #expect(response.status == .ok, "\(response.text)")
        return try response.decode(JobFetchResponse.self).device
    }

    /// A configuration as data: its mappings, lists and typed scalars, whatever the YAML's layout.
    static func data(_ yaml: String) throws -> TemplateValue {
        try TemplateValue(yaml: try #require(try Yams.compose(yaml: yaml)))
    }

    static func captured() throws -> TemplateValue {
        let url = Capture.directory.appendingPathComponent("GET-internal-v1-jobs-ID.response.json")
        return try data(try JSONDecoder().decode(JobFetchResponse.self, from: Data(contentsOf: url)).device)
    }

    @Test("a docker device without a dictionary gets server/etc's docker.jinja2: the same configuration as LAVA 2023.01 sent", arguments: Backend.all)
    func defaultConfiguration(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            _ = try Self.installTemplates(server)
            let lab = try await Lab.make(server)
            try await server.live { client in
                let device = try await Self.fetchedDevice(server, client, lab)
                #expect(try Self.data(device) == (try Self.captured()))
            }
        }
    }

    @Test("a Jinja2 dictionary's docker_* variables become the docker options; text is kept as it is")
    func dictionaryOptions() async throws {
        try await withServer(.sqlite) { server in
            _ = try Self.installTemplates(server)
            let lab = try await Lab.make(server, devices: [])
            let dictionary = try DeviceDictionary("""
                {% extends 'docker.jinja2' %}
                {% set docker_volumes = ['/srv/data:/data', 'odd "quoted" \\\\ path:/x'] %}
                {% set docker_privileged = True %}
                {% set docker_memory = '2g' %}
                {% set environment = {'LAB': 'north'} %}
                """, file: "docker-01.jinja2", templates: server.server.deviceTemplates)
            try await server.inventory.addDevice(name: "docker-01", type: "docker", worker: lab.worker, dictionary: dictionary)
            try await server.live { client in
                let device = try await Self.fetchedDevice(server, client, lab)
                let options = try #require(try Yams.load(yaml: device) as? [String: Any])
                let boot = ((options["actions"] as? [String: Any])?["boot"] as? [String: Any])?["methods"] as? [String: Any]
                let docker = (boot?["docker"] as? [String: Any])?["options"] as? [String: Any]
                #expect(docker?["volumes"] as? [String] == ["/srv/data:/data", #"odd "quoted" \ path:/x"#])
                #expect(docker?["privileged"] as? Bool == true)
                #expect(docker?["memory"] as? String == "2g")
                #expect((options["environment"] as? [String: String]) == ["LAB": "north"])
            }
        }
    }

    @Test("the job's context reaches the templates; a context key LAVA does not allow, or a value of more than one line, is refused at submission", arguments: Backend.all)
    func jobContext(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            _ = try Self.installTemplates(server)
            let lab = try await Lab.make(server)
            try await server.live { client in
                let definition = dockerJob() + "\ncontext: {lava_test_results_dir: /lava-ctx-%s, failure_retry: 3}\n"
                let device = try await Self.fetchedDevice(server, client, lab, definition: definition)
                #expect(device.contains("lava_test_results_dir: /lava-ctx-%s"))
                #expect(device.contains("failure_retry: 3"))

                let escape = try await client.submit(dockerJob() + "\ncontext: {docker_volumes: ['/:/host']}\n", token: lab.userToken)
                #expect(escape.status == .badRequest)
                #expect(escape.text.contains("'context' may not set 'docker_volumes'"), "\(escape.text)")
                let nested = try await client.submit(dockerJob() + "\ncontext: {console_device: {a: b}}\n", token: lab.userToken)
                #expect(nested.status == .badRequest)
                #expect(nested.text.contains("'context.console_device' must be"), "\(nested.text)")
                // Printed unquoted into the configuration, a line break would add a key of the submitter's.
                for value in [#""/lava\ndocker_privileged: true""#, #"["a", "b\rc"]"#, #""/lava\u2028x""#] {
                    let injected = try await client.submit(dockerJob() + "\ncontext: {lava_test_results_dir: \(value)}\n", token: lab.userToken)
                    #expect(injected.status == .badRequest, "\(value)")
                    #expect(injected.text.contains("'context.lava_test_results_dir' must be on one line"), "\(injected.text)")
                }
            }
        }
    }

    @Test("a changed template counts from the next job; one that stops rendering fails the fetch naming its file and line")
    func templateChanges() async throws {
        try await withServer(.sqlite) { server in
            let types = try Self.installTemplates(server)
            // A device per job: the jobs stay Scheduled.
            let lab = try await Lab.make(server, devices: ["docker-01", "docker-02", "docker-03"])
            let docker = types.appendingPathComponent("docker.jinja2")
            let original = try String(contentsOf: docker, encoding: .utf8)
            try await server.live { client in
                #expect(try await Self.fetchedDevice(server, client, lab).contains("cpus: 0.0"))
                try original.replacingOccurrences(of: "docker_cpus | default(0.0)", with: "docker_cpus | default(1.5)")
                    .write(to: docker, atomically: true, encoding: .utf8)
                #expect(try await Self.fetchedDevice(server, client, lab).contains("cpus: 1.5"))

                try (original + "{% if %}\n").write(to: docker, atomically: true, encoding: .utf8)
                let (id, token) = try await server.startJob(client, lab, running: false)
                let broken = try await client.getJob(id, token: token)
                #expect(broken.status == .internalServerError)
                #expect(broken.text.contains("docker.jinja2:"), "\(broken.text)")
                #expect(broken.text.contains("lava-server devices update docker-0"), "\(broken.text)")
            }
        }
    }

    @Test("REST: a dictionary that does not render is refused and nothing is stored; admins read, render and replace it", arguments: Backend.all)
    func restDictionary(_ backend: Backend) async throws {
        try await withServer(backend) { server in
            _ = try Self.installTemplates(server)
            let lab = try await Lab.make(server, devices: [])
            try await server.live { client in
                func create(_ dictionary: String) async throws -> TestResponse {
                    let body = try JSONEncoder().encode(["hostname": "docker-01", "device_type": "docker", "worker_host": lab.worker, "dictionary": dictionary])
                    return try await client.rest(.post, "/api/v0.2/devices/", token: lab.adminToken, json: String(decoding: body, as: UTF8.self))
                }
                let unknown = try await create("{% extends 'dockr.jinja2' %}")
                #expect(unknown.status == .badRequest)
                #expect(unknown.text.contains("dockr.jinja2"), "\(unknown.text)")
                #expect(try await server.server.database.read { try await DeviceStore.find($0, name: "docker-01") } == nil)
                let notYAML = try await create("{% extends 'docker.jinja2' %}{% set docker_volumes = ['a\"b: [c'] %}{% set environment = '[unclosed' %}")
                #expect(notYAML.status == .badRequest)
                #expect(notYAML.text.contains("its rendering is not valid YAML"), "\(notYAML.text)")

                let good = "{% extends 'docker.jinja2' %}\n{% set docker_networks = ['lab'] %}\n"
                #expect(try await create(good).status == .created)
                let raw = try await client.rest(.get, "/api/v0.2/devices/docker-01/dictionary/", token: lab.adminToken)
                #expect(raw.status == .ok)
                #expect(raw.text == good)
                let rendered = try await client.rest(.get, "/api/v0.2/devices/docker-01/dictionary/?render=true", token: lab.adminToken)
                #expect(rendered.text.contains("- \"lab\""), "\(rendered.text)")
                let forUser = try await client.rest(.get, "/api/v0.2/devices/docker-01/dictionary/", token: lab.userToken)
                #expect(forUser.status == .forbidden)

                let replaced = try await client.rest(.post, "/api/v0.2/devices/docker-01/dictionary/", token: lab.adminToken,
                                                     json: #"{"dictionary": "{% extends 'docker.jinja2' %}\n{% set docker_cpus = 2 %}\n"}"#)
                #expect(replaced.status == .ok, "\(replaced.text)")
                let broken = try await client.rest(.post, "/api/v0.2/devices/docker-01/dictionary/", token: lab.adminToken,
                                                   json: #"{"dictionary": "{% extends 'docker.jinja2' %}\n{% set docker_cpus = %}\n"}"#)
                #expect(broken.status == .badRequest)
                #expect(broken.text.contains("dictionary:2:"), "\(broken.text)")
                let stored = try await server.server.database.read { try await DeviceStore.find($0, name: "docker-01") }
                #expect(stored?.dictionary.contains("docker_cpus = 2") == true, "the refused one stored nothing")
            }
        }
    }
}
