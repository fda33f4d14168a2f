/// Which allowed-fast (BEP 6) requests from peers we choke are served: only first copies.
///
/// BEP 6 lets a choked peer fetch the pieces of its allowed-fast set so that a newcomer gets something to
/// trade without waiting for an unchoke. The set is derived from the peer's /24, so every peer behind one
/// /24 (a LAN, a campus, a test on 127.0.0.x) has the *same* set, and a seed that serves every choked peer
/// its set sends those pieces once per peer: in a 16-peer flash crowd with a capped seed that was up to 160
/// extra pieces (the seed sent 1.9x the payload instead of 1.5x; the last peer finished 2 s later), each
/// taking upload from the unchoked peers, who would have spread new pieces.
///
/// So we serve a choked peer an allowed-fast piece only while it would be the swarm's **first copy**:
/// - no other connected peer has the piece (a peer that has it can pass it on; the newcomer gets it from
///   the swarm, and the choker's optimistic slot, which favours newcomers, covers bootstrapping there);
/// - and no other choked peer is fetching it from us under allowed-fast (one ``grant`` per piece; a grant
///   that has not turned into a `have` within ``grantTimeout`` lapses, so a peer that stalls does not
///   keep the piece from the others).
/// A lone peer, or the first peer to ask for a rare piece, still gets its whole set, which is what BEP 6
/// is for; duplicates are refused with `reject_request` (a choked libtorrent or Swarm peer then stops
/// asking for that piece). libtorrent serves every allowed-fast request and only drops a peer that asks
/// for one piece three times over: that caps what one peer takes, not what many peers of one /24 take.
///
/// A value type with an injected clock; the torrent asks ``admit(piece:peer:othersHaving:now:)`` for each
/// request from a peer it chokes, for a piece in that peer's allowed-fast set.
public struct AllowedFastRation: Sendable {
    /// A choked peer fetching a piece from us under allowed-fast.
    public struct Grant: Equatable, Sendable {
        public var peer: PeerKey
        public var since: Duration
    }

    /// How long a grant keeps the piece from other choked peers.
    public var grantTimeout: Duration
    /// The current grant of each piece.
    public private(set) var grants: [Int: Grant] = [:]

    public init(grantTimeout: Duration = .seconds(10)) {
        self.grantTimeout = grantTimeout
    }

    /// True when we should serve the choked `peer` a block of `piece` from its allowed-fast set.
    /// `othersHaving` is how many other connected peers announced the piece.
    public mutating func admit(piece: Int, peer: PeerKey, othersHaving: Int, now: Duration) -> Bool {
        if othersHaving > 0 {
            // The piece spread (maybe through the grant itself): the swarm serves it from now on.
            grants[piece] = nil
            return false
        }
        if let grant = grants[piece], grant.peer != peer, now - grant.since < grantTimeout { return false }
        if grants[piece]?.peer != peer { grants[piece] = Grant(peer: peer, since: now) }
        return true
    }

    /// The peer disconnected: its grants lapse at once.
    public mutating func peerLeft(_ peer: PeerKey) {
        grants = grants.filter { $0.value.peer != peer }
    }
}
