import TorrentModel

/// Decides which blocks to request from which peer: BEP 3's piece selection as libtorrent and rTorrent do it.
///
/// A pure value: the engine feeds it events (a peer's bitfield, HAVE, a block arrived, a piece verified) and
/// asks it for requests. No I/O, no clock.
///
/// Rules, in the order they are applied by ``pickBlocks(for:count:)``:
/// 1. Never a block the peer lacks, that we already received, or that this peer was already asked for.
/// 2. Higher priority first; priority 0 pieces are never picked.
/// 3. Within a priority, pieces in progress are finished before new ones are started, so that pieces
///    complete (and can be verified and shared) as early as possible.
/// 4. New pieces are chosen at random until ``randomFirstPieces`` are verified (a rare piece would be slow
///    to finish, and we want something to trade quickly), then rarest first: lowest availability among the
///    connected peers, ties broken at random so that peers running the same picker do not all converge on
///    the lowest index.
/// 5. Endgame: once every missing wanted block is requested or received, a block already in flight may be
///    requested again from up to ``endgameRequestLimit`` peers in total; ``blockReceived(_:from:)`` then
///    names the other peers so the engine can send `cancel`.
///
/// Piece states (each missing wanted piece is in exactly one):
/// - *candidate*: nothing requested yet; kept in ``RarityBuckets`` (no per-block state).
/// - *in progress*: at least one block requested or received; a ``PartialPiece`` holds per-block state.
///   A piece stays in progress while all its blocks have arrived and it awaits hashing.
/// - *verified*: in ``have``.
///
/// Stored properties are internal (not private) only so that `checkInvariants()` and tests can read them.
///
/// Cost: availability is counted incrementally, an availability change moves one piece between buckets,
/// and starting a new piece walks the buckets from the rarest (or, for a peer with few pieces, its bitfield).
public struct PiecePicker: Sendable {
    public let geometry: PieceGeometry
    /// Verified pieces.
    public private(set) var have: Bitfield
    /// New pieces are picked at random until this many pieces are verified, then rarest first.
    public var randomFirstPieces = 4
    /// In endgame, a block is in flight at no more than this many peers at once.
    public var endgameRequestLimit = 3
    /// Start new pieces in index order instead of rarest first, for playing a file while it downloads.
    /// Priorities then only decide what is wanted, not the order.
    public var isSequential = false {
        didSet { sequentialCursor = 0 }
    }

    var priorities: [Int]
    /// Number of connected peers that have each piece.
    var availabilityCounts: [Int32]
    var candidates: RarityBuckets
    var partials: [PartialPiece] = []
    /// Per piece: its index in `partials`, or -1.
    var partialSlot: [Int32]
    var peers: [PeerKey: PeerState] = [:]
    /// Wanted, unverified pieces.
    var wantedMissingPieces = 0
    /// Blocks of wanted, unverified pieces that are neither requested nor received. Zero means endgame.
    var unrequestedBlocks = 0
    var generator: SplitMix64
    /// With `isSequential`: every piece below this index is verified or not wanted.
    var sequentialCursor = 0

    /// Every piece starts at `priority` (at least 1: wanted).
    public init(geometry: PieceGeometry, have: Bitfield, priority: Int = 1, seed: UInt64 = .random(in: .min ... .max)) {
        precondition(
            have.count == geometry.pieceCount,
            "bitfield has \(have.count) bits, torrent has \(geometry.pieceCount) pieces")
        precondition(priority > 0, "a new picker wants every piece")
        self.geometry = geometry
        self.have = have
        self.generator = SplitMix64(seed: seed)
        let count = geometry.pieceCount
        priorities = [Int](repeating: priority, count: count)
        availabilityCounts = [Int32](repeating: 0, count: count)
        partialSlot = [Int32](repeating: -1, count: count)
        candidates = RarityBuckets(pieceCount: count)
        for piece in 0..<count where !have[piece] {
            candidates.insert(piece, priority: priority, availability: 0, using: &generator)
            wantedMissingPieces += 1
            unrequestedBlocks += geometry.blockCount(ofPiece: piece)
        }
    }

    // MARK: - State

    /// Every wanted (priority > 0) piece is verified.
    public var isComplete: Bool { wantedMissingPieces == 0 }

    /// Every missing wanted block is requested or received, so in-flight blocks may be requested again.
    public var isEndgame: Bool { wantedMissingPieces > 0 && unrequestedBlocks == 0 }

    public func priority(ofPiece piece: Int) -> Int { priorities[piece] }

    /// 0 skips the piece (it is never picked and does not count for ``isComplete``), 1 is normal, higher
    /// priorities are picked first. Blocks of the piece already in flight stay in flight.
    public mutating func setPriority(_ priority: Int, ofPiece piece: Int) {
        precondition(priority >= 0, "priority must not be negative")
        let old = priorities[piece]
        guard old != priority else { return }
        priorities[piece] = priority
        if priority > 0 { sequentialCursor = min(sequentialCursor, piece) }
        guard !have[piece] else { return }
        let wasWanted = old > 0
        let isWanted = priority > 0
        let slot = Int(partialSlot[piece])
        let availability = Int(availabilityCounts[piece])
        if slot < 0 {
            if wasWanted { candidates.remove(piece, priority: old, availability: availability) }
            if isWanted { candidates.insert(piece, priority: priority, availability: availability, using: &generator) }
        }
        guard wasWanted != isWanted else { return }
        let delta = isWanted ? 1 : -1
        let unrequested = slot < 0 ? geometry.blockCount(ofPiece: piece) : partials[slot].missing
        wantedMissingPieces += delta
        unrequestedBlocks += delta * unrequested
        for key in peers.keys where peers[key]!.has[piece] {
            peers[key]!.wantedPieces += delta
        }
    }

    // MARK: - Availability

    /// A peer's pieces are known (after `bitfield`, `have_all` or `have_none`). Calling it again replaces
    /// the bitfield; the peer's in-flight blocks stay in flight.
    public mutating func peerJoined(_ peer: PeerKey, has: Bitfield) {
        precondition(
            has.count == geometry.pieceCount,
            "bitfield has \(has.count) bits, torrent has \(geometry.pieceCount) pieces")
        if let old = peers[peer]?.has {
            Self.forEachSetBit(of: old) { changeAvailability(of: $0, by: -1) }
        } else {
            peers[peer] = PeerState(has: has)
        }
        var wanted = 0
        Self.forEachSetBit(of: has) { piece in
            changeAvailability(of: piece, by: 1)
            if isWantedMissing(piece) { wanted += 1 }
        }
        peers[peer]!.has = has
        peers[peer]!.wantedPieces = wanted
    }

    /// The peer announced a piece (HAVE). Unknown peers are treated as having joined with nothing; an index
    /// out of range (a misbehaving peer) is ignored.
    public mutating func peerHas(_ peer: PeerKey, piece: Int) {
        guard piece >= 0 && piece < geometry.pieceCount else { return }
        if peers[peer] == nil { peers[peer] = PeerState(has: Bitfield(count: geometry.pieceCount)) }
        guard !peers[peer]!.has[piece] else { return }
        peers[peer]!.has[piece] = true
        if isWantedMissing(piece) { peers[peer]!.wantedPieces += 1 }
        changeAvailability(of: piece, by: 1)
    }

    /// The connection closed: its pieces no longer count and its in-flight blocks become pickable again.
    /// Blocks it already sent still count as its contribution (see ``pieceFailed(_:)``).
    public mutating func peerLeft(_ peer: PeerKey) {
        guard let state = peers[peer] else { return }
        _ = peerChoked(peer)
        Self.forEachSetBit(of: state.has) { changeAvailability(of: $0, by: -1) }
        peers[peer] = nil
    }

    /// How many connected peers have the piece.
    public func availability(ofPiece piece: Int) -> Int { Int(availabilityCounts[piece]) }

    public func peerBitfield(_ peer: PeerKey) -> Bitfield? { peers[peer]?.has }

    /// The peer has a wanted piece that we have not verified yet (so we should be interested in it).
    /// Pieces with blocks requested or received but not yet verified.
    public var piecesInProgress: [Int] { partials.map(\.piece) }

    public func isInteresting(_ peer: PeerKey) -> Bool { (peers[peer]?.wantedPieces ?? 0) > 0 }

    /// libtorrent's and rTorrent's "distributed copies": how many complete copies of the torrent the
    /// connected peers and we hold between us. The integer part is the availability of the rarest piece;
    /// the fraction is the share of pieces more available than that. 0 for an empty torrent.
    public var distributedCopies: Double {
        let count = geometry.pieceCount
        guard count > 0 else { return 0 }
        var rarest = Int.max
        var atRarest = 0
        for piece in 0..<count {
            let copies = Int(availabilityCounts[piece]) + (have[piece] ? 1 : 0)
            if copies < rarest {
                rarest = copies
                atRarest = 1
            } else if copies == rarest {
                atRarest += 1
            }
        }
        return Double(rarest) + Double(count - atRarest) / Double(count)
    }

    // MARK: - Requests

    /// Up to `count` blocks to request from the peer, best first; fewer (or none) when nothing is left that
    /// the peer can give us. The returned blocks are in flight at the peer until they arrive, fail, or the
    /// peer chokes us or leaves. With `onlyFrom`, only blocks of those pieces (a choking peer's allowed-fast
    /// pieces, or the pieces it suggested).
    public mutating func pickBlocks(for peer: PeerKey, count: Int, onlyFrom pieces: Bitfield? = nil) -> [BlockRequest] {
        guard count > 0, var has = peers[peer]?.has else { return [] }
        if let pieces { has = has.intersection(pieces) }
        var picked: [BlockRequest] = []
        picked.reserveCapacity(count)

        // Pieces in progress, best first, and a new piece only when none is left or a new one has a higher
        // priority. Finding the best new piece costs a walk, so it is looked up only when some candidate
        // outranks the next started piece, and at most once until a piece is started.
        let started = startedPieces(has: has, requireUnrequested: true)
        var next = 0
        var newPiece: Int?
        var isNewPieceKnown = false
        while picked.count < count {
            while next < started.count && partials[started[next]].missing == 0 { next += 1 }
            let startedPriority = next < started.count ? priorities[partials[started[next]].piece] : Int.min
            if !isNewPieceKnown && unrequestedBlocks > 0 && startedPriority < candidates.highestPriority {
                newPiece = bestNewPiece(has: has)
                isNewPieceKnown = true
            }
            if let piece = newPiece, priorities[piece] > startedPriority {
                requestMissingBlocks(ofPartial: startPiece(piece), from: peer, count: count, into: &picked)
                newPiece = nil
                isNewPieceKnown = false
            } else if next < started.count {
                requestMissingBlocks(ofPartial: started[next], from: peer, count: count, into: &picked)
            } else {
                break
            }
        }

        if picked.count < count && isEndgame {
            pickEndgameBlocks(for: peer, has: has, count: count, into: &picked)
        }
        return picked
    }

    /// A block arrived. Accepted when it belongs to a piece in progress, was requested from somebody
    /// (possibly another peer, or this one before its request timed out) and has not arrived before.
    public mutating func blockReceived(_ block: BlockRequest, from peer: PeerKey) -> BlockReceipt {
        guard let (slot, index) = locate(block) else { return .notRequested }
        let state = partials[slot].blocks[index]
        guard state.sender == nil, state.wasRequested else { return .notRequested }
        let piece = block.piece
        if state.requesters.isEmpty {
            // Late data after the request was released: it was counted as unrequested.
            partials[slot].missing -= 1
            if priorities[piece] > 0 { unrequestedBlocks -= 1 }
        }
        var cancelPeers: [PeerKey] = []
        for requester in state.requesters {
            peers[requester]?.inFlight.remove(block)
            if requester != peer { cancelPeers.append(requester) }
        }
        partials[slot].blocks[index] = BlockState(sender: peer)
        partials[slot].received += 1
        partials[slot].contributors.insert(peer)
        let complete = partials[slot].received == partials[slot].blocks.count
        return .accepted(pieceComplete: complete, cancelPeers: cancelPeers)
    }

    /// The request was rejected, timed out or cancelled: the block becomes pickable again (unless other
    /// peers still have it in flight, in endgame).
    public mutating func requestFailed(_ block: BlockRequest, peer: PeerKey) {
        guard peers[peer]?.inFlight.remove(block) != nil else { return }
        release(block, from: peer)
    }

    /// Releases all of the peer's in-flight blocks, which become pickable again, and returns them in order.
    public mutating func peerChoked(_ peer: PeerKey) -> [BlockRequest] {
        guard let blocks = peers[peer]?.inFlight, !blocks.isEmpty else { return [] }
        peers[peer]!.inFlight = []
        let sorted = blocks.sorted { ($0.piece, $0.begin) < ($1.piece, $1.begin) }
        for block in sorted { release(block, from: peer) }
        return sorted
    }

    /// Number of blocks requested from the peer that have not arrived yet.
    public func inFlight(for peer: PeerKey) -> Int { peers[peer]?.inFlight.count ?? 0 }

    /// The piece's hash matched. Any of its blocks still in flight are forgotten (the engine cancels them).
    public mutating func pieceVerified(_ piece: Int) {
        guard !have[piece] else { return }
        have[piece] = true
        let isWanted = priorities[piece] > 0
        let slot = Int(partialSlot[piece])
        if slot >= 0 {
            if isWanted { unrequestedBlocks -= partials[slot].missing }
            forgetRequests(ofPartial: slot)
            removePartial(slot)
        } else if isWanted {
            candidates.remove(piece, priority: priorities[piece], availability: Int(availabilityCounts[piece]))
            unrequestedBlocks -= geometry.blockCount(ofPiece: piece)
        }
        guard isWanted else { return }
        wantedMissingPieces -= 1
        for key in peers.keys where peers[key]!.has[piece] {
            peers[key]!.wantedPieces -= 1
        }
    }

    /// The piece's hash did not match: every block of it is missing again and it can be picked anew.
    /// Returns the peers that sent blocks of it, including peers that have left since, for banning.
    /// Pieces in progress that hold blocks sent by `peer` (to throw away when the peer is banned).
    public func piecesContributed(by peer: PeerKey) -> [Int] {
        partials.filter { $0.contributors.contains(peer) }.map(\.piece)
    }

    public mutating func pieceFailed(_ piece: Int) -> Set<PeerKey> {
        let slot = Int(partialSlot[piece])
        guard slot >= 0, !have[piece] else { return [] }
        let contributors = partials[slot].contributors
        forgetRequests(ofPartial: slot)
        let priority = priorities[piece]
        if priority > 0 {
            unrequestedBlocks += geometry.blockCount(ofPiece: piece) - partials[slot].missing
        }
        removePartial(slot)
        if priority > 0 {
            candidates.insert(
                piece, priority: priority, availability: Int(availabilityCounts[piece]), using: &generator)
        }
        return contributors
    }

    // MARK: - Picking, privately

    private func isWantedMissing(_ piece: Int) -> Bool { priorities[piece] > 0 && !have[piece] }

    /// Indices into `partials` of the wanted pieces in progress that the peer has, best first: higher
    /// priority, then rarer, then lower index. With `requireUnrequested`, only those with a block that
    /// nobody has been asked for.
    private func startedPieces(has: Bitfield, requireUnrequested: Bool) -> [Int] {
        var result: [Int] = []
        for (slot, partial) in partials.enumerated()
        where (!requireUnrequested || partial.missing > 0) && priorities[partial.piece] > 0 && has[partial.piece] {
            result.append(slot)
        }
        result.sort { a, b in
            let pa = partials[a].piece
            let pb = partials[b].piece
            if priorities[pa] != priorities[pb] { return priorities[pa] > priorities[pb] }
            if availabilityCounts[pa] != availabilityCounts[pb] {
                return availabilityCounts[pa] < availabilityCounts[pb]
            }
            return pa < pb
        }
        return result
    }

    /// The candidate piece to start next for a peer with these pieces, or nil.
    private mutating func bestNewPiece(has: Bitfield) -> Int? {
        if isSequential { return firstNewPiece(has: has) }
        if have.setCount < randomFirstPieces { return randomNewPiece(has: has) }
        // Walking the buckets from the rarest is quick when the peer has most pieces; a peer with few
        // pieces would make us walk past many it lacks, so walk its bitfield instead. Both give the same
        // answer: the first member in (priority, availability, random rank) order.
        if has.setCount * 8 >= candidates.count {
            for level in candidates.levels where level.count > 0 {
                for bucket in level.buckets.dropFirst() {  // bucket 0: nobody has those pieces
                    for piece in bucket where has[piece] { return piece }
                }
            }
            return nil
        }
        var best: (level: Int, availability: Int32, rank: Int, piece: Int)?
        Self.forEachSetBit(of: has) { piece in
            guard candidates.contains(piece), let level = candidates.levelIndex(ofPriority: priorities[piece]) else {
                return
            }
            let key = (level, availabilityCounts[piece], candidates.rank(of: piece), piece)
            if let current = best, (current.level, current.availability, current.rank) <= (key.0, key.1, key.2) {
                return
            }
            best = key
        }
        return best?.piece
    }

    /// The lowest-numbered candidate the peer has.
    private mutating func firstNewPiece(has: Bitfield) -> Int? {
        while sequentialCursor < geometry.pieceCount,
            have[sequentialCursor] || priorities[sequentialCursor] == 0
        {
            sequentialCursor += 1
        }
        var piece = sequentialCursor
        while piece < geometry.pieceCount {
            if has[piece] && candidates.contains(piece) { return piece }
            piece += 1
        }
        return nil
    }

    /// A uniformly random candidate of the highest priority among those the peer has.
    private mutating func randomNewPiece(has: Bitfield) -> Int? {
        var chosen: Int?
        var chosenLevel = Int.max
        var seen = 0
        var generator = self.generator
        Self.forEachSetBit(of: has) { piece in
            guard candidates.contains(piece), let level = candidates.levelIndex(ofPriority: priorities[piece]) else {
                return
            }
            if level < chosenLevel {
                chosenLevel = level
                seen = 0
            }
            guard level == chosenLevel else { return }
            seen += 1
            if Int.random(in: 0..<seen, using: &generator) == 0 { chosen = piece }  // reservoir sampling
        }
        self.generator = generator
        return chosen
    }

    /// Moves a candidate piece into progress; returns its index in `partials`.
    private mutating func startPiece(_ piece: Int) -> Int {
        candidates.remove(piece, priority: priorities[piece], availability: Int(availabilityCounts[piece]))
        let blockCount = geometry.blockCount(ofPiece: piece)
        partialSlot[piece] = Int32(partials.count)
        partials.append(
            PartialPiece(piece: piece, blocks: Array(repeating: BlockState(), count: blockCount), missing: blockCount))
        return partials.count - 1
    }

    private mutating func requestMissingBlocks(
        ofPartial slot: Int, from peer: PeerKey, count: Int, into picked: inout [BlockRequest]
    ) {
        let piece = partials[slot].piece
        for index in partials[slot].blocks.indices where picked.count < count {
            guard partials[slot].blocks[index].isMissing else { continue }
            partials[slot].blocks[index].requesters.append(peer)
            partials[slot].blocks[index].wasRequested = true
            partials[slot].missing -= 1
            unrequestedBlocks -= 1
            let block = blockRequest(piece: piece, index: index)
            peers[peer]!.inFlight.insert(block)
            picked.append(block)
        }
    }

    /// Endgame: blocks already in flight elsewhere, those at the fewest peers first.
    private mutating func pickEndgameBlocks(
        for peer: PeerKey, has: Bitfield, count: Int, into picked: inout [BlockRequest]
    ) {
        let started = startedPieces(has: has, requireUnrequested: false)
        for sharing in 1..<max(1, endgameRequestLimit) {
            for slot in started {
                let piece = partials[slot].piece
                for index in partials[slot].blocks.indices {
                    guard picked.count < count else { return }
                    let state = partials[slot].blocks[index]
                    guard state.sender == nil, state.requesters.count == sharing, !state.requesters.contains(peer)
                    else { continue }
                    partials[slot].blocks[index].requesters.append(peer)
                    let block = blockRequest(piece: piece, index: index)
                    peers[peer]!.inFlight.insert(block)
                    picked.append(block)
                }
            }
        }
    }

    // MARK: - Bookkeeping, privately

    private func blockRequest(piece: Int, index: Int) -> BlockRequest {
        BlockRequest(
            piece: piece, begin: index * PieceGeometry.blockSize,
            length: geometry.length(ofBlock: index, inPiece: piece))
    }

    /// The in-progress slot and block index of a well-formed block, or nil.
    private func locate(_ block: BlockRequest) -> (slot: Int, index: Int)? {
        guard geometry.isValidBlock(piece: block.piece, begin: block.begin, length: block.length) else { return nil }
        let slot = Int(partialSlot[block.piece])
        guard slot >= 0 else { return nil }
        return (slot, block.begin / PieceGeometry.blockSize)
    }

    /// Takes the peer off the block's requesters (its `inFlight` entry is already gone).
    private mutating func release(_ block: BlockRequest, from peer: PeerKey) {
        guard let (slot, index) = locate(block),
            let position = partials[slot].blocks[index].requesters.firstIndex(of: peer)
        else { return }
        partials[slot].blocks[index].requesters.remove(at: position)
        if partials[slot].blocks[index].isMissing {
            partials[slot].missing += 1
            if priorities[block.piece] > 0 { unrequestedBlocks += 1 }
        }
    }

    /// Drops every request for the piece's blocks from the requesting peers' in-flight sets.
    private mutating func forgetRequests(ofPartial slot: Int) {
        let piece = partials[slot].piece
        for index in partials[slot].blocks.indices {
            let requesters = partials[slot].blocks[index].requesters
            guard !requesters.isEmpty else { continue }
            let block = blockRequest(piece: piece, index: index)
            for requester in requesters { peers[requester]?.inFlight.remove(block) }
            partials[slot].blocks[index].requesters = []
        }
    }

    private mutating func removePartial(_ slot: Int) {
        let piece = partials[slot].piece
        let last = partials.removeLast()
        if last.piece != piece {
            partials[slot] = last
            partialSlot[last.piece] = Int32(slot)
        }
        partialSlot[piece] = -1
    }

    private mutating func changeAvailability(of piece: Int, by delta: Int32) {
        let old = availabilityCounts[piece]
        availabilityCounts[piece] = old + delta
        candidates.updateAvailability(
            of: piece, priority: priorities[piece], from: Int(old), to: Int(old + delta), using: &generator)
    }

    private static func forEachSetBit(of bitfield: Bitfield, _ body: (Int) -> Void) {
        for (byteIndex, byte) in bitfield.bytes.enumerated() where byte != 0 {
            var bits = byte
            while bits != 0 {
                let bit = bits.leadingZeroBitCount
                body(byteIndex * 8 + bit)
                bits &= ~(0x80 >> UInt8(bit))
            }
        }
    }
}

/// What ``PiecePicker/blockReceived(_:from:)`` made of a block.
public enum BlockReceipt: Equatable, Sendable {
    /// Stored. `pieceComplete`: every block of the piece has now arrived, so the engine hashes it.
    /// `cancelPeers`: the other peers the block was in flight at (endgame), to send `cancel` to.
    case accepted(pieceComplete: Bool, cancelPeers: [PeerKey])
    /// Nobody was asked for it, or it already arrived: the engine drops the data.
    case notRequested
}

/// Per-block state of a piece in progress.
struct BlockState: Sendable {
    /// Peers the block is in flight at; more than one only in endgame.
    var requesters: [PeerKey] = []
    /// The peer that delivered it; nil while it has not arrived.
    var sender: PeerKey?
    /// Somebody was asked for it since the piece was started, so data for it is welcome.
    var wasRequested = false

    init() {}

    init(sender: PeerKey) {
        self.sender = sender
        self.wasRequested = true
    }

    var isMissing: Bool { sender == nil && requesters.isEmpty }
}

struct PartialPiece: Sendable {
    let piece: Int
    var blocks: [BlockState]
    /// Blocks neither requested nor received.
    var missing: Int
    var received = 0
    /// Peers that sent blocks of this piece, kept after they leave: if the hash fails, they are suspects.
    var contributors: Set<PeerKey> = []

    init(piece: Int, blocks: [BlockState], missing: Int) {
        self.piece = piece
        self.blocks = blocks
        self.missing = missing
    }
}

struct PeerState: Sendable {
    var has: Bitfield
    var inFlight: Set<BlockRequest> = []
    /// How many of its pieces are wanted and not verified by us; > 0 means it is interesting.
    var wantedPieces = 0
}
