import TorrentModel

/// BEP 15 packets. All integers are big-endian.
public enum UDPTrackerCodec {
    /// The magic constant of a connect request.
    public static let protocolID: UInt64 = 0x417_2710_1980
    /// At most this many info-hashes fit in one scrape (BEP 15).
    public static let maxScrapeHashes = 74

    /// BEP 41 request options carrying the tracker URL's path and query (`/announce?passkey=...`), to append
    /// to an announce packet. Empty for an empty string.
    public static func urlDataOptions(_ pathAndQuery: String) -> [UInt8] {
        let bytes = Array(pathAndQuery.utf8.prefix(1024))
        guard !bytes.isEmpty else { return [] }
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let chunk = bytes[i..<min(i + 255, bytes.count)]
            out.append(2)
            out.append(UInt8(chunk.count))
            out += chunk
            i += chunk.count
        }
        return out
    }

    public enum Action: UInt32, Sendable {
        case connect = 0
        case announce = 1
        case scrape = 2
        case error = 3
    }

    /// Packets a client sends.
    public enum Request: Sendable, Hashable {
        case connect(transactionID: UInt32)
        /// `ipv4` is the optional IP address field (0 means: use the sender's address).
        case announce(connectionID: UInt64, transactionID: UInt32, request: AnnounceRequest, ipv4: UInt32 = 0)
        case scrape(connectionID: UInt64, transactionID: UInt32, infoHashes: [InfoHash])

        public var transactionID: UInt32 {
            switch self {
            case .connect(let t), .announce(_, let t, _, _), .scrape(_, let t, _): t
            }
        }

        public func encode() -> [UInt8] {
            var w = Writer()
            switch self {
            case .connect(let tid):
                w.u64(UDPTrackerCodec.protocolID)
                w.u32(Action.connect.rawValue)
                w.u32(tid)
            case .announce(let cid, let tid, let r, let ipv4):
                w.u64(cid)
                w.u32(Action.announce.rawValue)
                w.u32(tid)
                w.bytes(r.infoHash.bytes)
                w.bytes(Array(r.peerID.prefix(20)) + Array(repeating: 0, count: max(0, 20 - r.peerID.count)))
                w.u64(UInt64(bitPattern: max(0, r.downloaded)))
                w.u64(UInt64(bitPattern: max(0, r.left)))
                w.u64(UInt64(bitPattern: max(0, r.uploaded)))
                w.u32(r.event.udpCode)
                w.u32(ipv4)
                w.u32(r.key)
                w.u32(UInt32(bitPattern: r.numWant.map { Int32(clamping: $0) } ?? -1))
                w.u16(r.port)
            case .scrape(let cid, let tid, let hashes):
                w.u64(cid)
                w.u32(Action.scrape.rawValue)
                w.u32(tid)
                for h in hashes.prefix(UDPTrackerCodec.maxScrapeHashes) { w.bytes(h.bytes) }
            }
            return w.out
        }

        /// Decodes a packet received by a tracker. Extra trailing bytes (BEP 41 options) are ignored.
        public static func decode(_ bytes: [UInt8]) throws(TrackerError) -> Request {
            var r = Reader(bytes)
            guard let first = r.u64(), let actionCode = r.u32(), let tid = r.u32() else {
                throw .malformedResponse("packet shorter than 16 bytes")
            }
            switch Action(rawValue: actionCode) {
            case .connect?:
                guard first == UDPTrackerCodec.protocolID else { throw .malformedResponse("bad protocol id") }
                return .connect(transactionID: tid)
            case .announce?:
                guard let hash = r.bytes(20), let peerID = r.bytes(20), let downloaded = r.u64(), let left = r.u64(),
                    let uploaded = r.u64(), let eventCode = r.u32(), let ip = r.u32(), let key = r.u32(),
                    let numWant = r.u32(), let port = r.u16()
                else { throw .malformedResponse("announce shorter than 98 bytes") }
                guard let event = AnnounceEvent(udpCode: eventCode) else { throw .malformedResponse("bad event") }
                let numWantSigned = Int32(bitPattern: numWant)
                let request = AnnounceRequest(
                    infoHash: InfoHash(bytes: hash)!, peerID: peerID, port: port,
                    uploaded: Int64(clamping: uploaded), downloaded: Int64(clamping: downloaded),
                    left: Int64(clamping: left), event: event,
                    numWant: numWantSigned < 0 ? nil : Int(numWantSigned), key: key, compact: true)
                return .announce(connectionID: first, transactionID: tid, request: request, ipv4: ip)
            case .scrape?:
                var hashes: [InfoHash] = []
                while hashes.count < UDPTrackerCodec.maxScrapeHashes, let h = r.bytes(20) {
                    hashes.append(InfoHash(bytes: h)!)
                }
                guard !hashes.isEmpty else { throw .malformedResponse("scrape without info-hash") }
                return .scrape(connectionID: first, transactionID: tid, infoHashes: hashes)
            case .error?, nil:
                throw .malformedResponse("unknown action \(actionCode)")
            }
        }
    }

    /// Packets a tracker sends.
    public enum Response: Sendable, Hashable {
        case connect(transactionID: UInt32, connectionID: UInt64)
        /// Peers are 6-byte IPv4 entries, or 18-byte IPv6 entries when the request came over IPv6.
        case announce(transactionID: UInt32, response: AnnounceResponse)
        case scrape(transactionID: UInt32, results: [ScrapeResult])
        case error(transactionID: UInt32, message: String)

        public var transactionID: UInt32 {
            switch self {
            case .connect(let t, _), .announce(let t, _), .scrape(let t, _), .error(let t, _): t
            }
        }

        public var action: Action {
            switch self {
            case .connect: .connect
            case .announce: .announce
            case .scrape: .scrape
            case .error: .error
            }
        }

        /// Encodes for the wire; in `.announce`, peers of the other address family than `ipv6` are left out.
        public func encode(ipv6: Bool = false) -> [UInt8] {
            var w = Writer()
            w.u32(action.rawValue)
            w.u32(transactionID)
            switch self {
            case .connect(_, let cid):
                w.u64(cid)
            case .announce(_, let r):
                w.u32(UInt32(clamping: max(0, r.interval)))
                w.u32(UInt32(clamping: max(0, r.leechers ?? 0)))
                w.u32(UInt32(clamping: max(0, r.seeders ?? 0)))
                for peer in r.peers {
                    if ipv6 {
                        if let b = IPAddressText.ipv6Bytes(peer.host) {
                            w.bytes(b)
                            w.u16(peer.port)
                        }
                    } else if let b = peer.compactIPv4 {
                        w.bytes(b)
                    }
                }
            case .scrape(_, let results):
                for r in results {
                    w.u32(UInt32(clamping: max(0, r.seeders)))
                    w.u32(UInt32(clamping: max(0, r.downloaded)))
                    w.u32(UInt32(clamping: max(0, r.leechers)))
                }
            case .error(_, let message):
                w.bytes(Array(message.utf8.prefix(1024)))
            }
            return w.out
        }

        /// Decodes a packet received by a client. `ipv6` selects the peer entry size of announce responses.
        public static func decode(_ bytes: [UInt8], ipv6: Bool = false) throws(TrackerError) -> Response {
            var r = Reader(bytes)
            guard let actionCode = r.u32(), let tid = r.u32() else {
                throw .malformedResponse("packet shorter than 8 bytes")
            }
            switch Action(rawValue: actionCode) {
            case .connect?:
                guard let cid = r.u64() else { throw .malformedResponse("connect response shorter than 16 bytes") }
                return .connect(transactionID: tid, connectionID: cid)
            case .announce?:
                guard let interval = r.u32(), let leechers = r.u32(), let seeders = r.u32() else {
                    throw .malformedResponse("announce response shorter than 20 bytes")
                }
                let rest = r.rest()
                let peers = PeerAddress.decodeCompact(rest, ipv6: ipv6).filter { $0.port != 0 }
                return .announce(
                    transactionID: tid,
                    response: AnnounceResponse(
                        interval: Int(min(interval, UInt32(Int32.max))), peers: peers,
                        seeders: Int(min(seeders, UInt32(Int32.max))), leechers: Int(min(leechers, UInt32(Int32.max)))))
            case .scrape?:
                var results: [ScrapeResult] = []
                while let s = r.u32(), let d = r.u32(), let l = r.u32() {
                    results.append(
                        ScrapeResult(
                            seeders: Int(min(s, UInt32(Int32.max))), leechers: Int(min(l, UInt32(Int32.max))),
                            downloaded: Int(min(d, UInt32(Int32.max)))))
                }
                return .scrape(transactionID: tid, results: results)
            case .error?:
                return .error(transactionID: tid, message: String(decoding: r.rest().prefix(1024), as: UTF8.self))
            case nil:
                throw .malformedResponse("unknown action \(actionCode)")
            }
        }
    }

    struct Writer {
        var out: [UInt8] = []
        mutating func u16(_ v: UInt16) { out += [UInt8(v >> 8), UInt8(v & 0xff)] }
        mutating func u32(_ v: UInt32) { for s in stride(from: 24, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> s)) } }
        mutating func u64(_ v: UInt64) { for s in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: v >> s)) } }
        mutating func bytes(_ b: [UInt8]) { out += b }
    }

    struct Reader {
        let data: [UInt8]
        var pos = 0
        init(_ data: [UInt8]) { self.data = data }
        mutating func bytes(_ n: Int) -> [UInt8]? {
            guard data.count - pos >= n else { return nil }
            defer { pos += n }
            return Array(data[pos..<pos + n])
        }
        mutating func u16() -> UInt16? { bytes(2).map { UInt16($0[0]) << 8 | UInt16($0[1]) } }
        mutating func u32() -> UInt32? { bytes(4).map { $0.reduce(0) { $0 << 8 | UInt32($1) } } }
        mutating func u64() -> UInt64? { bytes(8).map { $0.reduce(0) { $0 << 8 | UInt64($1) } } }
        mutating func rest() -> [UInt8] { defer { pos = data.count }; return Array(data[pos...]) }
    }
}

/// BEP 15 retransmission: wait `base × 2^n` for an answer, n = 0...maxRetry (15 s ... 3840 s by default).
public struct UDPRetrySchedule: Sendable, Hashable {
    public var base: Duration
    public var maxRetry: Int

    public init(base: Duration = .seconds(15), maxRetry: Int = 8) {
        self.base = base
        self.maxRetry = maxRetry
    }

    /// How long to wait after the `attempt`-th transmission (0-based), or nil when there is no such attempt.
    public func timeout(attempt: Int) -> Duration? {
        guard attempt >= 0, attempt <= maxRetry else { return nil }
        return base * (1 << attempt)
    }

    /// The time from the first transmission until giving up.
    public var total: Duration { (0...max(0, maxRetry)).reduce(.zero) { $0 + base * (1 << $1) } }
}

/// A BEP 15 connection id and when it was received. Clients may use it for one minute.
public struct UDPConnectionID: Sendable, Hashable {
    public static let lifetime: Duration = .seconds(60)
    public let id: UInt64
    public let receivedAt: Duration

    public init(id: UInt64, receivedAt: Duration) {
        self.id = id
        self.receivedAt = receivedAt
    }

    public func isValid(at now: Duration) -> Bool { now >= receivedAt && now - receivedAt < Self.lifetime }
}
