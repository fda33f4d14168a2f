import Foundation

/// A blocking Unix-socket client for tests that must send what `ControlClient` never would (old
/// versions, garbage, huge lines). Runs off the cooperative pool.
struct RawSocket {
    let fd: Int32

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func connect(_ path: String) throws -> RawSocket {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in path.utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard status == 0 else {
            let code = errno
            Glibc.close(fd)
            throw Failure(description: "connect: \(String(cString: strerror(code)))")
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return RawSocket(fd: fd)
    }

    /// Writes everything; false when the peer closed first.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    func write(_ text: String) { write(Array(text.utf8)) }

    /// The next line, or nil at end of stream.
    func readLine() -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while recv(fd, &byte, 1, 0) == 1 {
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
        return line.isEmpty ? nil : String(decoding: line, as: UTF8.self)
    }

    func close() { Glibc.close(fd) }

    /// Runs blocking socket work on a thread of its own.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Listens at `path`, accepts one client, reads its first line and answers `reply` (a fake daemon).
    static func serveOnce(_ path: String, reply: String) throws -> Thread {
        try serve(path, replies: [reply])
    }

    /// A fake daemon for one client: reads a line, writes the next of `replies`, and so on; then reads
    /// until the client hangs up.
    static func serve(_ path: String, replies: [String]) throws -> Thread {
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in path.utf8.enumerated() where i < buffer.count - 1 { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(listener, 1) == 0 else { throw Failure(description: "cannot listen at \(path)") }
        let thread = Thread {
            let fd = accept(listener, nil, nil)
            Glibc.close(listener)
            guard fd >= 0 else { return }
            let client = RawSocket(fd: fd)
            for reply in replies {
                _ = client.readLine()
                client.write(reply + "\n")
            }
            while client.readLine() != nil {}
            client.close()
        }
        thread.start()
        return thread
    }
}
