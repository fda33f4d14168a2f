// Interim naive picker and choker so the engine builds until the Strategy module lands; deleted then.
import TorrentModel
public typealias PeerKey = Int
public struct BlockRequest: Hashable, Sendable { public var piece: Int; public var begin: Int; public var length: Int
  public init(piece: Int, begin: Int, length: Int) { self.piece = piece; self.begin = begin; self.length = length } }
public enum BlockReceipt: Equatable, Sendable { case accepted(pieceComplete: Bool, cancelPeers: [PeerKey]); case notRequested }
public struct PiecePicker: Sendable {
    let g: PieceGeometry
    public private(set) var have: Bitfield
    var peers: [PeerKey: Bitfield] = [:]
    var inflight: [BlockRequest: Set<PeerKey>] = [:]
    var received: [Int: Set<Int>] = [:]
    var contributors: [Int: Set<PeerKey>] = [:]
    public init(geometry: PieceGeometry, have: Bitfield, seed: UInt64 = 0) { g = geometry; self.have = have }
    public var isComplete: Bool { have.isComplete }
    public var isEndgame: Bool { false }
    public mutating func setPriority(_ p: Int, ofPiece piece: Int) {}
    public mutating func peerJoined(_ peer: PeerKey, has: Bitfield) { peers[peer] = has }
    public mutating func peerHas(_ peer: PeerKey, piece: Int) { peers[peer]?[piece] = true }
    public mutating func peerLeft(_ peer: PeerKey) { _ = peerChoked(peer); peers[peer] = nil }
    public func availability(ofPiece piece: Int) -> Int { peers.values.filter { $0[piece] }.count }
    public func peerBitfield(_ peer: PeerKey) -> Bitfield? { peers[peer] }
    public func isInteresting(_ peer: PeerKey) -> Bool { guard let b = peers[peer] else { return false }; return (0..<g.pieceCount).contains { b[$0] && !have[$0] } }
    public mutating func pickBlocks(for peer: PeerKey, count: Int) -> [BlockRequest] {
        guard let b = peers[peer] else { return [] }
        var out: [BlockRequest] = []
        for p in 0..<g.pieceCount where b[p] && !have[p] {
            for blk in 0..<g.blockCount(ofPiece: p) {
                if received[p]?.contains(blk) == true { continue }
                let r = BlockRequest(piece: p, begin: blk * PieceGeometry.blockSize, length: g.length(ofBlock: blk, inPiece: p))
                if inflight[r] != nil { continue }
                inflight[r] = [peer]; out.append(r)
                if out.count == count { return out }
            }
        }
        return out
    }
    public mutating func blockReceived(_ block: BlockRequest, from peer: PeerKey) -> BlockReceipt {
        guard inflight.removeValue(forKey: block) != nil else { return .notRequested }
        received[block.piece, default: []].insert(block.begin / PieceGeometry.blockSize)
        contributors[block.piece, default: []].insert(peer)
        return .accepted(pieceComplete: received[block.piece]!.count == g.blockCount(ofPiece: block.piece), cancelPeers: [])
    }
    public mutating func requestFailed(_ block: BlockRequest, peer: PeerKey) { inflight[block] = nil }
    public mutating func peerChoked(_ peer: PeerKey) -> [BlockRequest] { let r = inflight.filter { $0.value.contains(peer) }.map(\.key); for x in r { inflight[x] = nil }; return r }
    public func inFlight(for peer: PeerKey) -> Int { inflight.values.filter { $0.contains(peer) }.count }
    public mutating func pieceVerified(_ piece: Int) { have[piece] = true; received[piece] = nil; contributors[piece] = nil }
    public mutating func pieceFailed(_ piece: Int) -> Set<PeerKey> { received[piece] = nil; return contributors.removeValue(forKey: piece) ?? [] }
    public var distributedCopies: Double { 0 }
}
public struct Choker: Sendable {
    public struct Peer: Sendable, Equatable { public var key: PeerKey; public var isInterested: Bool; public var downloadRate: Double; public var uploadRate: Double; public var connectedAt: Duration; public var isSnubbed: Bool; public var isSeed: Bool
      public init(key: PeerKey, isInterested: Bool, downloadRate: Double, uploadRate: Double, connectedAt: Duration, isSnubbed: Bool, isSeed: Bool) { self.key = key; self.isInterested = isInterested; self.downloadRate = downloadRate; self.uploadRate = uploadRate; self.connectedAt = connectedAt; self.isSnubbed = isSnubbed; self.isSeed = isSeed } }
    public struct Decision: Equatable, Sendable { public var unchoked: Set<PeerKey>; public var optimistic: PeerKey? }
    var last: Duration? = nil
    let slots: Int
    public init(regularSlots: Int = 4, rechokeInterval: Duration = .seconds(10), optimisticInterval: Duration = .seconds(30), seed: UInt64 = 0) { slots = regularSlots }
    public func isRechokeDue(now: Duration) -> Bool { last.map { now - $0 >= .seconds(10) } ?? true }
    public mutating func rechoke(peers: [Peer], isSeeding: Bool, now: Duration) -> Decision {
        last = now
        let ranked = peers.filter(\.isInterested).sorted { isSeeding ? $0.uploadRate > $1.uploadRate : $0.downloadRate > $1.downloadRate }
        return Decision(unchoked: Set(ranked.prefix(slots + 1).map(\.key)), optimistic: nil)
    }
}
