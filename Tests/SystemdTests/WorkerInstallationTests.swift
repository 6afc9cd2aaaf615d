import Foundation
import LavaTestSupport
import Testing

@testable import Systemd

/// Installs into a temporary root, where /run/systemd/system does not exist: systemctl is never
/// run, so these tests cannot start or stop anything on the host.
@Suite struct WorkerInstallationTests {
    private let token = "0123456789abcdef0123456789abcdef"

    private func plan(url: String = "http://lava.example:8000/", token: String? = nil) throws -> InstallPlan {
        try InstallPlan(url: url, name: "lab-1", token: token ?? self.token)
    }

    private func read(_ root: URL, _ path: String) throws -> String {
        try String(contentsOfFile: root.appendingPathComponent(path).path, encoding: .utf8)
    }

    private func mode(_ root: URL, _ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent(path).path)
        return (attributes[.posixPermissions] as? Int) ?? -1
    }

    @Test func installWritesTheFilesWithTheirModes() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let report = try WorkerInstallation(root: directory.url).apply(try plan())

        let environment = "/etc/lava-dispatcher-host/lava-docker-worker"
        let tokenFile = "/var/lib/lava/dispatcher/docker-worker/token"
        let unit = "/etc/systemd/system/lava-docker-worker.service"
        #expect(report.written == [environment, tokenFile, unit])
        #expect(report.started == false)

        let settings = try read(directory.url, environment)
        #expect(settings.hasPrefix(UnitTemplates.environmentFile))
        #expect(settings.hasSuffix("""
            URL="http://lava.example:8000/"
            WORKER_NAME="--name lab-1"
            TOKEN="--token-file /var/lib/lava/dispatcher/docker-worker/token"
            WORKER_DIR="/var/lib/lava/dispatcher/docker-worker"

            """))
        #expect(!settings.contains(token))
        #expect(try mode(directory.url, environment) == 0o644)

        #expect(try read(directory.url, tokenFile) == token)
        #expect(try mode(directory.url, tokenFile) == 0o600)
        #expect(try mode(directory.url, "/var/lib/lava/dispatcher/docker-worker") == 0o700)

        #expect(try read(directory.url, unit) == UnitTemplates.unit)
        #expect(try mode(directory.url, unit) == 0o644)
    }

    @Test func withoutSystemdItPrintsTheServicesCommand() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let report = try WorkerInstallation(root: directory.url).apply(try plan())
        #expect(report.startCommand == [
            "/usr/local/bin/lava-docker-worker", "--level", "INFO", "--url", "http://lava.example:8000/",
            "--token-file", "/var/lib/lava/dispatcher/docker-worker/token", "--name", "lab-1",
            "--worker-dir", "/var/lib/lava/dispatcher/docker-worker", "--build-dir", "/etc/lava-dispatcher-host/build",
            "--log-file", "-",
        ])
        let expected = "systemd is not running: start it by hand with: /usr/local/bin/lava-docker-worker"
            + " --level INFO --url http://lava.example:8000/ --token-file /var/lib/lava/dispatcher/docker-worker/token"
            + " --name lab-1 --worker-dir /var/lib/lava/dispatcher/docker-worker"
            + " --build-dir /etc/lava-dispatcher-host/build --log-file -"
        #expect(report.messages.last == expected)
    }

    @Test func installingTwiceLeavesTheFilesAlone() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installation = WorkerInstallation(root: directory.url)
        _ = try installation.apply(try plan())
        let unit = directory.url.appendingPathComponent("/etc/systemd/system/lava-docker-worker.service").path
        let before = try FileManager.default.attributesOfItem(atPath: unit)[.systemFileNumber] as? Int

        let again = try installation.apply(try plan())
        #expect(again.written.isEmpty)
        #expect(again.messages.first == "lava-docker-worker is already installed")
        #expect(try FileManager.default.attributesOfItem(atPath: unit)[.systemFileNumber] as? Int == before)
    }

    @Test func aChangedTokenOrURLIsRewritten() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installation = WorkerInstallation(root: directory.url)
        _ = try installation.apply(try plan())

        let newToken = try installation.apply(try plan(token: "fedcba9876543210"))
        #expect(newToken.written == ["/var/lib/lava/dispatcher/docker-worker/token"])
        #expect(try read(directory.url, "/var/lib/lava/dispatcher/docker-worker/token") == "fedcba9876543210")

        let newURL = try installation.apply(try plan(url: "https://lava.example/", token: "fedcba9876543210"))
        #expect(newURL.written == ["/etc/lava-dispatcher-host/lava-docker-worker"])
        #expect(try read(directory.url, "/etc/lava-dispatcher-host/lava-docker-worker").contains(#"URL="https://lava.example/""#))
    }

    @Test func anImageIsWrittenReplacedAndRemovedWithTheOption() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installation = WorkerInstallation(root: directory.url)
        let environment = "/etc/lava-dispatcher-host/lava-docker-worker"
        _ = try installation.apply(try plan())
        #expect(!(try read(directory.url, environment)).contains("\nIMAGE="))

        let first = try installation.apply(
            try InstallPlan(url: "http://lava.example:8000/", name: "lab-1", token: token, image: "registry.lab/lava:{version}"))
        #expect(first.written == [environment])
        #expect(try read(directory.url, environment).hasSuffix("""
            WORKER_DIR="/var/lib/lava/dispatcher/docker-worker"
            IMAGE="--image registry.lab/lava:{version}"

            """))
        // Passed whole, as systemd splits $IMAGE; the shell line quotes the braces.
        #expect(first.startCommand.suffix(4) == ["--image", "registry.lab/lava:{version}", "--log-file", "-"])
        #expect(first.messages.last?.hasSuffix(" --image 'registry.lab/lava:{version}' --log-file -") == true)

        let other = try installation.apply(
            try InstallPlan(url: "http://lava.example:8000/", name: "lab-1", token: token, image: "127.0.0.1:5000/lava:{version}"))
        #expect(other.written == [environment])
        let replaced = try read(directory.url, environment)
        #expect(replaced.hasSuffix("\nIMAGE=\"--image 127.0.0.1:5000/lava:{version}\"\n"))
        #expect(!replaced.contains("registry.lab/lava:"))

        let none = try installation.apply(try plan())
        #expect(none.written == [environment])
        #expect(!(try read(directory.url, environment)).contains("\nIMAGE="))
        #expect(!none.startCommand.contains("--image"))
    }

    @Test func aChangedModeIsRepaired() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installation = WorkerInstallation(root: directory.url)
        _ = try installation.apply(try plan())
        let tokenFile = "/var/lib/lava/dispatcher/docker-worker/token"
        chmod(directory.url.appendingPathComponent(tokenFile).path, 0o644)
        #expect(try installation.apply(try plan()).written == [tokenFile])
        #expect(try mode(directory.url, tokenFile) == 0o600)
    }

    @Test func otherPathsGoIntoTheUnitAndTheCommand() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let paths = InstallPaths(workerDirectory: "/srv/lava/worker", binary: "/opt/lava/bin/lava-docker-worker")
        let report = try WorkerInstallation(root: directory.url).apply(
            try InstallPlan(url: "http://lava.example/", name: "lab-1", token: token, paths: paths))
        #expect(try read(directory.url, "/srv/lava/worker/token") == token)
        #expect(try read(directory.url, "/etc/systemd/system/lava-docker-worker.service")
            .contains("\nExecStart=/opt/lava/bin/lava-docker-worker --level $LOGLEVEL "))
        #expect(report.startCommand.first == "/opt/lava/bin/lava-docker-worker")
        #expect(report.startCommand.contains("/srv/lava/worker/token"))
    }

    @Test func uninstallRemovesOnlyItsFiles() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installation = WorkerInstallation(root: directory.url)
        _ = try installation.apply(try plan())
        try directory.write("jobs", to: "var/lib/lava/dispatcher/docker-worker/db.sqlite3")

        let report = try installation.undo()
        #expect(report.removed == [
            "/etc/systemd/system/lava-docker-worker.service",
            "/etc/lava-dispatcher-host/lava-docker-worker",
            "/var/lib/lava/dispatcher/docker-worker/token",
        ])
        for path in report.removed {
            #expect(!FileManager.default.fileExists(atPath: directory.url.appendingPathComponent(path).path))
        }
        #expect(try read(directory.url, "/var/lib/lava/dispatcher/docker-worker/db.sqlite3") == "jobs")

        let again = try installation.undo()
        #expect(again.removed.isEmpty)
        #expect(again.messages == ["lava-docker-worker is not installed: nothing to remove"])
    }

    @Test func anInstanceHasItsOwnFilesBesideTheHostsWorker() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installation = WorkerInstallation(root: directory.url)
        _ = try installation.apply(try plan())
        let report = try installation.apply(
            try InstallPlan(url: "http://lava.example:8000/", name: "lab-2", token: "fedcba", image: "registry.lab/lava:{version}",
                            paths: InstallPaths(instance: "lab2")))

        let environment = "/etc/lava-dispatcher-host/lab2.conf"
        let tokenFile = "/var/lib/lava/dispatcher/docker-worker/lab2/token"
        let unit = "/etc/systemd/system/lava-docker-worker@.service"
        #expect(report.written == [environment, tokenFile, unit])
        #expect(report.service == "lava-docker-worker@lab2")
        let settings = try read(directory.url, environment)
        #expect(settings.hasPrefix(UnitTemplates.instanceEnvironmentFile))
        #expect(settings.hasSuffix("""
            URL="http://lava.example:8000/"
            WORKER_NAME="--name lab-2"
            TOKEN="--token-file /var/lib/lava/dispatcher/docker-worker/lab2/token"
            WORKER_DIR="/var/lib/lava/dispatcher/docker-worker/lab2"
            IMAGE="--image registry.lab/lava:{version}"

            """))
        #expect(!(try read(directory.url, "/etc/lava-dispatcher-host/lava-docker-worker")).contains("\nIMAGE="), "the host's worker keeps LAVA's images")
        #expect(try read(directory.url, unit) == UnitTemplates.instanceUnit)
        #expect(try read(directory.url, tokenFile) == "fedcba")
        #expect(try mode(directory.url, tokenFile) == 0o600)
        #expect(try mode(directory.url, "/var/lib/lava/dispatcher/docker-worker/lab2") == 0o700)
        #expect(try read(directory.url, "/var/lib/lava/dispatcher/docker-worker/token") == token, "the host's worker keeps its own")
        // The build directory comes from the template's default, with %i expanded.
        #expect(report.startCommand == [
            "/usr/local/bin/lava-docker-worker", "--level", "INFO", "--url", "http://lava.example:8000/",
            "--token-file", tokenFile, "--name", "lab-2", "--worker-dir", "/var/lib/lava/dispatcher/docker-worker/lab2",
            "--build-dir", "/etc/lava-dispatcher-host/build/lab2", "--image", "registry.lab/lava:{version}", "--log-file", "-",
        ])
    }

    @Test func uninstallingAnInstanceLeavesTheTemplateToTheOthers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let installation = WorkerInstallation(root: directory.url)
        for instance in ["lab2", "lab3"] {
            _ = try installation.apply(try InstallPlan(url: "http://a/", name: instance, token: token, paths: InstallPaths(instance: instance)))
        }
        let report = try installation.undo(paths: InstallPaths(instance: "lab2"))
        #expect(report.removed == ["/etc/lava-dispatcher-host/lab2.conf", "/var/lib/lava/dispatcher/docker-worker/lab2/token"])
        #expect(try read(directory.url, "/etc/systemd/system/lava-docker-worker@.service") == UnitTemplates.instanceUnit)
        #expect(try read(directory.url, "/var/lib/lava/dispatcher/docker-worker/lab3/token") == token)
        #expect(try installation.undo(paths: InstallPaths(instance: "lab2")).messages
            == ["lava-docker-worker@lab2 is not installed: nothing to remove"])
    }

    @Test func badInputIsRefusedWithWhatToDo() {
        for url in ["lava.example", "ftp://lava.example/", "http://", "http://lava.example/ --token x", #"http://a"b/"#] {
            #expect(throws: InstallError.invalidURL(url)) { try InstallPlan(url: url, name: "lab-1", token: token) }
        }
        #expect(InstallError.invalidURL("lava.example").description.hasPrefix("--url must be http(s)://"))
        #expect(throws: InstallError.invalidName("lab 1")) { try InstallPlan(url: "http://a/", name: "lab 1", token: token) }
        #expect(throws: InstallError.invalidToken) { try InstallPlan(url: "http://a/", name: "lab-1", token: "") }
        #expect(throws: InstallError.invalidToken) { try InstallPlan(url: "http://a/", name: "lab-1", token: "a\nb") }
        for image in ["", "registry.lab/lava:{version} --privileged", #"registry.lab/lava:{version}""#, "$IMAGE"] {
            #expect(throws: InstallError.invalidImage(image)) { try InstallPlan(url: "http://a/", name: "lab-1", token: token, image: image) }
        }
        #expect(throws: InstallError.invalidPath("relative/bin")) {
            try InstallPlan(url: "http://a/", name: "lab-1", token: token, paths: InstallPaths(binary: "relative/bin"))
        }
        for instance in ["../x", "..", ".hidden", "lab 2", ""] {
            #expect(throws: InstallError.invalidInstance(instance)) {
                try InstallPlan(url: "http://a/", name: "lab-1", token: token, paths: InstallPaths(instance: instance))
            }
            #expect(throws: InstallError.invalidInstance(instance)) {
                try WorkerInstallation(root: URL(fileURLWithPath: "/nonexistent")).undo(paths: InstallPaths(instance: instance))
            }
        }
        #expect(InstallError.notRoot.description.contains("run as root"))
    }

    /// The units and environment files in the repository are what admins read and copy; the
    /// installer writes its embedded copies, which must not drift from them.
    @Test func embeddedTemplatesMatchTheRepository() throws {
        let repository = PackageFiles.root
        #expect(try String(contentsOf: repository.appendingPathComponent("systemd/lava-docker-worker.service"), encoding: .utf8)
            == UnitTemplates.unit)
        #expect(try String(contentsOf: repository.appendingPathComponent("systemd/lava-docker-worker"), encoding: .utf8)
            == UnitTemplates.environmentFile)
        #expect(try String(contentsOf: repository.appendingPathComponent("systemd/lava-docker-worker@.service"), encoding: .utf8)
            == UnitTemplates.instanceUnit)
        #expect(try String(contentsOf: repository.appendingPathComponent("systemd/lava-docker-worker@.conf"), encoding: .utf8)
            == UnitTemplates.instanceEnvironmentFile)
    }

    @Test func commandLineExpandsAsSystemdDoes() {
        let unit = """
            Environment=A=one B="two words" EMPTY=
            ExecStart=/bin/x $A $B ${B} $EMPTY $UNSET --flag
            """
        #expect(UnitCommandLine.arguments(unit: unit, environmentFile: "# A=ignored\nA=\"1 2\"\n")
            == ["/bin/x", "1", "2", "two", "words", "two words", "--flag"])
        #expect(UnitCommandLine.shellLine(["a b", "it's", "", "--x=1"]) == #"'a b' 'it'\''s' '' --x=1"#)
    }
}
