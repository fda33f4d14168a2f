import Bencode
import Foundation
import NIOPosix
import TorrentModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Builds v1 `.torrent` files from a file or a folder on disk.
///
/// Folders are walked recursively; files are sorted by path (compared as UTF-8 bytes per component) so the
/// same folder always gives the same torrent. Hidden files are included. Files that cannot be read, and
/// things that are not regular files (sockets, FIFOs, devices), are skipped. Symbolic links are followed
/// only when they lead to a regular file inside the folder; links to folders are skipped (no cycles).
public enum TorrentCreator {
    public static let defaultCreatedBy = "Swarm 0.1.0"
    public static let minPieceLength = 16 * 1024
    /// Largest piece size chosen automatically; larger sizes may still be asked for explicitly.
    public static let maxAutoPieceLength = 16 << 20

    public struct Options: Sendable {
        /// Announce URLs. Each becomes a tier of its own (as qBittorrent does); the first is also `announce`.
        public var trackers: [String]
        /// Nil: chosen from the total size with `autoPieceLength(forTotal:)`.
        public var pieceLength: Int?
        public var isPrivate: Bool
        public var comment: String?
        public var createdBy: String?
        /// Seconds since 1970. Nil leaves `creation date` out, which makes the output reproducible.
        public var creationDate: Int64?
        /// Called on the hashing thread each time the whole percentage of bytes hashed goes up (0...100).
        public var progress: (@Sendable (Int) -> Void)?

        public init(
            trackers: [String] = [], pieceLength: Int? = nil, isPrivate: Bool = false, comment: String? = nil,
            createdBy: String? = TorrentCreator.defaultCreatedBy,
            creationDate: Int64? = Int64(Date().timeIntervalSince1970)
        ) {
            self.trackers = trackers
            self.pieceLength = pieceLength
            self.isPrivate = isPrivate
            self.comment = comment
            self.createdBy = createdBy
            self.creationDate = creationDate
        }
    }

    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        case notFound(String)
        case unreadable(path: String, reason: String)
        case notAFileOrFolder(String)
        case noData(String)
        case badPieceLength(Int)
        case badTrackerURL(String)
        case changedWhileReading(String)
        case tooLarge(Int64)
        /// What was built does not pass `Metainfo(bytes:)`, e.g. a file name containing `..\`.
        case invalidResult(MetainfoError)

        public var description: String {
            switch self {
            case .notFound(let p): "'\(p)' does not exist"
            case .unreadable(let p, let why): "cannot read '\(p)': \(why)"
            case .notAFileOrFolder(let p): "'\(p)' is not a regular file or a folder"
            case .noData(let p): "'\(p)' holds no data to share"
            case .badPieceLength(let n):
                "bad piece size \(n): it must be a power of two from 16 KiB to \(Metainfo.maxPieceLength >> 20) MiB"
            case .badTrackerURL(let u): "bad tracker URL '\(u)': expected http, https or udp"
            case .changedWhileReading(let p): "'\(p)' changed while it was being read"
            case .tooLarge(let n): "\(n) bytes is more than a torrent can hold"
            case .invalidResult(let e): "cannot make a valid torrent: \(e)"
            }
        }
    }

    /// Reads and hashes `path` (a file or a folder) and returns the bencoded `.torrent`.
    ///
    /// The blocking reads and the hashing run on `threadPool`, never on Swift's cooperative pool.
    /// Cancelling the task stops the work at the next piece and throws `CancellationError`.
    public static func create(
        from path: String, options: Options = Options(), threadPool: NIOThreadPool = .singleton
    ) async throws -> [UInt8] {
        let cancelled = CancelFlag()
        return try await withTaskCancellationHandler {
            try await threadPool.runIfActive {
                try build(path: path, options: options, cancelled: cancelled)
            }
        } onCancel: {
            cancelled.set()
        }
    }

    /// A power of two from 16 KiB to 16 MiB giving at most about 2000 pieces (so usually 1000–2000).
    public static func autoPieceLength(forTotal total: Int64) -> Int {
        var length = minPieceLength
        while length < maxAutoPieceLength && total > Int64(length) * 2000 { length *= 2 }
        return length
    }

    /// True for a power of two from 16 KiB up to `Metainfo.maxPieceLength`.
    public static func isValidPieceLength(_ length: Int) -> Bool {
        length >= minPieceLength && Int64(length) <= Metainfo.maxPieceLength && length & (length - 1) == 0
    }

    /// Parses a size such as `16384`, `256K`, `256KiB`, `1M`, `4m` or `1MB` (K and M are powers of 1024).
    /// Nil when the text is not a size; says nothing about whether it is a valid piece size.
    public static func parseSize(_ text: String) -> Int? {
        let lower = text.trimmingCharacters(in: .whitespaces).lowercased()
        let digits = lower.prefix(while: \.isASCIIDigitCharacter)
        guard !digits.isEmpty, let number = Int(digits) else { return nil }
        let multiplier: Int
        switch lower.dropFirst(digits.count) {
        case "", "b": multiplier = 1
        case "k", "kb", "kib": multiplier = 1 << 10
        case "m", "mb", "mib": multiplier = 1 << 20
        case "g", "gb", "gib": multiplier = 1 << 30
        default: return nil
        }
        let (value, overflow) = number.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : value
    }
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}

// MARK: - The blocking part, run on a thread-pool thread

extension TorrentCreator {
    struct Entry {
        var components: [String]
        var fullPath: String
        var length: Int64
    }

    static func build(path: String, options: Options, cancelled: CancelFlag) throws -> [UInt8] {
        for url in options.trackers where !isValidTrackerURL(url) { throw Error.badTrackerURL(url) }
        if let length = options.pieceLength, !isValidPieceLength(length) { throw Error.badPieceLength(length) }

        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { throw Error.notFound(path) }
            throw Error.unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let isFolder = info.st_mode & S_IFMT == S_IFDIR
        let entries: [Entry]
        if isFolder {
            entries = try scanFolder(path).sorted { lhs, rhs in
                lhs.components.lexicographicallyPrecedes(rhs.components) {
                    $0.utf8.lexicographicallyPrecedes($1.utf8)
                }
            }
        } else if info.st_mode & S_IFMT == S_IFREG {
            entries = [Entry(components: [], fullPath: path, length: Int64(info.st_size))]
        } else {
            throw Error.notAFileOrFolder(path)
        }
        let total = entries.reduce(Int64(0)) { $0 + $1.length }
        guard total > 0 else { throw Error.noData(path) }
        guard total <= Metainfo.maxTotalLength else { throw Error.tooLarge(total) }

        let pieceLength = options.pieceLength ?? autoPieceLength(forTotal: total)
        let pieces = try hashPieces(
            entries, pieceLength: pieceLength, cancelled: cancelled, progress: options.progress)

        var infoDict: [String: BencodeValue] = [
            "name": .string(torrentName(path)),
            "piece length": .integer(Int64(pieceLength)),
            "pieces": .bytes(pieces),
        ]
        if isFolder {
            infoDict["files"] = .list(entries.map {
                .dict(["length": .integer($0.length), "path": .list($0.components.map(BencodeValue.string))])
            })
        } else {
            infoDict["length"] = .integer(total)
        }
        if options.isPrivate { infoDict["private"] = .integer(1) }

        var root: [String: BencodeValue] = ["info": .dict(infoDict)]
        if let first = options.trackers.first { root["announce"] = .string(first) }
        if options.trackers.count > 1 {
            root["announce-list"] = .list(options.trackers.map { .list([.string($0)]) })
        }
        if let comment = options.comment, !comment.isEmpty { root["comment"] = .string(comment) }
        if let createdBy = options.createdBy { root["created by"] = .string(createdBy) }
        if let date = options.creationDate { root["creation date"] = .integer(date) }

        let bytes = BencodeEncoder.encode(.dict(root))
        do {
            _ = try Metainfo(bytes: bytes)
        } catch {
            throw Error.invalidResult(error)
        }
        return bytes
    }

    /// An http, https or udp URL with a host.
    public static func isValidTrackerURL(_ text: String) -> Bool {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            let host = url.host, !host.isEmpty
        else { return false }
        return ["http", "https", "udp"].contains(scheme)
    }

    /// The last component of the path as given; `.`, `..` and `/` fall back to the real folder's name.
    static func torrentName(_ path: String) -> String {
        let given = URL(fileURLWithPath: path).standardizedFileURL.lastPathComponent
        if !given.isEmpty && given != "." && given != ".." && given != "/" { return given }
        guard let real = realPath(path) else { return given }
        return URL(fileURLWithPath: real).lastPathComponent
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func scanFolder(_ root: String) throws -> [Entry] {
        guard let realRoot = realPath(root) else { throw Error.notFound(root) }
        var entries: [Entry] = []
        var pending: [(path: String, components: [String])] = [(root, [])]
        while let next = pending.popLast() {
            let (dir, components) = next
            // An unreadable folder below the root is skipped like an unreadable file.
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else {
                if components.isEmpty {
                    throw Error.unreadable(path: root, reason: String(cString: strerror(EACCES)))
                }
                continue
            }
            for name in names {
                let full = dir + "/" + name
                var st = stat()
                guard lstat(full, &st) == 0 else { continue }
                switch st.st_mode & S_IFMT {
                case S_IFDIR:
                    pending.append((full, components + [name]))
                case S_IFREG:
                    if access(full, R_OK) == 0 {
                        entries.append(Entry(components: components + [name], fullPath: full, length: Int64(st.st_size)))
                    }
                case S_IFLNK:
                    var target = stat()
                    guard let real = realPath(full), real.hasPrefix(realRoot + "/"),
                        stat(real, &target) == 0, target.st_mode & S_IFMT == S_IFREG, access(real, R_OK) == 0
                    else { continue }
                    entries.append(Entry(components: components + [name], fullPath: real, length: Int64(target.st_size)))
                default:
                    continue
                }
            }
        }
        return entries
    }

    /// Reads the files back to back and returns the concatenated SHA-1 of each piece.
    static func hashPieces(
        _ entries: [Entry], pieceLength: Int, cancelled: CancelFlag, progress: (@Sendable (Int) -> Void)?
    ) throws -> [UInt8] {
        let total = entries.reduce(Int64(0)) { $0 + $1.length }
        var hashes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: pieceLength)
        var filled = 0
        var hashed: Int64 = 0
        var percent = -1
        func flush() {
            hashes += buffer.withUnsafeBytes { PieceHash.sha1(UnsafeRawBufferPointer(rebasing: $0[0..<filled])) }
            hashed += Int64(filled)
            filled = 0
            let now = Int(hashed * 100 / total)
            if now != percent, let progress {
                percent = now
                progress(now)
            }
        }
        for entry in entries where entry.length > 0 {
            let fd = open(entry.fullPath, O_RDONLY)
            guard fd >= 0 else {
                throw Error.unreadable(path: entry.fullPath, reason: String(cString: strerror(errno)))
            }
            defer { close(fd) }
            var remaining = entry.length
            while remaining > 0 {
                if cancelled.isSet { throw CancellationError() }
                let want = Int(min(Int64(pieceLength - filled), remaining))
                let got = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, want) }
                if got < 0 {
                    if errno == EINTR { continue }
                    throw Error.unreadable(path: entry.fullPath, reason: String(cString: strerror(errno)))
                }
                if got == 0 { throw Error.changedWhileReading(entry.fullPath) }
                filled += got
                remaining -= Int64(got)
                if filled == pieceLength { flush() }
            }
        }
        if filled > 0 { flush() }
        return hashes
    }
}

/// Set from the task's cancellation handler, polled by the hashing loop on the pool thread.
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false

    var isSet: Bool { lock.withLock { value } }
    func set() { lock.withLock { value = true } }
}
