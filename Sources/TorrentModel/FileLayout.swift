/// A run of bytes of one file that belongs to a piece.
public struct FileSlice: Hashable, Sendable {
    public let fileIndex: Int
    public let fileOffset: Int64
    public let length: Int
    /// Where this slice starts inside the piece.
    public let pieceOffset: Int

    public init(fileIndex: Int, fileOffset: Int64, length: Int, pieceOffset: Int) {
        self.fileIndex = fileIndex
        self.fileOffset = fileOffset
        self.length = length
        self.pieceOffset = pieceOffset
    }
}

extension Metainfo {
    /// The file slices that make up `length` bytes at `offset` of a piece, in order.
    /// Pieces cross file boundaries; zero-length files are skipped.
    public func slices(piece: Int, offset: Int = 0, length: Int? = nil) -> [FileSlice] {
        let length = length ?? geometry.length(ofPiece: piece) - offset
        var start = geometry.offset(ofPiece: piece) + Int64(offset)
        let end = start + Int64(length)
        var result: [FileSlice] = []
        // Binary search for the first file that ends after `start`.
        var lo = 0
        var hi = files.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if files[mid].offset + files[mid].length <= start { lo = mid + 1 } else { hi = mid }
        }
        var index = lo
        while start < end && index < files.count {
            let file = files[index]
            let fileEnd = file.offset + file.length
            if file.length > 0 && fileEnd > start {
                let take = min(end, fileEnd) - start
                result.append(FileSlice(
                    fileIndex: index, fileOffset: start - file.offset, length: Int(take),
                    pieceOffset: Int(start - geometry.offset(ofPiece: piece))))
                start += take
            }
            index += 1
        }
        return result
    }

    /// The pieces that hold bytes of the given file.
    public func pieces(ofFile index: Int) -> ClosedRange<Int>? {
        let file = files[index]
        guard file.length > 0 else { return nil }
        let first = Int(file.offset / Int64(pieceLength))
        let last = Int((file.offset + file.length - 1) / Int64(pieceLength))
        return first...last
    }

    /// Path of a file relative to the download directory.
    public func relativePath(ofFile index: Int) -> [String] {
        isMultiFile ? [name] + files[index].path : files[index].path
    }
}
