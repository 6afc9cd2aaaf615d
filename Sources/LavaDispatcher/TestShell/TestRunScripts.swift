/// The per-run `install.sh` and `run.sh` of a test directory (spec §7.3, LAVA's
/// `TestInstallAction` and `TestRunnerAction`).
struct TestRunScripts {
    let definition: FetchedTestDefinition
    /// The test directory as the DUT sees it: `<root>/<stage>/tests/<n>_<name>`.
    let runnerPath: String
    /// The deploy action's `os` (e.g. `debian`): which package manager installs `install.deps`.
    let targetOS: String?

    /// Distros whose `install.deps` are installed with apt-get, as LAVA's debian helpers do.
    private static let aptDistros: Set<String> = ["debian", "ubuntu"]

    /// Steps of `install:`; a non-zero exit makes the runner print `<LAVA_TEST_RUNNER INSTALL_FAIL>`.
    var install: String {
        let file = definition.file
        let skip = definition.source.skipInstall
        var text = "set -ex\ncd \(ShellQuoting.quote(runnerPath))\n"
        if !skip.contains("all"), !skip.contains("deps"), let os = targetOS, Self.aptDistros.contains(os) {
            let deps = file.installDeps + (file.installDistroDeps[os] ?? [])
            if !deps.isEmpty {
                text += "DEBIAN_FRONTEND=noninteractive apt-get -q -y install "
                    + deps.map(ShellQuoting.quote).joined(separator: " ") + "\n"
            }
        }
        if !skip.contains("all"), !skip.contains("steps") {
            for step in file.installSteps { text += step + "\n" }
        }
        return text
    }

    var run: String {
        let runName = definition.source.runName
        var text = "###default parameters from test definition###\n"
        for parameter in definition.file.parameters {
            text += "\(parameter.name)=\(ShellQuoting.singleQuoted(parameter.value))\n"
        }
        text += "######\n###test parameters from job submission###\n"
        for parameter in definition.source.parameters {
            text += "\(parameter.name)=\(ShellQuoting.singleQuoted(parameter.value))\n"
        }
        text += "######\n"
        text += "set -e\nset -x\n"
        text += "export TESTRUN_ID=\(runName)\n"
        text += "cd \(ShellQuoting.quote(runnerPath))\n"
        text += "UUID=`cat uuid`\n"
        text += "set +x\n"
        text += "echo \"<LAVA_SIGNAL_STARTRUN $TESTRUN_ID $UUID>\"\n"
        text += "set -x\n"
        for step in definition.file.runSteps {
            text += Self.escapingPositionalParameters(step) + "\n"
        }
        text += "set +x\n"
        text += "echo \"<LAVA_SIGNAL_ENDRUN $TESTRUN_ID $UUID>\"\n"
        return text
    }

    /// In steps that hand a command to a helper (`--cmd`, `--shell`), `$1`... belong to that
    /// command, not to run.sh, so LAVA escapes them: `$1` → `\$1`.
    static func escapingPositionalParameters(_ step: String) -> String {
        guard step.contains("--cmd") || step.contains("--shell") else { return step }
        var result = ""
        var characters = step[...]
        while let first = characters.first {
            characters = characters.dropFirst()
            if first == "$", let next = characters.first, next.isASCII, next.isNumber {
                result += "\\$"
            } else {
                result.append(first)
            }
        }
        return result
    }
}
