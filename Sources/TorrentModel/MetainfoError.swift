import Bencode

/// Why a `.torrent` file was rejected.
public enum MetainfoError: Error, Equatable, Sendable, CustomStringConvertible {
    case bencode(BencodeError)
    case notADictionary
    case missingInfo
    case missingField(String)
    case wrongType(String)
    case badPieceLength(Int64)
    case piecesNotMultipleOf20(Int)
    case pieceCountMismatch(expected: Int, actual: Int)
    case badFileLength(path: String, length: Int64)
    case totalTooLarge(Int64)
    case emptyTorrent
    case parentDirectoryComponent(String)
    case absolutePath(String)
    case emptyPathComponent(String)
    case duplicatePath(String)
    case badName

    public var description: String {
        switch self {
        case .bencode(let e): "not a valid torrent: \(e)"
        case .notADictionary: "not a valid torrent: the top level is not a dictionary"
        case .missingInfo: "not a valid torrent: no info dictionary"
        case .missingField(let f): "not a valid torrent: missing '\(f)'"
        case .wrongType(let f): "not a valid torrent: '\(f)' has the wrong type"
        case .badPieceLength(let n): "not a valid torrent: bad piece length \(n)"
        case .piecesNotMultipleOf20(let n): "not a valid torrent: 'pieces' is \(n) bytes, not a multiple of 20"
        case .pieceCountMismatch(let e, let a):
            "not a valid torrent: the files need \(e) pieces but 'pieces' lists \(a)"
        case .badFileLength(let p, let n): "not a valid torrent: file '\(p)' has bad length \(n)"
        case .totalTooLarge(let n): "not a valid torrent: total size \(n) bytes is absurd"
        case .emptyTorrent: "not a valid torrent: it holds no data"
        case .parentDirectoryComponent(let p): "unsafe torrent: path '\(p)' contains '..'"
        case .absolutePath(let p): "unsafe torrent: path '\(p)' is absolute"
        case .emptyPathComponent(let p): "not a valid torrent: path '\(p)' has an empty component"
        case .duplicatePath(let p): "not a valid torrent: file path '\(p)' appears twice"
        case .badName: "not a valid torrent: the name is empty or unusable"
        }
    }
}
