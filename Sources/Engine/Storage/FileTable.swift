import Foundation
import NIOConcurrencyHelpers

/// Open file descriptors of a torrent's files, opened on first use. Thread-safe; used from the
/// storage thread pool only.
///
/// A file that is not complete carries a `.part` suffix (as Transmission and qBittorrent can do), so
/// that nothing half-written looks finished; it gets its real name once all its pieces are verified.
final class FileTable: Sendable {
    static let partialSuffix = ".part"
    private struct State {
        var finalPaths: [String]
        var descriptors: [Int32?]
        var hasFinalName: [Bool]
    }
    private let state: NIOLockedValueBox<State>

    init(paths: [String]) {
        self.state = NIOLockedValueBox(State(
            finalPaths: paths, descriptors: Array(repeating: nil, count: paths.count), hasFinalName: Array(repeating: false, count: paths.count)))
    }

    private var finalPaths: [String] { state.withLockedValue { $0.finalPaths } }

    private func path(_ index: Int) -> String {
        state.withLockedValue { s in s.hasFinalName[index] ? s.finalPaths[index] : s.finalPaths[index] + Self.partialSuffix }
    }

    /// Looks at which files exist under their final names (run on the storage pool before the check).
    func findExistingNames() {
        let found = finalPaths.map { path in
            var info = stat()
            return stat(path, &info) == 0
        }
        state.withLockedValue { $0.hasFinalName = found }
    }

    /// Gives the file its final name (`complete`) or the `.part` one, renaming it on disk if it exists.
    /// An open descriptor stays valid across the rename.
    func setComplete(_ index: Int, _ complete: Bool) throws {
        try state.withLockedValue { s in
            guard s.hasFinalName[index] != complete else { return }
            let from = s.hasFinalName[index] ? s.finalPaths[index] : s.finalPaths[index] + Self.partialSuffix
            let to = complete ? s.finalPaths[index] : s.finalPaths[index] + Self.partialSuffix
            if FileManager.default.fileExists(atPath: from) {
                guard rename(from, to) == 0 else { throw StorageError(path: from, operation: "rename", errno: errno) }
            }
            s.hasFinalName[index] = complete
        }
    }

    /// Creates the file and its folders if missing, and sets its length (sparse) if it is shorter.
    func create(_ index: Int, length: Int64) throws {
        let path = self.path(index)
        // Already there at full length (a restart): nothing to create, and no descriptor to hold open.
        var existing = stat()
        if lstat(path, &existing) == 0, existing.st_mode & S_IFMT == S_IFREG, existing.st_size >= length { return }
        let folder = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw StorageError(path: folder, operation: "create folder", errno: Self.errnoOf(error))
        }
        let fd = try descriptor(index, create: true)!
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw StorageError(path: path, operation: "stat", errno: errno) }
        if info.st_size < length {
            guard ftruncate(fd, off_t(length)) == 0 else {
                throw StorageError(path: path, operation: "extend", errno: errno)
            }
        }
    }

    func write(_ index: Int, at offset: Int64, _ bytes: UnsafeRawBufferPointer) throws {
        let fd = try descriptor(index, create: true)!
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError(path: path(index), operation: "write", errno: errno)
            }
            done += n
        }
    }

    func read(_ index: Int, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard try readExisting(index, at: offset, into: buffer) else {
            throw StorageError(path: path(index), operation: "read", errno: EIO)
        }
    }

    /// Reads exactly `buffer.count` bytes; false when the file is missing or too short.
    func readExisting(_ index: Int, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws -> Bool {
        guard let fd = try descriptor(index, create: false) else { return false }
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw StorageError(path: path(index), operation: "read", errno: errno)
            }
            if n == 0 { return false }
            done += n
        }
        return true
    }

    /// Both names a file may have on disk: final and `.part`.
    func candidatePaths(_ index: Int) -> [String] {
        let path = finalPaths[index]
        return [path, path + Self.partialSuffix]
    }

    var allCandidatePaths: [[String]] { finalPaths.indices.map(candidatePaths) }

    /// Moves every file that exists (under either name) to the matching new path, then uses the new
    /// paths. Descriptors must be closed. A move across file systems copies, then deletes the original.
    func relocate(to newPaths: [String]) throws {
        try state.withLockedValue { s in
            for index in s.finalPaths.indices {
                let suffix = s.hasFinalName[index] ? "" : Self.partialSuffix
                let from = s.finalPaths[index] + suffix
                let to = newPaths[index] + suffix
                guard FileManager.default.fileExists(atPath: from), from != to else { continue }
                let folder = (to as NSString).deletingLastPathComponent
                try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                if FileManager.default.fileExists(atPath: to) {
                    throw StorageError(path: to, operation: "move (a file is in the way)", errno: EEXIST)
                }
                if rename(from, to) != 0 {
                    guard errno == EXDEV else { throw StorageError(path: from, operation: "move", errno: errno) }
                    do {
                        try FileManager.default.copyItem(atPath: from, toPath: to)
                        try FileManager.default.removeItem(atPath: from)
                    } catch {
                        throw StorageError(path: from, operation: "move", errno: Self.errnoOf(error))
                    }
                }
            }
            s.finalPaths = newPaths
        }
    }

    /// The path of an open file that no longer has a name on disk, if any.
    func firstDeletedOpenFile() -> String? {
        state.withLockedValue { s in
            for (index, fd) in s.descriptors.enumerated() {
                guard let fd else { continue }
                var info = stat()
                if fstat(fd, &info) == 0 && info.st_nlink == 0 {
                    return s.hasFinalName[index] ? s.finalPaths[index] : s.finalPaths[index] + Self.partialSuffix
                }
            }
            return nil
        }
    }

    /// Flushes every open file to the disk (fsync), so that what was written survives a crash of the
    /// machine too, not only of the process.
    func syncAll() throws {
        try state.withLockedValue { s in
            for (index, fd) in s.descriptors.enumerated() {
                guard let fd else { continue }
                if fsync(fd) != 0 && errno != EINVAL {
                    throw StorageError(path: s.finalPaths[index], operation: "flush", errno: errno)
                }
            }
        }
    }

    /// Size and modification time of each file under the name it has now; nil for a missing one.
    func stamps() -> [FileStamp?] {
        state.withLockedValue { s in
            s.finalPaths.indices.map { index in
                let path = s.hasFinalName[index] ? s.finalPaths[index] : s.finalPaths[index] + Self.partialSuffix
                var info = stat()
                guard stat(path, &info) == 0 else { return nil }
                #if canImport(Darwin)
                let modified = Int64(info.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(info.st_mtimespec.tv_nsec)
                #else
                let modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
                #endif
                return FileStamp(size: Int64(info.st_size), modified: modified)
            }
        }
    }

    func closeAll() {
        state.withLockedValue { s in
            for fd in s.descriptors.compactMap({ $0 }) { Foundation.close(fd) }
            s.descriptors = Array(repeating: nil, count: s.descriptors.count)
        }
    }

    /// The open descriptor, opening the file if needed. Nil when `create` is false and the file is missing.
    /// `O_NOFOLLOW` keeps a planted symlink from redirecting writes outside the download directory.
    private func descriptor(_ index: Int, create: Bool) throws -> Int32? {
        try state.withLockedValue { s -> Int32? in
            if let fd = s.descriptors[index] { return fd }
            let path = s.hasFinalName[index] ? s.finalPaths[index] : s.finalPaths[index] + Self.partialSuffix
            let flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0)
            var fd = open(path, flags, 0o644)
            if fd < 0 && create && errno == ENOENT {
                // A skipped file reached by a piece it shares with a wanted one: its folder may be missing.
                try? FileManager.default.createDirectory(
                    atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                fd = open(path, flags, 0o644)
            }
            if fd < 0 {
                if !create && errno == ENOENT { return nil }
                throw StorageError(path: path, operation: "open", errno: errno)
            }
            s.descriptors[index] = fd
            return fd
        }
    }

    private static func errnoOf(_ error: Error) -> Int32 {
        if let posix = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return Int32(posix.code)
        }
        return EACCES
    }
}
