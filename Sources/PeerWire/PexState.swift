import TorrentModel

/// What one peer has been told through peer exchange (BEP 11), and what to tell it next.
///
/// A value type with no I/O and no clock of its own: the engine passes the peers it is connected to and
/// the time, and sends the message this returns. The first message goes out as soon as there is something
/// to say, later ones at most once per interval; each carries at most 50 added and 50 dropped peers (the
/// rest follow in later messages).
public struct PexState: Sendable {
    /// The id the peer asked to receive `ut_pex` messages with, in its extension handshake.
    public let messageID: UInt8
    /// Peers this peer has been told we are connected to (added and not dropped since).
    public private(set) var told: Set<PeerAddress> = []
    public private(set) var lastSentAt: Duration?
    /// When the last message from the peer was taken; see ``acceptMessage(now:minimumGap:)``.
    public private(set) var lastReceivedAt: Duration?

    public static let interval: Duration = .seconds(60)
    public static let maxAdded = 50
    public static let maxDropped = 50

    public init(messageID: UInt8) {
        self.messageID = messageID
    }

    /// The message due now, given every peer we are connected to (the recipient itself left out by the
    /// caller), or nil when it is too early or nothing changed. Reachable peers are announced first.
    public mutating func nextMessage(connected: [PexMessage.Peer], now: Duration, interval: Duration = Self.interval)
        -> PexMessage?
    {
        if let last = lastSentAt, now - last < interval { return nil }
        let current = Set(connected.map(\.address))
        let fresh = connected.filter { !told.contains($0.address) }
        let reachableFirst = fresh.filter { $0.flags.contains(.reachable) } + fresh.filter { !$0.flags.contains(.reachable) }
        var seen = Set<PeerAddress>()
        let added = Array(reachableFirst.filter { seen.insert($0.address).inserted }.prefix(Self.maxAdded))
        let dropped = Array(told.subtracting(current).sorted { $0.description < $1.description }.prefix(Self.maxDropped))
        guard !added.isEmpty || !dropped.isEmpty else { return nil }
        told.formUnion(added.map(\.address))
        told.subtract(dropped)
        lastSentAt = now
        return PexMessage(added: added, dropped: dropped)
    }

    /// Whether to use a message that arrived now: one that comes sooner than `minimumGap` after the last
    /// one taken is ignored, so a peer cannot flood us with addresses.
    public mutating func acceptMessage(now: Duration, minimumGap: Duration) -> Bool {
        if let last = lastReceivedAt, now - last < minimumGap { return false }
        lastReceivedAt = now
        return true
    }
}
