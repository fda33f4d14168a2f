import TorrentModel

/// Turns file priorities into piece priorities for the ``PiecePicker``.
///
/// A piece gets the highest priority of the files it overlaps (a piece shared by a skipped file and a
/// wanted one is downloaded). Padding files (BEP 47) do not count. With `firstAndLastFirst`, the first and
/// last piece of every wanted file rank above everything else, so that players can read a file's header
/// and index early.
public enum PiecePriorities {
    public static func compute(metainfo layout: Metainfo, filePriorities: [Int], firstAndLastFirst: Bool) -> [Int] {
        var result = [Int](repeating: 0, count: layout.pieceCount)
        for (index, file) in layout.files.enumerated() where !file.isPadding {
            let priority = index < filePriorities.count ? filePriorities[index] : 1
            guard priority > 0, let pieces = layout.pieces(ofFile: index) else { continue }
            for piece in pieces where result[piece] < priority { result[piece] = priority }
        }
        if firstAndLastFirst {
            let top = (result.max() ?? 0) + 1
            for (index, file) in layout.files.enumerated() where !file.isPadding {
                let priority = index < filePriorities.count ? filePriorities[index] : 1
                guard priority > 0, let pieces = layout.pieces(ofFile: index) else { continue }
                result[pieces.lowerBound] = top
                result[pieces.upperBound] = top
            }
        }
        return result
    }
}
