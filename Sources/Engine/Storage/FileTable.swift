import Foundation
import NIOConcurrencyHelpers

/// Open file descriptors of a torrent's files, opened on first use. Thread-safe; used from the
/// storage thread pool only.
final class FileTable: Sendable {
    private let paths: [String]
    private let descriptors: NIOLockedValueBox<[Int32?]>

    init(paths: [String]) {
        self.paths = paths
        self.descriptors = NIOLockedValueBox(Array(repeating: nil, count: paths.count))
    }

    /// Creates the file and its folders if missing, and sets its length (sparse) if it is shorter.
    func create(_ index: Int, length: Int64) throws {
        let path = paths[index]
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
                throw StorageError(path: paths[index], operation: "write", errno: errno)
            }
            done += n
        }
    }

    func read(_ index: Int, at offset: Int64, into buffer: UnsafeMutableRawBufferPointer) throws {
        guard try readExisting(index, at: offset, into: buffer) else {
            throw StorageError(path: paths[index], operation: "read", errno: EIO)
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
                throw StorageError(path: paths[index], operation: "read", errno: errno)
            }
            if n == 0 { return false }
            done += n
        }
        return true
    }

    func closeAll() {
        descriptors.withLockedValue { fds in
            for fd in fds.compactMap({ $0 }) { Foundation.close(fd) }
            fds = Array(repeating: nil, count: fds.count)
        }
    }

    /// The open descriptor, opening the file if needed. Nil when `create` is false and the file is missing.
    /// `O_NOFOLLOW` keeps a planted symlink from redirecting writes outside the download directory.
    private func descriptor(_ index: Int, create: Bool) throws -> Int32? {
        try descriptors.withLockedValue { fds -> Int32? in
            if let fd = fds[index] { return fd }
            let flags = O_RDWR | O_NOFOLLOW | O_CLOEXEC | (create ? O_CREAT : 0)
            let fd = open(paths[index], flags, 0o644)
            if fd < 0 {
                if !create && errno == ENOENT { return nil }
                throw StorageError(path: paths[index], operation: "open", errno: errno)
            }
            fds[index] = fd
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
