import Foundation

/// An exclusive `flock` on the runtime directory's lock file, held for the daemon's life, so that two
/// daemons never share a socket or a state directory. The kernel drops it when the process dies, so a
/// crash leaves no stale lock (only, perhaps, a stale socket, which the next holder removes).
public final class DaemonLock: Sendable {
    public let path: String
    private let descriptor: Int32

    public enum Failure: Error, CustomStringConvertible, Sendable {
        case alreadyRunning(pid: Int32?, path: String)
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case .alreadyRunning(let pid, let path):
                "a swarm daemon is already running\(pid.map { " (pid \($0))" } ?? "") with lock \(path); use it, or stop it with swarm shutdown"
            case .cannotOpen(let path, let reason): "cannot open lock file \(path): \(reason)"
            }
        }
    }

    /// Takes the lock and writes our pid into the file; throws `alreadyRunning` when another process
    /// holds it.
    public init(path: String) throws(Failure) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let holder = Self.readPID(fd)
            close(fd)
            throw .alreadyRunning(pid: holder, path: path)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        descriptor = fd
    }

    /// Whether some process holds the lock at `path` now (a daemon runs), without taking it.
    public static func isHeld(at path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_SH | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    private static func readPID(_ fd: Int32) -> Int32? {
        var bytes = [UInt8](repeating: 0, count: 32)
        let count = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return nil }
        return Int32(String(decoding: bytes[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    deinit {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
