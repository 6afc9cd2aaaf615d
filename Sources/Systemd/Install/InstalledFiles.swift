import Foundation

/// The file operations of install and uninstall, under a root prefix (`/` on a real system, a
/// temporary directory in tests).
struct InstalledFiles {
    let root: URL

    func location(_ path: String) -> String {
        root.appendingPathComponent(path).path
    }

    /// Writes the file unless it already has this content and mode; true when it wrote.
    /// The content goes to a temporary file created with the final mode, then renamed over the
    /// target: no reader sees half a file, and the token is never readable by others, not even
    /// for a moment.
    func install(_ file: PlannedFile) throws(InstallError) -> Bool {
        let target = location(file.path)
        let content = Data(file.content.utf8)
        if FileManager.default.contents(atPath: target) == content, mode(of: target) == file.mode {
            return false
        }
        let temporary = target + ".new"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file.mode)
        guard descriptor >= 0 else { throw failure(temporary) }
        // open() applies the umask; fchmod gives the exact mode asked for.
        let written = content.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        guard written == content.count, fchmod(descriptor, file.mode) == 0, fsync(descriptor) == 0 else {
            let error = failure(temporary)
            close(descriptor)
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, target) == 0 else {
            let error = failure(target)
            unlink(temporary)
            throw error
        }
        return true
    }

    /// Creates the directory and its missing parents; `mode` is enforced on the last one even
    /// when it exists (the worker directory holds the token).
    func makeDirectory(_ path: String, mode: mode_t? = nil) throws(InstallError) {
        let target = location(path)
        do {
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        } catch {
            throw .fileSystem(path: target, reason: "cannot create the directory (\(error.localizedDescription))")
        }
        if let mode, chmod(target, mode) != 0 {
            throw failure(target)
        }
    }

    /// Removes the file; true when there was one.
    func remove(_ path: String) throws(InstallError) -> Bool {
        let target = location(path)
        if unlink(target) == 0 { return true }
        if errno == ENOENT { return false }
        throw failure(target)
    }

    func exists(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: location(path))
    }

    func mode(of target: String) -> mode_t? {
        var status = stat()
        guard stat(target, &status) == 0 else { return nil }
        return status.st_mode & 0o7777
    }

    private func failure(_ target: String) -> InstallError {
        let code = errno
        return code == EACCES || code == EPERM ? .notRoot : .fileSystem(path: target, reason: String(cString: strerror(code)))
    }
}
