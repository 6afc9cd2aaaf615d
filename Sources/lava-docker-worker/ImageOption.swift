import ArgumentParser
import DockerWorker

/// `--image`, shared by `run` and `install` so that install refuses, before writing anything,
/// the value that run would refuse, with the same message.
struct ImageOption: ParsableArguments {
    @Option(help: "The worker image, {version} standing for the server's version (default: LAVA's rule, lavasoftware/lava-dispatcher:<version> for releases).")
    var image: String?

    func validate() throws {
        if let image, !ImageName.isValidTemplate(image) {
            throw ValidationError("--image '\(image)' is not a Docker image name with {version} where the server's version goes, e.g. registry.example/lava-dispatcher:{version}")
        }
    }
}
