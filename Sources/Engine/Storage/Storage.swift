import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import TorrentModel

/// The files of one torrent on disk, mapped onto pieces.
///
/// Every call that touches the disk or hashes runs on a `NIOThreadPool`, never on Swift's cooperative
/// pool. Pieces are hashed before they are written: nothing unverified ever reaches the files, so a piece
/// found on disk later is either right or detected as wrong by the check.
public final class Storage: Sendable {
    public let metainfo: Metainfo
    private let location: NIOLockedValueBox<URL>
    /// Where the torrent's files are; changes only through `move(to:)`.
    public var directory: URL { location.withLockedValue { $0 } }
    let pool: NIOThreadPool
    let files: FileTable
    /// Pieces hashed by `check` and `resume` so far: a restart that trusts its saved state hashes none.
    let hashedCounter = Counter()
    public var piecesHashed: Int { hashedCounter.current }

    public init(metainfo: Metainfo, directory: URL, pool: NIOThreadPool) {
        self.metainfo = metainfo
        self.location = NIOLockedValueBox(directory)
        self.pool = pool
        self.files = FileTable(paths: Self.paths(of: metainfo, in: directory))
    }

    /// Joined as strings: the components are sanitized names (no `/`, never `.` or `..`), and building a
    /// URL per component cost more than the rest of a torrent's restore.
    static func paths(of metainfo: Metainfo, in directory: URL) -> [String] {
        var base = directory.path
        if !base.hasSuffix("/") { base += "/" }
        return metainfo.files.indices.map { index in base + metainfo.relativePath(ofFile: index).joined(separator: "/") }
    }

    /// Moves the torrent's files (complete or `.part`) into another download directory, across file
    /// systems if need be, and removes the folders they leave empty. Call it with no transfer running.
    public func move(to destination: URL) async throws {
        let metainfo = self.metainfo
        let files = self.files
        let source = directory
        let newPaths = Self.paths(of: metainfo, in: destination)
        try await pool.runIfActive {
            do {
                try FileManager.default.createDirectory(at: destination, withIntermediateDirectories: true)
            } catch {
                throw SessionError.directoryUnusable(destination.path, "cannot create it")
            }
            files.closeAll()
            let oldPaths = files.allCandidatePaths
            try files.relocate(to: newPaths)
            Self.removeEmptyFolders(above: oldPaths.flatMap { $0 }, upTo: source.standardizedFileURL.path)
        }
        location.withLockedValue { $0 = destination }
    }

    /// Removes the folders holding `paths` that are now empty, deepest first, up to but not including `root`.
    static func removeEmptyFolders(above paths: [String], upTo root: String) {
        var folders = Set<String>()
        for path in paths {
            var folder = (path as NSString).deletingLastPathComponent
            while folder.count > root.count && folder.hasPrefix(root) {
                folders.insert(folder)
                folder = (folder as NSString).deletingLastPathComponent
            }
        }
        // rmdir leaves a folder that still holds something.
        for folder in folders.sorted(by: { $0.count > $1.count }) { rmdir(folder) }
    }

    /// Creates the folders and the files (sparse, at full length) that do not exist yet; only those in
    /// `wanted` when given (skipped files are created only if a shared piece reaches them).
    public func prepare(files wanted: Set<Int>? = nil) async throws {
        let metainfo = self.metainfo
        let files = self.files
        try await pool.runIfActive {
            for (index, file) in metainfo.files.enumerated() where !file.isPadding && wanted?.contains(index) ?? true {
                try files.create(index, length: file.length)
            }
        }
    }

    /// Deletes the torrent's files (complete or `.part`) and the folders they leave empty, up to but not
    /// including the download directory. Files of other torrents are never touched.
    public func deleteFiles() async throws {
        let metainfo = self.metainfo
        let files = self.files
        let root = directory.standardizedFileURL.path
        try await pool.runIfActive {
            files.closeAll()
            var deleted: [String] = []
            for index in metainfo.files.indices where !metainfo.files[index].isPadding {
                for path in files.candidatePaths(index) {
                    if unlink(path) != 0 && errno != ENOENT {
                        throw StorageError(path: path, operation: "delete", errno: errno)
                    }
                    deleted.append(path)
                }
            }
            Self.removeEmptyFolders(above: deleted, upTo: root)
        }
    }

    /// Hashes a complete piece and, when it matches, writes it. Returns whether it matched.
    public func verifyAndWrite(piece: Int, data: [UInt8]) async throws -> Bool {
        let metainfo = self.metainfo
        let files = self.files
        return try await pool.runIfActive {
            let digest = data.withUnsafeBytes { PieceHash.sha1($0) }
            guard digest.elementsEqual(metainfo.hash(ofPiece: piece)) else { return false }
            try data.withUnsafeBytes { buffer in
                for slice in metainfo.slices(piece: piece) where !metainfo.files[slice.fileIndex].isPadding {
                    try files.write(
                        slice.fileIndex, at: slice.fileOffset,
                        UnsafeRawBufferPointer(rebasing: buffer[slice.pieceOffset..<slice.pieceOffset + slice.length]))
                }
            }
            return true
        }
    }

    /// Reads blocks of verified pieces, for uploading.
    public func read(blocks: [(piece: Int, begin: Int, length: Int)]) async throws -> [ByteBuffer] {
        let metainfo = self.metainfo
        let files = self.files
        return try await pool.runIfActive {
            try blocks.map { block in
                var buffer = ByteBufferAllocator().buffer(capacity: block.length)
                try buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: block.length) { raw in
                    try Self.read(metainfo, files, piece: block.piece, offset: block.begin, into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<block.length]))
                    return block.length
                }
                return buffer
            }
        }
    }

    /// Reads and hashes every piece whose files exist, and returns the pieces that match.
    /// `progress` is called with the number of pieces checked so far.
    public func check(progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Bitfield {
        let files = self.files
        // Descriptors left open from before may point at files deleted since: look at the disk afresh.
        try await pool.runIfActive {
            files.closeAll()
            files.findExistingNames()
        }
        let have = try await hash(pieces: Array(0..<metainfo.pieceCount), progress: progress)
        try await nameFiles(have: have)
        return have
    }

    /// Hashes the given pieces on the pool (two workers) and returns those that match.
    func hash(pieces: [Int], progress: @escaping @Sendable (Int) -> Void) async throws -> Bitfield {
        let metainfo = self.metainfo
        let files = self.files
        let hashed = hashedCounter
        let workers = max(1, min(2, System.coreCount))
        let stride = (pieces.count + workers - 1) / workers
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for worker in 0..<workers {
                let range = pieces[min(pieces.count, worker * stride)..<min(pieces.count, (worker + 1) * stride)]
                group.addTask {
                    try await self.pool.runIfActive {
                        var good: [Int] = []
                        var buffer = [UInt8](repeating: 0, count: metainfo.pieceLength)
                        for (n, piece) in range.enumerated() {
                            let length = metainfo.geometry.length(ofPiece: piece)
                            let ok = try buffer.withUnsafeMutableBytes { raw -> Bool in
                                let target = UnsafeMutableRawBufferPointer(rebasing: raw[0..<length])
                                guard try Self.readIfPresent(metainfo, files, piece: piece, into: target) else { return false }
                                return PieceHash.sha1(UnsafeRawBufferPointer(target)).elementsEqual(metainfo.hash(ofPiece: piece))
                            }
                            hashed.add(1)
                            if ok { good.append(piece) }
                            if n % 16 == 15 { progress(16) }
                        }
                        progress(range.count % 16)
                        return good
                    }
                }
            }
            var all: [Int] = []
            for try await part in group { all += part }
            return all
        }
        var found = Bitfield(count: metainfo.pieceCount)
        for piece in results { found[piece] = true }
        return found
    }

    /// Gives complete files their final names and the others the `.part` one.
    func nameFiles(have: Bitfield) async throws {
        let metainfo = self.metainfo
        let files = self.files
        try await pool.runIfActive {
            for index in metainfo.files.indices where !metainfo.files[index].isPadding {
                try files.setComplete(index, Self.isComplete(file: index, metainfo, have))
            }
        }
    }

    /// Gives a file whose pieces are all verified its final name.
    public func fileCompleted(_ index: Int) async throws {
        let files = self.files
        try await pool.runIfActive { try files.setComplete(index, true) }
    }

    /// Whether every piece of the file is in `have` (always, for an empty file).
    public static func isComplete(file index: Int, _ metainfo: Metainfo, _ have: Bitfield) -> Bool {
        guard let pieces = metainfo.pieces(ofFile: index) else { return true }
        return pieces.allSatisfy { have[$0] }
    }

    /// Bytes free for this torrent's data (for refusing downloads that cannot fit), or nil if unknown.
    public func freeSpace() async throws -> Int64? {
        let path = directory.path
        return try await pool.runIfActive {
            var info = statvfs()
            guard statvfs(path, &info) == 0 else { return nil }
            return Int64(info.f_bavail) * Int64(info.f_frsize)
        }
    }

    /// Creates the download directory if needed and checks that it is writable.
    public func checkDirectory() async throws {
        let path = directory.path
        try await pool.runIfActive { try Self.makeWritableDirectory(path) }
    }

    /// Creates a directory if needed and checks that we may write in it. Blocks: call it on a thread pool.
    static func makeWritableDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw SessionError.directoryUnusable(path, "cannot create it")
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw SessionError.directoryUnusable(path, String(cString: strerror(errno)))
        }
    }

    /// Fails when the download directory is gone or a file we write was deleted behind our back (an
    /// unlinked file takes writes that nobody will ever read: better stop with the reason than lose them).
    public func checkStillThere() async throws {
        let path = directory.path
        let files = self.files
        try await pool.runIfActive {
            var info = stat()
            guard stat(path, &info) == 0 else {
                throw StorageError(path: path, operation: "find the download directory", errno: errno)
            }
            if let deleted = files.firstDeletedOpenFile() {
                throw StorageError(path: deleted, operation: "write (the file was deleted)", errno: ENOENT)
            }
        }
    }

    /// Closes the files.
    public func close() {
        files.closeAll()
    }

    private static func read(
        _ metainfo: Metainfo, _ files: FileTable, piece: Int, offset: Int, into buffer: UnsafeMutableRawBufferPointer
    ) throws {
        for slice in metainfo.slices(piece: piece, offset: offset, length: buffer.count) {
            let target = UnsafeMutableRawBufferPointer(
                rebasing: buffer[(slice.pieceOffset - offset)..<(slice.pieceOffset - offset + slice.length)])
            if metainfo.files[slice.fileIndex].isPadding {
                target.initializeMemory(as: UInt8.self, repeating: 0)
            } else {
                try files.read(slice.fileIndex, at: slice.fileOffset, into: target)
            }
        }
    }

    /// Like `read`, but returns false instead of creating anything when a file is missing or short.
    static func readIfPresent(
        _ metainfo: Metainfo, _ files: FileTable, piece: Int, into buffer: UnsafeMutableRawBufferPointer
    ) throws -> Bool {
        for slice in metainfo.slices(piece: piece) {
            let target = UnsafeMutableRawBufferPointer(
                rebasing: buffer[slice.pieceOffset..<(slice.pieceOffset + slice.length)])
            if metainfo.files[slice.fileIndex].isPadding {
                target.initializeMemory(as: UInt8.self, repeating: 0)
                continue
            }
            guard try files.readExisting(slice.fileIndex, at: slice.fileOffset, into: target) else { return false }
        }
        return true
    }
}
