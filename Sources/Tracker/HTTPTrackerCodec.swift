import Bencode
import TorrentModel

/// The HTTP tracker protocol (BEP 3, BEP 23 compact peers, BEP 7 `peers6`, BEP 48 scrape): URLs and bodies.
public enum HTTPTrackerCodec {
    // MARK: Client side

    /// The announce URL for `request`, keeping any query already in `announceURL`.
    public static func announceURL(_ announceURL: String, request: AnnounceRequest) throws(TrackerError) -> String {
        guard request.peerID.count == 20 else { throw .invalidRequest("peer id must be 20 bytes") }
        var base = announceURL
        if let hash = base.firstIndex(of: "#") { base = String(base[..<hash]) }
        var params: [String] = [
            "info_hash=" + PercentEncoding.encode(request.infoHash.bytes),
            "peer_id=" + PercentEncoding.encode(request.peerID),
            "port=\(request.port)",
            "uploaded=\(max(0, request.uploaded))",
            "downloaded=\(max(0, request.downloaded))",
            "left=\(max(0, request.left))",
            "key=" + hex32(request.key),
            "compact=" + (request.compact ? "1" : "0"),
        ]
        if let event = request.event.httpValue { params.append("event=" + event) }
        if let numWant = request.numWant { params.append("numwant=\(max(0, numWant))") }
        if request.compact { params.append("no_peer_id=1") }
        if let trackerID = request.trackerID { params.append("trackerid=" + PercentEncoding.encode(trackerID)) }
        return join(base, params)
    }

    /// The scrape URL for the given torrents, or nil when the tracker cannot scrape (BEP 48).
    public static func scrapeURL(_ announceURL: String, infoHashes: [InfoHash]) -> String? {
        guard let url = TrackerURL(announceURL), url.scheme == "http" || url.scheme == "https",
            let base = url.scrapeURL
        else { return nil }
        return join(base, infoHashes.map { "info_hash=" + PercentEncoding.encode($0.bytes) })
    }

    /// Parses an announce response body. A `failure reason` becomes `TrackerError.failure`.
    public static func parseAnnounceResponse(_ body: [UInt8]) throws(TrackerError) -> AnnounceResponse {
        let root = try decodeDictionary(body)
        if let failure = root["failure reason"] { throw .failure(lossyText(failure) ?? "unknown failure") }
        var peers: [PeerAddress] = []
        switch root["peers"] {
        case .bytes(let compact)?:
            guard compact.count % 6 == 0 else { throw .malformedResponse("compact peers length \(compact.count)") }
            peers = PeerAddress.decodeCompact(compact)
        case .list(let entries)?:
            for entry in entries {
                guard let ip = entry["ip"]?.text, !ip.isEmpty, let port = entry["port"]?.integer,
                    (1...65535).contains(port)
                else { continue }
                peers.append(PeerAddress(host: unbracket(ip), port: UInt16(port)))
            }
        case nil:
            break
        default:
            throw .malformedResponse("peers is neither a string nor a list")
        }
        if case .bytes(let compact6)? = root["peers6"] {
            guard compact6.count % 18 == 0 else { throw .malformedResponse("peers6 length \(compact6.count)") }
            peers += PeerAddress.decodeCompact(compact6, ipv6: true)
        }
        peers = peers.filter { $0.port != 0 }
        return AnnounceResponse(
            interval: root["interval"]?.integer.map(clampInt) ?? 1800,
            minInterval: root["min interval"]?.integer.map(clampInt),
            peers: peers,
            seeders: root["complete"]?.integer.map(clampInt),
            leechers: root["incomplete"]?.integer.map(clampInt),
            warning: root["warning message"].flatMap(lossyText),
            trackerID: root["tracker id"].flatMap(lossyText)
        )
    }

    /// Parses a scrape response into counts per info-hash.
    public static func parseScrapeResponse(_ body: [UInt8]) throws(TrackerError) -> [InfoHash: ScrapeResult] {
        let root = try decodeDictionary(body)
        if let failure = root["failure reason"] { throw .failure(lossyText(failure) ?? "unknown failure") }
        guard let files = root["files"]?.dictionary else { throw .malformedResponse("no files dictionary") }
        var result: [InfoHash: ScrapeResult] = [:]
        for (key, value) in files {
            guard let hash = InfoHash(bytes: key) else { continue }
            result[hash] = ScrapeResult(
                seeders: value["complete"]?.integer.map(clampInt) ?? 0,
                leechers: value["incomplete"]?.integer.map(clampInt) ?? 0,
                downloaded: value["downloaded"]?.integer.map(clampInt) ?? 0
            )
        }
        return result
    }

    /// The counts for one torrent; a tracker that does not know it reports zeros.
    public static func parseScrapeResponse(_ body: [UInt8], for infoHash: InfoHash) throws(TrackerError) -> ScrapeResult {
        try parseScrapeResponse(body)[infoHash] ?? ScrapeResult(seeders: 0, leechers: 0, downloaded: 0)
    }

    // MARK: Server side

    /// An announce as received by a tracker.
    public struct ReceivedAnnounce: Sendable, Hashable {
        public var request: AnnounceRequest
        /// The client asked to leave peer ids out of dictionary peer lists.
        public var noPeerID: Bool
    }

    /// Parses the query string of `GET /announce`. Throws `.invalidRequest` with a message fit for a
    /// `failure reason` when a required field is missing or malformed.
    public static func parseAnnounceQuery(_ query: String) throws(TrackerError) -> ReceivedAnnounce {
        var fields: [String: [UInt8]] = [:]
        for (name, value) in PercentEncoding.parseQuery(query) where fields[name] == nil { fields[name] = value }
        guard let hashBytes = fields["info_hash"], let infoHash = InfoHash(bytes: hashBytes) else {
            throw .invalidRequest("missing or invalid info_hash")
        }
        guard let peerID = fields["peer_id"], peerID.count == 20 else {
            throw .invalidRequest("missing or invalid peer_id")
        }
        guard let port = number(fields["port"]), (1...65535).contains(port) else {
            throw .invalidRequest("missing or invalid port")
        }
        guard let left = number(fields["left"]), left >= 0 else { throw .invalidRequest("missing or invalid left") }
        let eventText = fields["event"].map { String(decoding: $0, as: UTF8.self) }
        guard let event = AnnounceEvent(httpValue: eventText) else { throw .invalidRequest("invalid event") }
        let numWant = number(fields["numwant"]).map { Int(max(0, min($0, 1000))) }
        let request = AnnounceRequest(
            infoHash: infoHash, peerID: peerID, port: UInt16(port),
            uploaded: max(0, number(fields["uploaded"]) ?? 0), downloaded: max(0, number(fields["downloaded"]) ?? 0),
            left: left, event: event, numWant: numWant,
            key: fields["key"].flatMap { UInt32(String(decoding: $0, as: UTF8.self), radix: 16) } ?? 0,
            compact: fields["compact"] == Array("1".utf8),
            trackerID: fields["trackerid"].map { String(decoding: $0, as: UTF8.self) }
        )
        return ReceivedAnnounce(request: request, noPeerID: fields["no_peer_id"] == Array("1".utf8))
    }

    /// The info-hashes named in a scrape query (possibly none). Malformed ones are skipped.
    public static func parseScrapeQuery(_ query: String) -> [InfoHash] {
        PercentEncoding.parseQuery(query).compactMap { $0.name == "info_hash" ? InfoHash(bytes: $0.value) : nil }
    }

    /// Encodes an announce response: compact (`peers` with IPv4, `peers6` with IPv6) or a BEP 3 list of
    /// dictionaries. `peerIDs` supplies `peer id` entries for the dictionary form.
    public static func encodeAnnounceResponse(
        _ response: AnnounceResponse, compact: Bool, peerIDs: [PeerAddress: [UInt8]] = [:]
    ) -> [UInt8] {
        var dict: [String: BencodeValue] = ["interval": .integer(Int64(response.interval))]
        if let v = response.minInterval { dict["min interval"] = .integer(Int64(v)) }
        if let v = response.seeders { dict["complete"] = .integer(Int64(v)) }
        if let v = response.leechers { dict["incomplete"] = .integer(Int64(v)) }
        if let v = response.warning { dict["warning message"] = .string(v) }
        if let v = response.trackerID { dict["tracker id"] = .string(v) }
        if compact {
            var v4: [UInt8] = []
            var v6: [UInt8] = []
            for peer in response.peers {
                if let bytes = peer.compactIPv4 {
                    v4 += bytes
                } else if let bytes = IPAddressText.ipv6Bytes(peer.host) {
                    v6 += bytes + [UInt8(peer.port >> 8), UInt8(peer.port & 0xff)]
                }
            }
            dict["peers"] = .bytes(v4)
            if !v6.isEmpty { dict["peers6"] = .bytes(v6) }
        } else {
            dict["peers"] = .list(
                response.peers.map { peer in
                    var entry: [String: BencodeValue] = [
                        "ip": .string(peer.host), "port": .integer(Int64(peer.port)),
                    ]
                    if let id = peerIDs[peer] { entry["peer id"] = .bytes(id) }
                    return .dict(entry)
                })
        }
        return BencodeEncoder.encode(.dict(dict))
    }

    /// A bencoded `failure reason` body.
    public static func encodeFailure(_ message: String) -> [UInt8] {
        BencodeEncoder.encode(.dict(["failure reason": .string(message)]))
    }

    /// A bencoded scrape response.
    public static func encodeScrapeResponse(_ results: [InfoHash: ScrapeResult]) -> [UInt8] {
        var files: [[UInt8]: BencodeValue] = [:]
        for (hash, r) in results {
            files[hash.bytes] = .dict([
                "complete": .integer(Int64(r.seeders)), "incomplete": .integer(Int64(r.leechers)),
                "downloaded": .integer(Int64(r.downloaded)),
            ])
        }
        return BencodeEncoder.encode(.dict(["files": .dictionary(files)]))
    }

    // MARK: Helpers

    private static func join(_ base: String, _ params: [String]) -> String {
        guard !params.isEmpty else { return base }
        let separator: String
        if !base.contains("?") {
            separator = "?"
        } else if base.hasSuffix("?") || base.hasSuffix("&") {
            separator = ""
        } else {
            separator = "&"
        }
        return base + separator + params.joined(separator: "&")
    }

    private static func decodeDictionary(_ body: [UInt8]) throws(TrackerError) -> BencodeValue {
        guard !body.isEmpty else { throw .malformedResponse("empty body") }
        let limits = BencodeDecoder.Limits(maxDepth: 8, maxStringLength: 4 << 20, maxItems: 200_000)
        let value: BencodeValue
        do {
            value = try BencodeDecoder(limits: limits).decode(body)
        } catch {
            throw .malformedResponse("not bencoded (\(error))")
        }
        guard case .dictionary = value else { throw .malformedResponse("not a dictionary") }
        return value
    }

    private static func lossyText(_ value: BencodeValue) -> String? {
        switch value {
        case .bytes(let b): String(decoding: b, as: UTF8.self)
        case .integer(let i): String(i)
        default: nil
        }
    }

    private static func clampInt(_ v: Int64) -> Int { Int(max(Int64(Int32.min), min(v, Int64(Int32.max)))) }

    private static func number(_ bytes: [UInt8]?) -> Int64? {
        guard let bytes, !bytes.isEmpty, bytes.count <= 20 else { return nil }
        return Int64(String(decoding: bytes, as: UTF8.self))
    }

    private static func unbracket(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    private static func hex32(_ v: UInt32) -> String {
        let s = String(v, radix: 16, uppercase: true)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}
