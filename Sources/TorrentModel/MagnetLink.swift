/// A BitTorrent magnet link (BEP 9): the info-hash, and hints for finding the torrent's metadata.
///
/// `magnet:?xt=urn:btih:<40 hex or 32 base32>&dn=<name>&tr=<tracker>&x.pe=<host:port>&so=<files>`.
/// Parameters may come in any order; `tr` and `x.pe` may repeat; unknown ones are ignored; numbered
/// forms such as `tr.1` count as `tr`.
public struct MagnetLink: Sendable, Hashable, CustomStringConvertible {
    public var infoHash: InfoHash
    /// The suggested name (`dn`), shown until the metadata arrives. Untrusted.
    public var displayName: String?
    /// Tracker URLs (`tr`), in the order given, without duplicates.
    public var trackers: [String]
    /// Peers to try (`x.pe`).
    public var peers: [PeerAddress]
    /// Files to download (BEP 53 `so`); nil for all of them.
    public var selectedFiles: FileSelection?

    public static let maxLength = 1 << 16
    public static let maxTrackers = 200
    public static let maxPeers = 200

    public init(
        infoHash: InfoHash, displayName: String? = nil, trackers: [String] = [], peers: [PeerAddress] = [],
        selectedFiles: FileSelection? = nil
    ) {
        self.infoHash = infoHash
        self.displayName = displayName
        self.trackers = trackers
        self.peers = peers
        self.selectedFiles = selectedFiles
    }

    /// Parses a magnet link, or says exactly what is wrong with it.
    public init(parsing text: String) throws(MagnetError) {
        let trimmed = text.trimmingWhitespace
        guard trimmed.utf8.count <= Self.maxLength else { throw .tooLong(trimmed.utf8.count) }
        guard trimmed.utf8.count >= 8, trimmed.prefix(8).lowercased() == "magnet:?" else { throw .notAMagnetLink }
        var hash: InfoHash?
        var sawVersion2 = false
        var name: String?
        var trackers: [String] = []
        var peers: [PeerAddress] = []
        var selection: FileSelection?
        for parameter in trimmed.dropFirst(8).split(separator: "&", omittingEmptySubsequences: true) {
            let parts = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.baseKey(String(parts[0]).lowercased())
            let raw = parts.count > 1 ? String(parts[1]) : ""
            guard let value = Self.percentDecoded(raw, plusIsSpace: key == "dn") else {
                throw .badPercentEncoding(key)
            }
            switch key {
            case "xt":
                let lower = value.lowercased()
                if lower.hasPrefix("urn:btih:") {
                    let digits = String(value.dropFirst(9))
                    guard let parsed = Self.infoHash(digits) else { throw .badInfoHash(digits) }
                    if let hash, hash != parsed { throw .conflictingInfoHashes }
                    hash = parsed
                } else if lower.hasPrefix("urn:btmh:") {
                    sawVersion2 = true
                }
            case "dn":
                name = value
            case "tr":
                guard Self.isTrackerURL(value) else { throw .badTracker(value) }
                if !trackers.contains(value) { trackers.append(value) }
                if trackers.count > Self.maxTrackers { throw .tooMany("trackers", limit: Self.maxTrackers) }
            case "x.pe":
                guard let peer = PeerAddress(value), peer.port != 0, Self.isPlausibleHost(peer.host) else {
                    throw .badPeerAddress(value)
                }
                if !peers.contains(peer) { peers.append(peer) }
                if peers.count > Self.maxPeers { throw .tooMany("peers", limit: Self.maxPeers) }
            case "so":
                guard let parsed = FileSelection(value) else { throw .badFileSelection(value) }
                selection = parsed
            default:
                break
            }
        }
        guard let hash else { throw sawVersion2 ? .onlyVersion2 : .missingInfoHash }
        self.init(infoHash: hash, displayName: name, trackers: trackers, peers: peers, selectedFiles: selection)
    }

    /// The link in canonical form: hex info-hash, then name, trackers, peers and file selection.
    public var uri: String {
        var out = "magnet:?xt=urn:btih:" + infoHash.hex
        if let displayName { out += "&dn=" + Self.percentEncoded(displayName) }
        for tracker in trackers { out += "&tr=" + Self.percentEncoded(tracker) }
        for peer in peers { out += "&x.pe=" + Self.percentEncoded(peer.description) }
        if let selectedFiles { out += "&so=" + selectedFiles.description }
        return out
    }

    public var description: String { uri }

    /// `tr.1` → `tr`; `x.pe` stays as it is.
    private static func baseKey(_ key: String) -> String {
        guard key != "x.pe", let dot = key.lastIndex(of: "."),
            !key[key.index(after: dot)...].isEmpty, key[key.index(after: dot)...].allSatisfy(\.isASCIIDigitChar)
        else { return key }
        return String(key[..<dot])
    }

    /// 40 hex digits or 32 base32 characters (RFC 4648, either case).
    static func infoHash(_ text: String) -> InfoHash? {
        switch text.utf8.count {
        case 40: InfoHash(hex: text)
        case 32: Base32.decode(text).flatMap { InfoHash(bytes: $0) }
        default: nil
        }
    }

    private static func isTrackerURL(_ text: String) -> Bool {
        guard let range = text.range(of: "://"), !text[..<range.lowerBound].isEmpty,
            text[range.upperBound...].count > 0
        else { return false }
        let scheme = text[..<range.lowerBound].lowercased()
        return scheme.allSatisfy { $0.isASCIILetterChar || $0.isASCIIDigitChar || $0 == "+" || $0 == "-" || $0 == "." }
            && !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f })
    }

    /// A host name or an IP literal: letters, digits, `.`, `-`, and `:` for IPv6.
    private static func isPlausibleHost(_ host: String) -> Bool {
        !host.isEmpty && host.utf8.count <= 253
            && host.allSatisfy { $0.isASCIILetterChar || $0.isASCIIDigitChar || $0 == "." || $0 == "-" || $0 == ":" }
    }

    /// Decodes `%XX` escapes (and `+` as a space where asked); nil on a broken escape. Bytes that do not
    /// form UTF-8 become U+FFFD.
    static func percentDecoded(_ text: String, plusIsSpace: Bool) -> String? {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "%"):
                guard i + 2 < bytes.count, let pair = Hex.decode(String(decoding: bytes[i + 1...i + 2], as: UTF8.self))
                else { return nil }
                out.append(pair[0])
                i += 3
            case UInt8(ascii: "+") where plusIsSpace:
                out.append(UInt8(ascii: " "))
                i += 1
            default:
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes everything but unreserved characters and the few a URL in a query keeps readable.
    static func percentEncoded(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(Unicode.Scalar(byte))
            if byte < 0x80 && (c.isASCIILetterChar || c.isASCIIDigitChar || "-._~:/[]".contains(c)) {
                out.append(c)
            } else {
                out += "%" + Hex.encode([byte]).uppercased()
            }
        }
        return out
    }
}

/// Which files of a torrent to download (BEP 53 `so`): indices and inclusive ranges, `0,2,4-6`.
public struct FileSelection: Sendable, Hashable, CustomStringConvertible {
    public let ranges: [ClosedRange<Int>]

    /// Indices above this are refused: no torrent has a million files, and a huge range costs nothing
    /// to write but much to expand.
    public static let maxIndex = 1 << 20

    public init?(_ text: String) {
        var ranges: [ClosedRange<Int>] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = item.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 1 || bounds.count == 2 else { return nil }
            var values: [Int] = []
            for bound in bounds {
                guard !bound.isEmpty, bound.count <= 7, bound.allSatisfy(\.isASCIIDigitChar), let n = Int(bound),
                    n <= Self.maxIndex
                else { return nil }
                values.append(n)
            }
            guard values[0] <= values[values.count - 1] else { return nil }
            ranges.append(values[0]...values[values.count - 1])
            if ranges.count > 10_000 { return nil }
        }
        self.ranges = ranges
    }

    public init(ranges: [ClosedRange<Int>]) {
        self.ranges = ranges
    }

    public func contains(_ index: Int) -> Bool { ranges.contains { $0.contains(index) } }

    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}

/// RFC 4648 base32, as magnet links write info-hashes.
public enum Base32 {
    /// Decodes unpadded base32 whose length is a multiple of 8; nil for any other character.
    public static func decode(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 8 == 0 else { return nil }
        var out: [UInt8] = []
        var buffer: UInt64 = 0
        var bits = 0
        for c in chars {
            let value: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = c - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = c - UInt8(ascii: "a")
            case UInt8(ascii: "2")...UInt8(ascii: "7"): value = c - UInt8(ascii: "2") + 26
            default: return nil
            }
            buffer = buffer << 5 | UInt64(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt64(bits)))
            }
        }
        return out
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)
        var out: [UInt8] = []
        var buffer: UInt64 = 0
        var bits = 0
        for byte in bytes {
            buffer = buffer << 8 | UInt64(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                out.append(alphabet[Int(buffer >> UInt64(bits) & 31)])
            }
        }
        if bits > 0 { out.append(alphabet[Int(buffer << UInt64(5 - bits) & 31)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Character {
    fileprivate var isASCIIDigitChar: Bool { isASCII && ("0"..."9").contains(self) }
    fileprivate var isASCIILetterChar: Bool { isASCII && (("a"..."z").contains(self) || ("A"..."Z").contains(self)) }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return String(s)
    }
}
