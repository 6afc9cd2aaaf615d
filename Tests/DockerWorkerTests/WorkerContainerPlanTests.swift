import DockerEngine
@testable import DockerWorker
import Testing

@Suite struct ImageNameTests {
    @Test("releases come from lavasoftware/lava-dispatcher, development builds from LAVA's registry per architecture")
    func lavaRule() throws {
        #expect(try ImageName(architecture: "amd64").image(for: "2026.11") == "lavasoftware/lava-dispatcher:2026.11")
        #expect(try ImageName(architecture: "amd64").image(for: "2022.01.3") == "lavasoftware/lava-dispatcher:2022.01.3")
        #expect(try ImageName(architecture: "amd64").image(for: "2026.07.dev0028")
            == "registry.gitlab.com/lava/lava/amd64/lava-dispatcher:2026.07.dev0028")
        #expect(try ImageName(architecture: "aarch64").image(for: "2023.01.0024.g1234+x")
            == "registry.gitlab.com/lava/lava/aarch64/lava-dispatcher:2023.01.0024.g1234.x")
        #expect(throws: SupervisorError.self) { try ImageName(architecture: "riscv64").image(for: "2026.07.dev0028") }
        #expect(try ImageName(template: "127.0.0.1:5000/lava/worker:{version}", architecture: "riscv64").image(for: "2026.12")
            == "127.0.0.1:5000/lava/worker:2026.12")
    }

    @Test("--image takes Docker image names with {version}, and nothing else")
    func templates() {
        for template in ["registry.example/lava-dispatcher:{version}", "127.0.0.1:5000/lava/worker:{version}",
                         "localhost:5000/lava-dispatcher:{version}", "[::1]:5000/lava:{version}", "lava__test/worker-{version}"] {
            #expect(ImageName.isValidTemplate(template), "\(template)")
        }
        for template in ["lavasoftware/lava-dispatcher:latest", "lavasoftware/lava-dispatcher", "registry.example/Lava:{version}",
                         "registry.example/lava dispatcher:{version}", #"registry.example/lava:{version}" --privileged"#,
                         "registry.example/lava:{version}@sha256:0123", "registry.example/:{version}", "-lava:{version}", ""] {
            #expect(!ImageName.isValidTemplate(template), "\(template)")
        }
    }
}

@Suite struct WorkerContainerPlanTests {
    static func settings() -> SupervisorSettings {
        var settings = SupervisorSettings(url: "http://lava.example:8000/", name: "lab-1", hostName: "lab-1.example",
                                          workerDirectory: "/var/lib/lava/dispatcher/docker-worker")
        settings.mounts = [WorkerMount("/srv/images:/images:ro")].compactMap { $0 }
        settings.level = "DEBUG"
        return settings
    }

    @Test("privileged, host network, an init, docker-<fqdn>, labels, mounts at the same path, the socket where lava-run looks")
    func spec() {
        let spec = WorkerContainerPlan(settings: Self.settings()).spec(image: "img:1", version: "2026.11", acceptedOptions: ["--level"])
        #expect(spec.privileged && spec.initProcess)
        #expect(spec.networkMode == "host")
        #expect(spec.hostname == "docker-lab-1.example")
        #expect(spec.labels == [WorkerContainerPlan.supervisorLabel: "lab-1", WorkerContainerPlan.versionLabel: "2026.11"])
        #expect(spec.binds.first == "/var/lib/lava/dispatcher/docker-worker:/var/lib/lava/dispatcher/docker-worker")
        #expect(spec.binds.contains("/var/run/docker.sock:/var/run/docker.sock"))
        #expect(spec.binds.last == "/srv/images:/images:ro")
        #expect(spec.environment.isEmpty)
    }

    @Test("LAVA's host paths: /dev and /run/udev read-write, /boot and /lib/modules read-only, each only where the host has it")
    func hostPaths() {
        let plan = WorkerContainerPlan(settings: Self.settings())
        let hostPaths = ["/var/lib/lava/dispatcher/tmp", "/srv/tftp", "/run/udev", "/dev", "/boot", "/lib/modules"]
        let everything = plan.mounts { _ in true }.map(\.bind)
        for (path, options) in [("/var/lib/lava/dispatcher/tmp", ""), ("/srv/tftp", ""), ("/run/udev", ""), ("/dev", ""),
                                ("/boot", ":ro"), ("/lib/modules", ":ro"),
                                ("/usr/share/lava-docker-worker", ""), ("/usr/local/share/lava-docker-worker", "")] {
            #expect(everything.contains("\(path):\(path)\(options)"), "\(path): \(everything)")
        }
        let bare = plan.mounts { _ in false }.map(\.bind)
        for path in hostPaths { #expect(!bare.contains { $0.hasPrefix(path + ":") }, "\(path) mounted on a host without it: \(bare)") }
        // The worker directory, the engine's socket and --mount, whatever the host has.
        #expect(bare == ["/var/lib/lava/dispatcher/docker-worker:/var/lib/lava/dispatcher/docker-worker",
                         "/var/run/docker.sock:/var/run/docker.sock", "/srv/images:/images:ro"])
        let onlyUdev = plan.mounts { $0 == "/run/udev" }.map(\.bind)
        #expect(onlyUdev.contains("/run/udev:/run/udev") && !onlyUdev.contains("/dev:/dev"))
    }

    @Test("the worker's command: LAVA's forced options, the token as a file, optional ones only when the image takes them")
    func command() {
        let plan = WorkerContainerPlan(settings: Self.settings())
        let command = plan.command(acceptedOptions: [])
        #expect(Array(command.prefix(5)) == ["lava-worker", "--exit-on-version-mismatch", "--wait-jobs", "--log-file", "-"])
        #expect(command.contains("--token-file"))
        #expect(command.firstIndex(of: "--token-file").map { command[$0 + 1] } == "/var/lib/lava/dispatcher/docker-worker/token")
        #expect(!command.contains("--token"))
        #expect(!command.contains("--level"))
        #expect(plan.command(acceptedOptions: ["--level"]).suffix(2) == ["--level", "DEBUG"])
    }

    @Test("--seccomp reaches a worker that takes it; a file is mounted read-only at its path, default and off are not files")
    func seccomp() {
        var settings = Self.settings()
        #expect(WorkerContainerPlan(settings: settings).command(acceptedOptions: ["--seccomp"]).suffix(2) == ["--seccomp", "default"])
        #expect(!WorkerContainerPlan(settings: settings).command(acceptedOptions: []).contains("--seccomp"), "LAVA's images do not take it")
        settings.seccomp = "/etc/lava-dispatcher/seccomp.json"
        let plan = WorkerContainerPlan(settings: settings)
        #expect(plan.command(acceptedOptions: ["--seccomp"]).suffix(2) == ["--seccomp", "/etc/lava-dispatcher/seccomp.json"])
        #expect(plan.spec(image: "i", version: "v", acceptedOptions: []).binds.contains("/etc/lava-dispatcher/seccomp.json:/etc/lava-dispatcher/seccomp.json:ro"))
        for setting in ["default", "off"] {
            settings.seccomp = setting
            #expect(WorkerContainerPlan(settings: settings).seccompFile == nil)
        }
    }

    @Test("a token file outside the worker directory is mounted read-only")
    func tokenFileElsewhere() {
        var settings = Self.settings()
        settings.tokenFile = "/etc/lava-dispatcher-host/token"
        let binds = WorkerContainerPlan(settings: settings).spec(image: "i", version: "v", acceptedOptions: []).binds
        #expect(binds.contains("/etc/lava-dispatcher-host:/etc/lava-dispatcher-host:ro"))
    }

    @Test("options from an image label, or from a worker's --help text")
    func options() {
        #expect(WorkerContainerPlan.acceptedOptions(labels: [WorkerContainerPlan.optionsLabel: "--url --level"]) == ["--url", "--level"])
        #expect(WorkerContainerPlan.acceptedOptions(labels: [:]) == nil)
        let help = """
            usage: lava-worker [-h] [--name NAME] [--debug] [--url URL] [--ws-url WS_URL]
              --level {DEBUG,ERROR,INFO,WARN}, -l {DEBUG,ERROR,INFO,WARN}
              --sentry-dsn SENTRY_DSN
            """
        #expect(WorkerContainerPlan.acceptedOptions(help: help) == ["--name", "--debug", "--url", "--ws-url", "--level", "--sentry-dsn"])
    }

    @Test("--mount syntax")
    func mounts() {
        #expect(WorkerMount("/a") == WorkerMount(source: "/a"))
        #expect(WorkerMount("/a:/b:ro") == WorkerMount(source: "/a", destination: "/b", readOnly: true))
        #expect(WorkerMount("/a::rw") == WorkerMount(source: "/a"))
        #expect(WorkerMount("relative") == nil)
        #expect(WorkerMount("/a:/b:bogus") == nil)
    }

    @Test("the repository part of an image reference, registry ports included")
    func repository() {
        #expect(ImageProvider.repository(of: "127.0.0.1:5000/lava/worker:2026.11") == "127.0.0.1:5000/lava/worker")
        #expect(ImageProvider.repository(of: "lavasoftware/lava-dispatcher:2026.11.customized") == "lavasoftware/lava-dispatcher")
        #expect(ImageProvider.repository(of: "127.0.0.1:5000/worker") == "127.0.0.1:5000/worker")
    }
}
