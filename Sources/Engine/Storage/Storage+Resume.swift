import Foundation
import NIOPosix
import TorrentModel

/// A file's size and modification time (nanoseconds since 1970) as saved with a torrent's resume state.
public struct FileStamp: Sendable, Hashable, Codable {
    public var size: Int64
    public var modified: Int64

    public init(size: Int64, modified: Int64) {
        self.size = size
        self.modified = modified
    }
}

/// What a torrent knew of its data when it was last saved: the pieces verified then, and each file's
/// stamp taken after those pieces were flushed to disk.
public struct ResumeData: Sendable, Equatable {
    public var verified: Bitfield
    /// One per file of the torrent; nil for a file that did not exist.
    public var files: [FileStamp?]

    public init(verified: Bitfield, files: [FileStamp?]) {
        self.verified = verified
        self.files = files
    }
}

extension Storage {
    /// Flushes the files to disk and returns their stamps. Call it after capturing the verified pieces:
    /// every piece verified by then was written before, so it is on disk once this returns, and a file
    /// written to later has a newer stamp (and is checked again at the next start).
    public func syncAndStamp() async throws -> [FileStamp?] {
        let files = self.files
        return try await pool.runIfActive {
            try files.syncAll()
            return files.stamps()
        }
    }

    /// The verified pieces after a restart: the saved ones, taken as they are for files whose size and
    /// modification time did not change; every piece that touches a changed (or vanished, or new) file
    /// is hashed again. Saved state that does not fit this torrent means a full check.
    public func resume(from saved: ResumeData, progress: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> Bitfield {
        let metainfo = self.metainfo
        guard saved.verified.count == metainfo.pieceCount, saved.files.count == metainfo.files.count else {
            return try await check(progress: progress)
        }
        let files = self.files
        let verified = saved.verified
        // One trip to the pool when nothing changed: stamps compared and files named together.
        let (suspect, have) = try await pool.runIfActive { () throws -> (Set<Int>, Bitfield) in
            files.closeAll()
            files.findExistingNames()
            let current = files.stamps()
            var suspect = Set<Int>()
            for index in metainfo.files.indices
            where !metainfo.files[index].isPadding && current[index] != saved.files[index] {
                if let pieces = metainfo.pieces(ofFile: index) { suspect.formUnion(pieces) }
            }
            var have = verified
            for piece in suspect { have[piece] = false }
            if suspect.isEmpty {
                for index in metainfo.files.indices where !metainfo.files[index].isPadding {
                    try files.setComplete(index, Self.isComplete(file: index, metainfo, have))
                }
            }
            return (suspect, have)
        }
        progress(metainfo.pieceCount - suspect.count)
        guard !suspect.isEmpty else { return have }
        var result = have
        let found = try await hash(pieces: suspect.sorted(), progress: progress)
        for piece in suspect where found[piece] { result[piece] = true }
        try await nameFiles(have: result)
        return result
    }
}
