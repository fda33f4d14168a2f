import TorrentModel

/// The client side of one BEP 15 exchange (connect if needed, then announce or scrape) as a state machine.
///
/// The caller owns the socket and the clock: it sends what a `.send` step says, waits at most its `timeout`
/// for datagrams, and feeds back either `receive(_:now:transactionID:)` or `timedOut(now:transactionID:)`.
/// `transactionID` is a fresh random value on every call; the machine uses it only when it starts a new
/// request (retransmissions repeat the pending one's id).
public struct UDPTrackerExchange: Sendable {
    public enum Operation: Sendable, Hashable {
        case announce(AnnounceRequest)
        case scrape([InfoHash])
    }

    public enum Outcome: Sendable, Hashable {
        case announced(AnnounceResponse)
        case scraped([ScrapeResult])
    }

    public enum Step: Sendable, Hashable {
        case send([UInt8], timeout: Duration)
        case finished(Outcome)
        case failed(TrackerError)
    }

    public let operation: Operation
    public let schedule: UDPRetrySchedule
    /// Whether the tracker is reached over IPv6 (announce peers are then 18 bytes each).
    public let ipv6: Bool
    /// Give up at this time (used to keep `stopped` announces short).
    public let deadline: Duration?
    /// BEP 41 URL data (the tracker URL's path and query) sent after announce packets.
    public let urlData: String
    /// The connection id in use; after the exchange, store it for the next one with the same tracker.
    public private(set) var connection: UDPConnectionID?

    private var attempt = 0
    /// A connect succeeded during this exchange (so the id in use is not a stale cached one).
    private var connectedHere = false
    private var pending: (transactionID: UInt32, action: UDPTrackerCodec.Action, packet: [UInt8])?

    public init(
        operation: Operation, connection: UDPConnectionID?, schedule: UDPRetrySchedule = UDPRetrySchedule(),
        ipv6: Bool = false, deadline: Duration? = nil, urlData: String = ""
    ) {
        self.urlData = urlData
        self.operation = operation
        self.connection = connection
        self.schedule = schedule
        self.ipv6 = ipv6
        self.deadline = deadline
    }

    /// The first packet to send.
    public mutating func start(now: Duration, transactionID: UInt32) -> Step {
        attempt = 0
        return sendNext(now: now, transactionID: transactionID)
    }

    /// Feeds a datagram from the tracker. Nil means it was not for this exchange (wrong transaction id or
    /// garbage): keep waiting for the rest of the current timeout.
    public mutating func receive(_ bytes: [UInt8], now: Duration, transactionID: UInt32) -> Step? {
        guard let pending, let response = try? UDPTrackerCodec.Response.decode(bytes, ipv6: ipv6),
            response.transactionID == pending.transactionID
        else { return nil }
        if case .error(_, let message) = response {
            self.pending = nil
            if pending.action != .connect {
                connection = nil
                // A cached id may be refused (some trackers tie ids to the source port): connect afresh, once.
                if !connectedHere { return sendNext(now: now, transactionID: transactionID) }
            }
            return .failed(.failure(message))
        }
        guard response.action == pending.action else {
            self.pending = nil
            return .failed(.malformedResponse("expected \(pending.action) response, got \(response.action)"))
        }
        self.pending = nil
        switch response {
        case .connect(_, let id):
            connection = UDPConnectionID(id: id, receivedAt: now)
            connectedHere = true
            return sendNext(now: now, transactionID: transactionID)
        case .announce(_, let r):
            return .finished(.announced(r))
        case .scrape(_, let results):
            guard !results.isEmpty else { return .failed(.malformedResponse("empty scrape response")) }
            return .finished(.scraped(results))
        case .error:
            return nil  // handled above
        }
    }

    /// The current timeout ran out with no answer: retransmit (reconnecting if the id expired) or give up.
    public mutating func timedOut(now: Duration, transactionID: UInt32) -> Step {
        attempt += 1
        guard let previous = pending else { return sendNext(now: now, transactionID: transactionID) }
        if previous.action != .connect, !(connection?.isValid(at: now) ?? false) {
            return sendNext(now: now, transactionID: transactionID)
        }
        return transmit(previous.packet, action: previous.action, transactionID: previous.transactionID, now: now)
    }

    private mutating func sendNext(now: Duration, transactionID: UInt32) -> Step {
        if let connection, connection.isValid(at: now) {
            let packet: [UInt8]
            let action: UDPTrackerCodec.Action
            switch operation {
            case .announce(let r):
                packet = UDPTrackerCodec.Request.announce(connectionID: connection.id, transactionID: transactionID, request: r)
                    .encode() + UDPTrackerCodec.urlDataOptions(urlData)
                action = .announce
            case .scrape(let hashes):
                packet = UDPTrackerCodec.Request.scrape(connectionID: connection.id, transactionID: transactionID, infoHashes: hashes)
                    .encode()
                action = .scrape
            }
            return transmit(packet, action: action, transactionID: transactionID, now: now)
        }
        connection = nil
        return transmit(
            UDPTrackerCodec.Request.connect(transactionID: transactionID).encode(), action: .connect,
            transactionID: transactionID, now: now)
    }

    private mutating func transmit(
        _ packet: [UInt8], action: UDPTrackerCodec.Action, transactionID: UInt32, now: Duration
    ) -> Step {
        guard var timeout = schedule.timeout(attempt: attempt) else {
            pending = nil
            return .failed(.timeout)
        }
        if let deadline {
            guard deadline > now else {
                pending = nil
                return .failed(.timeout)
            }
            timeout = min(timeout, deadline - now)
        }
        pending = (transactionID, action, packet)
        return .send(packet, timeout: timeout)
    }
}
