import Curl
import Foundation

/// Fetches a `from: url` definition: downloads the archive, decompresses it, refuses it when a
/// member would land outside the test directory, then extracts it with `tar` (as LAVA's
/// `UrlRepoAction` does, with the safety check LAVA leaves to tar). Only worker-made paths reach
/// the decompressor and tar on their command lines; the archive's content reaches tar only after
/// `TarListing` and `ArchiveMemberCheck` accepted every member.
struct ArchiveFetcher: Sendable {
    let userAgent: String
    let timeout: Duration
    /// Bytes the download and the tar archive decompressed from it may each take.
    let maxSize: Int

    func fetch(_ archive: TestDefinitionSource.ArchiveOrigin, name: String, into directory: URL) async throws(TestDefinitionError) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("lava-archive-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        } catch {
            throw .fetchFailed(name: name, "cannot create a scratch directory: \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: scratch) }

        let body = try await download(archive, name: name)
        guard body.count <= maxSize else {
            throw .refusedArchive(name: name, url: archive.url, "it is larger than \(maxSize) bytes")
        }
        let compression = archive.compression ?? ArchiveCompression.sniff(body.prefix(6))
        let downloaded = scratch.appendingPathComponent("download")
        let tarFile = scratch.appendingPathComponent("archive.tar")
        do {
            try body.write(to: compression == .none ? tarFile : downloaded)
        } catch {
            throw .fetchFailed(name: name, "cannot store the download: \(error.localizedDescription)")
        }
        if let command = compression.decompressCommand {
            let output = try await run(command + [downloaded.path], name: name, stdoutFile: tarFile,
                                       what: "decompressing \(archive.url) (compression: \(compression.rawValue))")
            guard !output.stdoutOverLimit else {
                throw .refusedArchive(name: name, url: archive.url, "it decompresses to more than \(maxSize) bytes")
            }
            guard output.status == 0 else {
                throw .fetchFailed(name: name, "decompressing \(archive.url) with \(command[0]) failed: "
                    + "\(output.diagnostics); check 'compression' (\(compression.rawValue)) against the file")
            }
        }

        let members: [TarListing.Member]
        do {
            members = try TarListing.members(of: Data(contentsOf: tarFile, options: .alwaysMapped))
        } catch let error as TarListing.Malformed {
            throw .refusedArchive(name: name, url: archive.url, error.description)
        } catch {
            throw .fetchFailed(name: name, "cannot read the archive: \(error.localizedDescription)")
        }
        do {
            try ArchiveMemberCheck(stripComponents: archive.stripComponents).check(members)
        } catch {
            throw .unsafeArchiveMember(name: name, member: error.member, reason: error.reason)
        }

        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .fetchFailed(name: name, "cannot create \(directory.path): \(error.localizedDescription)")
        }
        var extract = ["tar", "-x", "--no-same-owner", "-f", tarFile.path, "-C", directory.path]
        if archive.stripComponents > 0 { extract.append("--strip-components=\(archive.stripComponents)") }
        let output = try await run(extract, name: name, stdoutFile: nil, what: "extracting \(archive.url)")
        guard output.status == 0 else {
            throw .fetchFailed(name: name, "extracting \(archive.url) failed: \(output.diagnostics)")
        }
    }

    private func download(_ archive: TestDefinitionSource.ArchiveOrigin, name: String) async throws(TestDefinitionError) -> Data {
        let response: CurlResponse
        do {
            let session = try CurlSession(configuration: CurlConfiguration(userAgent: userAgent))
            let headers = archive.headers.map { (name: $0.name, value: $0.value) }
            response = try await session.perform(CurlRequest(.get, archive.url, headers: headers, timeout: timeout))
        } catch {
            throw .fetchFailed(name: name, "downloading \(archive.url) failed: \(error.description)")
        }
        guard response.status == 200 else {
            throw .fetchFailed(name: name, "downloading \(archive.url) failed: HTTP status \(response.status); "
                + "check the URL and any 'headers' it needs")
        }
        return response.body
    }

    private func run(
        _ arguments: [String], name: String, stdoutFile: URL?, what: String
    ) async throws(TestDefinitionError) -> ExternalCommand.Output {
        do {
            return try await ExternalCommand(arguments, stdoutFile: stdoutFile, stdoutLimit: maxSize).run()
        } catch {
            throw .fetchFailed(name: name, "\(what) failed: \(error.description) (is \(arguments[0]) installed?)")
        }
    }
}
