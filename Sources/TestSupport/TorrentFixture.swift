import Bencode
import Foundation
import TorrentModel

/// A torrent made for a test: payload files on disk, the `.torrent` bytes and file, and the parsed
/// `Metainfo`, all in a fresh temporary folder that `remove()` deletes.
///
/// Layout of `root`:
///   seed/<name>        the payload (a file, or a folder for multi-file torrents)
///   download/          an empty folder for a downloading client
///   <name>.torrent
///
/// The metainfo is built here directly (not with `TorrentCreator`) so that tests can compare the two.
public struct TorrentFixture: Sendable {
    /// One file of a multi-file torrent: a `/`-separated path and a length.
    public struct File: Sendable, Hashable {
        public var path: [String]
        public var length: Int

        public init(_ path: String, length: Int) {
            self.path = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            self.length = length
        }
    }

    public let root: URL
    public let seedDirectory: URL
    public let downloadDirectory: URL
    /// `seedDirectory/<name>`.
    public let payloadURL: URL
    public let torrentURL: URL
    public let torrentBytes: [UInt8]
    public let metainfo: Metainfo
    /// The torrent's whole byte stream: every file's content, back to back.
    public let payload: [UInt8]

    /// The content of the `index`th file.
    public func contents(ofFile index: Int) -> ArraySlice<UInt8> {
        let file = metainfo.files[index]
        return payload[Int(file.offset)..<Int(file.offset + file.length)]
    }

    /// The bytes of a piece.
    public func piece(_ index: Int) -> ArraySlice<UInt8> {
        let start = Int(metainfo.geometry.offset(ofPiece: index))
        return payload[start..<start + metainfo.geometry.length(ofPiece: index)]
    }

    /// Deletes `root` and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: root)
    }

    /// A single-file torrent of `length` pseudo-random bytes.
    public static func singleFile(
        name: String = "payload.bin", length: Int, pieceLength: Int = 16 * 1024,
        trackers: [String] = [], isPrivate: Bool = false, seed: UInt64 = 1
    ) throws -> TorrentFixture {
        try make(name: name, files: nil, totalLength: length, pieceLength: pieceLength,
                 trackers: trackers, isPrivate: isPrivate, seed: seed)
    }

    /// A multi-file torrent; zero-length files are allowed.
    public static func multiFile(
        name: String = "payload", files: [File], pieceLength: Int = 16 * 1024,
        trackers: [String] = [], isPrivate: Bool = false, seed: UInt64 = 1
    ) throws -> TorrentFixture {
        try make(name: name, files: files, totalLength: files.reduce(0) { $0 + $1.length },
                 pieceLength: pieceLength, trackers: trackers, isPrivate: isPrivate, seed: seed)
    }

    /// Bencoded `.torrent` bytes for the given payload, without touching the disk. `files` nil means
    /// single-file. Tracker URLs each get their own tier; the first is also `announce`.
    public static func torrentBytes(
        name: String, files: [File]?, payload: [UInt8], pieceLength: Int,
        trackers: [String] = [], isPrivate: Bool = false
    ) -> [UInt8] {
        var pieces: [UInt8] = []
        var start = 0
        while start < payload.count {
            let end = min(start + pieceLength, payload.count)
            pieces += PieceHash.sha1(Array(payload[start..<end]))
            start = end
        }
        var info: [String: BencodeValue] = [
            "name": .string(name), "piece length": .integer(Int64(pieceLength)), "pieces": .bytes(pieces),
        ]
        if let files {
            info["files"] = .list(files.map {
                .dict(["length": .integer(Int64($0.length)), "path": .list($0.path.map(BencodeValue.string))])
            })
        } else {
            info["length"] = .integer(Int64(payload.count))
        }
        if isPrivate { info["private"] = .integer(1) }
        var root: [String: BencodeValue] = ["info": .dict(info)]
        if let first = trackers.first { root["announce"] = .string(first) }
        if trackers.count > 1 { root["announce-list"] = .list(trackers.map { .list([.string($0)]) }) }
        return BencodeEncoder.encode(.dict(root))
    }

    private static func make(
        name: String, files: [File]?, totalLength: Int, pieceLength: Int,
        trackers: [String], isPrivate: Bool, seed: UInt64
    ) throws -> TorrentFixture {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("swarm-fixture-\(UUID().uuidString)")
        let seedDirectory = root.appendingPathComponent("seed")
        let downloadDirectory = root.appendingPathComponent("download")
        try fm.createDirectory(at: seedDirectory, withIntermediateDirectories: true)
        try fm.createDirectory(at: downloadDirectory, withIntermediateDirectories: true)

        let payload = TestData.bytes(count: totalLength, seed: seed)
        let payloadURL = seedDirectory.appendingPathComponent(name)
        if let files {
            var offset = 0
            for file in files {
                let url = file.path.reduce(payloadURL) { $0.appendingPathComponent($1) }
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(payload[offset..<offset + file.length]).write(to: url)
                offset += file.length
            }
        } else {
            try Data(payload).write(to: payloadURL)
        }

        let bytes = torrentBytes(name: name, files: files, payload: payload, pieceLength: pieceLength,
                                 trackers: trackers, isPrivate: isPrivate)
        let torrentURL = root.appendingPathComponent(name + ".torrent")
        try Data(bytes).write(to: torrentURL)
        return TorrentFixture(
            root: root, seedDirectory: seedDirectory, downloadDirectory: downloadDirectory,
            payloadURL: payloadURL, torrentURL: torrentURL, torrentBytes: bytes,
            metainfo: try Metainfo(bytes: bytes), payload: payload)
    }
}
