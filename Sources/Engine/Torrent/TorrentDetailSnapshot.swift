import TorrentModel

/// The per-piece and per-file state of one torrent, for the selected torrent in the UI (too big to send for
/// every torrent on every refresh).
public struct TorrentDetailSnapshot: Sendable, Equatable, Codable {
    public enum PieceState: UInt8, Sendable, Codable {
        case missing, downloading, have
    }

    public struct File: Sendable, Equatable, Codable {
        /// Index in the torrent's file list (padding files are left out of this list).
        public var index: Int
        public var priority: FilePriority
        public var path: String
        public var size: Int64
        public var bytesDone: Int64

        public init(index: Int, priority: FilePriority, path: String, size: Int64, bytesDone: Int64) {
            self.index = index
            self.priority = priority
            self.path = path
            self.size = size
            self.bytesDone = bytesDone
        }
    }

    public var pieceLength: Int
    public var pieces: [PieceState]
    /// How many connected peers have each piece.
    public var availability: [UInt16]
    public var distributedCopies: Double
    public var files: [File]
}

extension Torrent {
    public func detail() -> TorrentDetailSnapshot {
        let have = picker.have
        var pieces = [TorrentDetailSnapshot.PieceState](repeating: .missing, count: metainfo.pieceCount)
        var availability = [UInt16](repeating: 0, count: metainfo.pieceCount)
        for piece in 0..<metainfo.pieceCount {
            if have[piece] { pieces[piece] = .have }
            availability[piece] = UInt16(clamping: picker.availability(ofPiece: piece))
        }
        for piece in picker.piecesInProgress where pieces[piece] == .missing { pieces[piece] = .downloading }
        let files = metainfo.files.indices.filter { !metainfo.files[$0].isPadding }.map { index in
            var done: Int64 = 0
            if let range = metainfo.pieces(ofFile: index) {
                for piece in range where have[piece] {
                    done += metainfo.slices(piece: piece).filter { $0.fileIndex == index }.reduce(0) { $0 + Int64($1.length) }
                }
            }
            let file = metainfo.files[index]
            return TorrentDetailSnapshot.File(
                index: index, priority: settings.priority(ofFile: index), path: file.displayPath, size: file.length,
                bytesDone: done)
        }
        return TorrentDetailSnapshot(
            pieceLength: metainfo.pieceLength, pieces: pieces, availability: availability,
            distributedCopies: picker.distributedCopies, files: files)
    }
}
