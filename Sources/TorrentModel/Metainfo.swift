import Bencode

/// A file inside a torrent, with its place in the torrent's byte stream.
public struct TorrentFile: Hashable, Sendable {
    /// Sanitized path components, relative to the torrent's folder (or the download directory for a
    /// single-file torrent, where this is just the name).
    public let path: [String]
    public let length: Int64
    /// Offset of the file's first byte in the concatenation of all files.
    public let offset: Int64
    /// BEP 47 padding file: its bytes are zeros and it is never written to disk.
    public let isPadding: Bool

    public var displayPath: String { path.joined(separator: "/") }
}

/// A parsed and validated v1 `.torrent` file.
public struct Metainfo: Sendable, Hashable {
    public let infoHash: InfoHash
    /// The exact bytes of the info dictionary (served to peers for BEP 9 metadata exchange).
    public let infoBytes: [UInt8]
    /// Sanitized name: the file name (single file) or the folder name (multi-file).
    public let name: String
    public let pieceLength: Int
    /// The 20-byte SHA-1 of every piece, back to back. Kept as a view into `infoBytes` when they are
    /// there as they are (almost always): a session with thousands of torrents holds each only once.
    private let pieceHashSlice: ArraySlice<UInt8>
    public var pieceHashes: [UInt8] { Array(pieceHashSlice) }
    public let files: [TorrentFile]
    public let isMultiFile: Bool
    public let isPrivate: Bool
    /// Announce URLs grouped in tiers (BEP 12); `announce` alone forms one tier.
    public let trackerTiers: [[String]]
    public let comment: String?
    public let createdBy: String?
    public let creationDate: Int64?

    public var totalLength: Int64 { files.reduce(0) { $0 + $1.length } }
    public var geometry: PieceGeometry { PieceGeometry(pieceLength: pieceLength, totalLength: totalLength) }
    public var pieceCount: Int { pieceHashSlice.count / 20 }

    public func hash(ofPiece piece: Int) -> ArraySlice<UInt8> {
        let start = pieceHashSlice.startIndex + piece * 20
        return pieceHashSlice[start..<start + 20]
    }

    /// The piece hashes inside `infoBytes`, given the span of the `pieces` value (`<n>:<n bytes>`) there;
    /// the bytes themselves when the span does not hold them.
    private static func slice(of pieces: [UInt8], in info: [UInt8], span: Range<Int>?) -> ArraySlice<UInt8> {
        guard let span, span.lowerBound >= info.startIndex, span.upperBound <= info.endIndex,
            span.count > pieces.count
        else { return pieces[...] }
        let range = span.upperBound - pieces.count..<span.upperBound
        return info[range]
    }

    /// Largest piece accepted; bigger ones only waste memory and are not made by real tools.
    public static let maxPieceLength: Int64 = 256 << 20
    /// Largest total accepted (1 PiB).
    public static let maxTotalLength: Int64 = 1 << 50

    public init(bytes: some Collection<UInt8>) throws(MetainfoError) {
        let decoded: (value: BencodeValue, spans: [String: Range<Int>], innerSpans: [String: Range<Int>])
        do {
            decoded = try BencodeDecoder().decodeWithSpans(bytes, inside: "info")
        } catch {
            throw .bencode(error)
        }
        guard case .dictionary = decoded.value else { throw .notADictionary }
        guard let infoSpan = decoded.spans["info"], let info = decoded.value["info"] else { throw .missingInfo }
        guard case .dictionary = info else { throw .wrongType("info") }
        let raw = Array(bytes)
        let piecesSpan = decoded.innerSpans["pieces"].map { $0.lowerBound - infoSpan.lowerBound..<$0.upperBound - infoSpan.lowerBound }
        try self.init(infoBytes: Array(raw[infoSpan]), info: info, root: decoded.value, piecesSpan: piecesSpan)
    }

    /// Builds from an info dictionary alone (what a magnet link fetches), with optional trackers.
    public init(infoBytes: [UInt8], trackerTiers: [[String]] = []) throws(MetainfoError) {
        let decoded: (value: BencodeValue, spans: [String: Range<Int>])
        do { decoded = try BencodeDecoder().decodeWithSpans(infoBytes) } catch { throw .bencode(error) }
        guard case .dictionary = decoded.value else { throw .wrongType("info") }
        try self.init(infoBytes: infoBytes, info: decoded.value, root: .dict(["announce-list": .list(
            trackerTiers.map { .list($0.map { .string($0) }) })]), piecesSpan: decoded.spans["pieces"])
    }

    /// `piecesSpan`: where the `pieces` value is in `infoBytes`.
    private init(infoBytes: [UInt8], info: BencodeValue, root: BencodeValue, piecesSpan: Range<Int>?) throws(MetainfoError) {
        self.infoBytes = infoBytes
        self.infoHash = InfoHash(hashing: infoBytes)

        guard let pieceLengthValue = info["piece length"] else { throw .missingField("piece length") }
        guard let pieceLength = pieceLengthValue.integer else { throw .wrongType("piece length") }
        guard pieceLength > 0 && pieceLength <= Self.maxPieceLength else { throw .badPieceLength(pieceLength) }
        self.pieceLength = Int(pieceLength)

        guard let piecesValue = info["pieces"] else { throw .missingField("pieces") }
        guard let pieces = piecesValue.bytes else { throw .wrongType("pieces") }
        guard pieces.count % 20 == 0 else { throw .piecesNotMultipleOf20(pieces.count) }
        self.pieceHashSlice = Self.slice(of: pieces, in: infoBytes, span: piecesSpan)

        let rawName = try Self.text(info, "name")
        guard let rawName, !rawName.isEmpty else { throw rawName == nil ? .missingField("name") : .badName }
        if rawName == ".." { throw .parentDirectoryComponent(rawName) }
        if rawName.hasPrefix("/") { throw .absolutePath(rawName) }
        self.name = PathSanitizer.sanitize(component: rawName)

        var files: [TorrentFile] = []
        var offset: Int64 = 0
        if let fileList = info["files"] {
            guard let list = fileList.list else { throw .wrongType("files") }
            isMultiFile = true
            var seen = Set<String>()
            var directories = Set<String>()
            for entry in list {
                guard case .dictionary = entry else { throw .wrongType("files") }
                let components = try Self.pathComponents(entry)
                let shown = components.joined(separator: "/")
                let length = try Self.length(entry, path: shown)
                let attr = entry["attr"]?.text ?? ""
                let sanitized = components.map(PathSanitizer.sanitize(component:))
                let key = sanitized.joined(separator: "/")
                let isPadding = attr.contains("p")
                // A path that repeats, or that is both a file and a folder, cannot be laid out on disk.
                // Padding files are never written, and libtorrent names them `.pad/<size>`, so they repeat.
                if !isPadding {
                    if seen.contains(key) || directories.contains(key) { throw .duplicatePath(shown) }
                    for depth in 1..<max(sanitized.count, 1) {
                        let dir = sanitized[0..<depth].joined(separator: "/")
                        if seen.contains(dir) { throw .duplicatePath(shown) }
                        directories.insert(dir)
                    }
                    seen.insert(key)
                }
                files.append(TorrentFile(path: sanitized, length: length, offset: offset, isPadding: isPadding))
                offset += length
                if offset > Self.maxTotalLength { throw .totalTooLarge(offset) }
            }
        } else {
            isMultiFile = false
            guard info["length"] != nil else { throw .missingField("length") }
            let length = try Self.length(info, path: name)
            files.append(TorrentFile(path: [name], length: length, offset: 0, isPadding: false))
            offset = length
        }
        if offset == 0 { throw .emptyTorrent }
        self.files = files
        let expected = Int((offset + pieceLength - 1) / pieceLength)
        if expected != pieces.count / 20 { throw .pieceCountMismatch(expected: expected, actual: pieces.count / 20) }

        self.isPrivate = info["private"]?.integer == 1

        var tiers: [[String]] = []
        if let announceList = root["announce-list"]?.list {
            for tier in announceList {
                let urls = (tier.list ?? []).compactMap(\.text).filter { !$0.isEmpty }
                if !urls.isEmpty { tiers.append(urls) }
            }
        }
        if tiers.isEmpty, let announce = root["announce"]?.text, !announce.isEmpty { tiers = [[announce]] }
        self.trackerTiers = tiers
        self.comment = root["comment.utf-8"]?.text ?? root["comment"]?.text
        self.createdBy = root["created by"]?.text
        self.creationDate = root["creation date"]?.integer
    }

    /// `key.utf-8` is preferred over `key`, as most clients do.
    private static func text(_ dict: BencodeValue, _ key: String) throws(MetainfoError) -> String? {
        for candidate in [key + ".utf-8", key] {
            guard let value = dict[candidate] else { continue }
            guard let bytes = value.bytes else { throw .wrongType(candidate) }
            return String(decoding: bytes, as: UTF8.self)
        }
        return nil
    }

    private static func length(_ dict: BencodeValue, path: String) throws(MetainfoError) -> Int64 {
        guard let value = dict["length"] else { throw .missingField("length") }
        guard let length = value.integer else { throw .wrongType("length") }
        guard length >= 0 else { throw .badFileLength(path: path, length: length) }
        guard length <= maxTotalLength else { throw .totalTooLarge(length) }
        return length
    }

    private static func pathComponents(_ entry: BencodeValue) throws(MetainfoError) -> [String] {
        let value = entry["path.utf-8"] ?? entry["path"]
        guard let value else { throw .missingField("path") }
        guard let list = value.list else { throw .wrongType("path") }
        var components: [String] = []
        for item in list {
            guard let bytes = item.bytes else { throw .wrongType("path") }
            components.append(String(decoding: bytes, as: UTF8.self))
        }
        let shown = components.joined(separator: "/")
        if components.isEmpty { throw .emptyPathComponent(shown) }
        for (i, component) in components.enumerated() {
            if component.isEmpty { throw .emptyPathComponent(shown) }
            if component == ".." || component.split(separator: "/").contains("..")
                || component.split(separator: "\\").contains("..") {
                throw .parentDirectoryComponent(shown)
            }
            if i == 0 && (component.hasPrefix("/") || component.hasPrefix("\\")) { throw .absolutePath(shown) }
        }
        return components
    }
}

extension Metainfo {
    /// A `.torrent` file for this metainfo: the info dictionary exactly as it came (so the info-hash
    /// stays the same), with the trackers. How a magnet link's fetched metadata is saved.
    public var torrentFileBytes: [UInt8] {
        var out = Array("d".utf8)
        if let first = trackerTiers.first?.first {
            out += BencodeEncoder.encode(.string("announce")) + BencodeEncoder.encode(.string(first))
            out += BencodeEncoder.encode(.string("announce-list"))
            out += BencodeEncoder.encode(.list(trackerTiers.map { .list($0.map { .string($0) }) }))
        }
        out += BencodeEncoder.encode(.string("info")) + infoBytes
        return out + Array("e".utf8)
    }
}
