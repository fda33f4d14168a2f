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
        guard fits(saved) else { return try await check(progress: progress) }
        // One trip to the pool when nothing changed: stamps compared and files named together.
        let (suspect, have) = try await pool.runIfActive { try self.compareStamps(with: saved) }
        progress(metainfo.pieceCount - suspect.count)
        guard !suspect.isEmpty else { return have }
        var result = have
        let found = try await hash(pieces: suspect.sorted(), progress: progress)
        for piece in suspect where found[piece] { result[piece] = true }
        try await nameFiles(have: result)
        return result
    }

    /// Whether saved state can be compared with this torrent's files (else everything is hashed).
    func fits(_ saved: ResumeData) -> Bool {
        saved.verified.count == metainfo.pieceCount && saved.files.count == metainfo.files.count
    }

    /// On a pool thread: the saved pieces less those of files whose stamp changed (`suspect`); when none
    /// changed, the files get their final or `.part` names.
    private func compareStamps(with saved: ResumeData) throws -> (suspect: Set<Int>, have: Bitfield) {
        let metainfo = self.metainfo
        files.closeAll()
        files.findExistingNames()
        let current = files.stamps()
        var suspect = Set<Int>()
        for index in metainfo.files.indices
        where !metainfo.files[index].isPadding && current[index] != saved.files[index] {
            if let pieces = metainfo.pieces(ofFile: index) { suspect.formUnion(pieces) }
        }
        var have = saved.verified
        for piece in suspect { have[piece] = false }
        if suspect.isEmpty {
            for index in metainfo.files.indices where !metainfo.files[index].isPadding {
                try files.setComplete(index, Self.isComplete(file: index, metainfo, have))
            }
        }
        return (suspect, have)
    }

    /// `resume(from:)` of many torrents at once, for a restart: the file stamps of all of them are compared
    /// in a few trips to the pool (one per torrent cost more than the work). Gives, per torrent, the
    /// verified pieces when none of its files changed, and nil when it needs `resume(from:)` itself
    /// (changed files to hash, saved state that does not fit, an error to report).
    public static func resumeUnchanged(_ torrents: [(Storage, ResumeData)], pool: NIOThreadPool) async -> [Bitfield?] {
        guard !torrents.isEmpty else { return [] }
        let batch = 256
        return await withTaskGroup(of: (Int, [Bitfield?]).self) { group in
            for start in stride(from: 0, to: torrents.count, by: batch) {
                let slice = torrents[start..<min(torrents.count, start + batch)]
                group.addTask {
                    let found = try? await pool.runIfActive {
                        slice.map { storage, saved -> Bitfield? in
                            guard storage.fits(saved), let (suspect, have) = try? storage.compareStamps(with: saved),
                                suspect.isEmpty
                            else { return nil }
                            return have
                        }
                    }
                    return (start, found ?? Array(repeating: nil, count: slice.count))
                }
            }
            var result = [Bitfield?](repeating: nil, count: torrents.count)
            for await (start, found) in group {
                result.replaceSubrange(start..<start + found.count, with: found)
            }
            return result
        }
    }
}
