/// Tit-for-tat upload slots: a pure ranking that the engine calls from a timer.
///
/// Every ``rechokeInterval`` (10 s) the engine calls ``rechoke(peers:isSeeding:now:)`` and unchokes exactly
/// the peers in the returned ``Decision``.
///
/// **While leeching** it is BEP 3's tit-for-tat:
/// - **Regular slots** go to the ``regularSlots`` interested peers that reciprocate best: the ones we
///   download fastest from. Snubbed peers (they stopped sending to us) rank after every other peer, so they
///   only get a regular slot that nobody else wants: a slot left empty is upload capacity thrown away.
/// - **One optimistic unchoke** goes to a choked interested peer, kept for ``optimisticInterval`` (30 s)
///   and then rotated, so that we discover peers better than our current ones and newcomers, which have
///   nothing to trade yet, can get their first pieces. A peer connected within ``newPeerWindow`` (60 s) is
///   ``newPeerWeight`` (3) times as likely to be picked. The optimistic peer is in ``Decision/unchoked``.
///   The unchoke is a trial: a peer that has pieces we want (``Peer/amInterested``) but keeps choking us
///   (``Peer/isChokingUs``) does not reciprocate, and loses the slot at the next rechoke instead of after
///   30 s. And a peer that took ``freeRiderAllowance`` (2 MiB) from us and never sent us a byte, although
///   it has pieces we want, is a proven free rider (``freeRiders``; the verdict stays when it later has
///   nothing we want, and when we seed): it gets no slot, regular or optimistic, while any other
///   interested peer can use our upload; when nobody else wants it, it gets the optimistic slot's share
///   (``freeRidersTurn(_:now:)``). Letting it fill slots that reciprocating peers did not want at that
///   moment made it finish with them, not last. (It can still earn a slot the BEP 3 way, by uploading to
///   us: one byte lifts the verdict.) A peer we never served can be one too: it **refused** us (choked us
///   for ``refusalWindow`` while it had pieces we wanted, and never sent a byte) and the ledger never saw
///   it pass pieces on, while it saw others do (``noteRefusals(_:now:)``). Refusing peers also come last
///   for the optimistic slot.
/// - **Quick start**: until a rechoke finds an interested peer, and for ``quickStartWindow`` (10 s) after,
///   rechokes come every ``quickStartInterval`` (2 s). Until the first rates exist, peers are unchoked
///   as they come (the engine fills free slots), free riders included; ten seconds of that is a large
///   share of a short download.
/// - **Uninterested peers** that rank above the slowest regular peer stay unchoked too (BEP 3): it costs
///   nothing, since they request nothing, and if they become interested they can start at once; the next
///   rechoke then chokes the slowest regular peer.
///
/// **While seeding** nobody uploads to us, so there is no rate to reciprocate. Ranking by how fast peers
/// take our data (what BEP 3 suggests, and libtorrent's "fastest upload") rewards free riders: a peer that
/// uploads nothing has all of its bandwidth free to download from us, so it is the fastest taker and wins a
/// slot every time. A seed wants its data *spread*, so it ranks peers by whether its pieces go on from them,
/// then by what the swarm gives them:
/// - **Passed on**: pieces that only this peer had and that other peers then got without us
///   (``Peer/piecesPassedOn``, from ``SpreadLedger``), over the last ``seedWindow``. It is the one trace of
///   a peer's *upload* a seed can see, and a free rider's is zero; honest peers show some within seconds.
/// - **Gained from others** (among equals): the bytes a peer announced (its `have` messages: ``Peer/bytesHave``) minus the
///   bytes we sent it (``Peer/uploaded``), per second over the last ``seedWindow`` (30 s). Under tit-for-tat
///   the other peers feed those who upload to them, so this is the swarm's own verdict on the peer, and the
///   seed can observe it for choked peers too. A free rider gets only optimistic unchokes from others, and a
///   peer that hides its pieces (never sends `have`) scores below zero.
/// - Ties (at the start everybody is at zero) go to the peer **we have sent the least** (round robin), so
///   the seed's first pieces are spread over many peers instead of piling up at one.
/// - **The optimistic slot** goes to a newcomer (first seen less than ``rechokeInterval`` ago: a late
///   joiner has nothing to trade and no record yet), kept while it is the only newcomer; among several
///   (the torrent's start) it moves at every rechoke to one we sent least. When there is none, it goes to
///   the choked peer that gains most from others, so that a peer the seed never served gets pieces it can
///   pass on. Peers that held pieces back and never passed one on come last for it. The seed keeps
///   measuring choked peers, so it does not need luck to find good ones, and once measured a free rider
///   gets a seed slot only when no reciprocating peer wants one.
/// - **Free riders wait**: a peer we found to be a free rider while we were leeching (the verdict is kept
///   once we seed, until it sends us something), a **hoarder** (``Peer/isHoarder``: pieces that only it
///   had and others needed never went from it to them; see ``SpreadLedger``), or a **silent holder** (it
///   held back a piece and never passed one on, while a typical peer passed on ``witnessTypical``: see
///   ``isSilentHolder(_:)``) gets no slot, regular or optimistic, while any other interested peer wants
///   one. Ranking by "gained from others" alone is not
///   enough: in the first seconds a free rider gains as fast as anyone (every leecher's allowance), and
///   the seed's upload is the scarcest in the swarm. When nobody else wants it, they get the optimistic
///   slot's share of it and no more (see ``freeRidersTurn(_:now:)``).
/// - Snubbing means nothing to a seed (it asks nobody for data).
///
/// **Seeds** are never unchoked: they have every piece, so they have nothing to ask of us.
/// Ties go to the peer connected longest, then to the lower key, so decisions are reproducible.
public struct Choker: Sendable {
    public struct Peer: Sendable, Equatable {
        public var key: PeerKey
        /// The peer is interested in us.
        public var isInterested: Bool
        /// Bytes/s we receive from it (recent, e.g. a 20 s average).
        public var downloadRate: Double
        /// Bytes/s we send to it.
        public var uploadRate: Double
        public var connectedAt: Duration
        /// It has sent us nothing for a while although we asked.
        public var isSnubbed: Bool
        /// It has every piece.
        public var isSeed: Bool
        /// Bytes of the pieces it announced (bitfield and `have` messages).
        public var bytesHave: Int64
        /// Bytes we have sent it since it connected.
        public var uploaded: Int64
        /// Bytes it has sent us since it connected.
        public var downloaded: Int64
        /// We want some of its pieces.
        public var amInterested: Bool
        /// It chokes us.
        public var isChokingUs: Bool
        /// Pieces only it had, which other peers needed, did not go from it to them (``SpreadLedger``).
        public var isHoarder: Bool
        /// Pieces that only it had and that other peers then got without us (``SpreadLedger/passedOn``):
        /// what we saw it pass on, since it connected.
        public var piecesPassedOn: Int
        /// Pieces that only it had and that other peers then got from us instead (``SpreadLedger/heldBack``).
        public var piecesHeldBack: Int

        public init(
            key: PeerKey, isInterested: Bool, downloadRate: Double = 0, uploadRate: Double = 0,
            connectedAt: Duration = .zero, isSnubbed: Bool = false, isSeed: Bool = false, bytesHave: Int64 = 0,
            uploaded: Int64 = 0, downloaded: Int64 = 0, amInterested: Bool = false, isChokingUs: Bool = false,
            isHoarder: Bool = false, piecesPassedOn: Int = 0, piecesHeldBack: Int = 0
        ) {
            self.piecesHeldBack = piecesHeldBack
            self.isHoarder = isHoarder
            self.piecesPassedOn = piecesPassedOn
            self.downloaded = downloaded
            self.amInterested = amInterested
            self.isChokingUs = isChokingUs
            self.bytesHave = bytesHave
            self.uploaded = uploaded
            self.key = key
            self.isInterested = isInterested
            self.downloadRate = downloadRate
            self.uploadRate = uploadRate
            self.connectedAt = connectedAt
            self.isSnubbed = isSnubbed
            self.isSeed = isSeed
        }
    }

    public struct Decision: Equatable, Sendable {
        /// Every peer to unchoke, the optimistic one included; all others are choked.
        public var unchoked: Set<PeerKey>
        public var optimistic: PeerKey?

        public init(unchoked: Set<PeerKey>, optimistic: PeerKey?) {
            self.unchoked = unchoked
            self.optimistic = optimistic
        }
    }

    public var regularSlots: Int
    public var rechokeInterval: Duration
    public var optimisticInterval: Duration
    /// Peers connected for less than this are favoured for the optimistic unchoke.
    public var newPeerWindow: Duration = .seconds(60)
    /// How many times as likely a new peer is to get the optimistic unchoke.
    public var newPeerWeight = 3
    /// While seeding, how far back ``rechoke(peers:isSeeding:now:)`` looks to measure what each peer gains
    /// from others.
    public var seedWindow: Duration = .seconds(30)
    /// What a peer may take from us, while never sending us anything we want, before it counts as a free
    /// rider for the optimistic unchoke.
    public var freeRiderAllowance: Int64 = 2 << 20
    /// How long a peer may choke us while it has pieces we want, without ever sending us a byte, before
    /// the ledger's silence about it makes it a free rider (see ``noteRefusals(_:now:)``).
    public var refusalWindow: Duration = .seconds(10)
    /// How many peers the ledger must have seen passing pieces on before its silence about one means
    /// anything: fewer, and it may simply not see this swarm's trades (a lone pair, a swarm of seeds).
    public var witnessesNeeded = 2
    /// A peer counts as passing pieces on when the ledger saw it pass on at least this share of what a
    /// typical peer did (the median of those seen passing any): see ``isSeenPassingOn(_:)``.
    public var passOnShare = 0.5
    /// What a typical peer must have passed on before a peer that held back and passed on nothing is held
    /// to the free riders' rules (``isSilentHolder(_:)``).
    public var witnessTypical = 4
    /// How long rechokes come quickly once peers are interested, and how often.
    public var quickStartWindow: Duration = .seconds(10)
    public var quickStartInterval: Duration = .seconds(2)
    /// The first rechoke that found an interested peer.
    public private(set) var firstInterestAt: Duration?

    /// When ``rechoke(peers:isSeeding:now:)`` last ran.
    public private(set) var lastRechoke: Duration?
    /// The current optimistic unchoke.
    public private(set) var optimisticPeer: PeerKey?
    /// When ``optimisticPeer`` was chosen.
    public private(set) var optimisticSince: Duration?
    private var generator: SplitMix64
    /// While seeding: what each peer had and had been sent at recent rechokes, oldest first.
    private var history: [PeerKey: [Sample]] = [:]
    /// While seeding: the first rechoke that saw each peer.
    private var firstSeen: [PeerKey: Duration] = [:]
    /// Peers found to be free riders while we were leeching (took our allowance, never sent us a byte
    /// though they had pieces we wanted). The verdict outlives our download: see the seeding rules.
    public private(set) var freeRiders: Set<PeerKey> = []
    /// Peers that had pieces we wanted at some rechoke while we were leeching.
    private var hadWhatWeWanted: Set<PeerKey> = []
    /// The highest median of ``Peer/piecesPassedOn``, over the peers that passed any on, that a rechoke
    /// with at least ``witnessesNeeded`` such peers saw. Kept when they leave: at the end of a download
    /// the free rider may be the only peer left, and would be its own yardstick.
    private var typicalPassedOn = 0
    /// Peers the last rechoke held to the free riders' rules (proven free riders that are not seen passing
    /// pieces on, hoarders, silent holders), interested or not: the engine must not unchoke them between
    /// rechokes either, when they say they are interested.
    public private(set) var freeRiding: Set<PeerKey> = []
    /// While leeching: since when each peer has refused us, choking us while it had pieces we wanted and
    /// never sending us a byte. It ends when the peer unchokes us or sends us something.
    private var refusingSince: [PeerKey: Duration] = [:]
    /// While seeding to free riders only: when the current one's turn began, and how many turns so far.
    private var freeRiderTurnStart: Duration?
    private var freeRiderTurns = 0
    /// Which rechoke interval of the current period is the free riders' turn.
    private var freeRiderTurnSlot = 1

    private struct Sample: Sendable {
        var at: Duration
        var bytesHave: Int64
        var uploaded: Int64
        var passedOn: Int
    }

    public init(
        regularSlots: Int = 4, rechokeInterval: Duration = .seconds(10), optimisticInterval: Duration = .seconds(30),
        seed: UInt64 = .random(in: .min ... .max)
    ) {
        precondition(regularSlots >= 0, "regularSlots must not be negative")
        self.regularSlots = regularSlots
        self.rechokeInterval = rechokeInterval
        self.optimisticInterval = optimisticInterval
        self.generator = SplitMix64(seed: seed)
    }

    /// True before the first rechoke and once ``rechokeInterval`` has passed since the last one
    /// (``quickStartInterval`` during the quick start).
    public func isRechokeDue(now: Duration) -> Bool {
        guard let lastRechoke else { return true }
        if firstInterestAt.map({ now - $0 < quickStartWindow }) ?? true {
            return now - lastRechoke >= quickStartInterval
        }
        return now - lastRechoke >= rechokeInterval
    }

    /// Decides whom to unchoke. `peers` are the connected peers; any peer missing from it is choked.
    public mutating func rechoke(peers: [Peer], isSeeding: Bool, now: Duration) -> Decision {
        lastRechoke = now
        if firstInterestAt == nil && peers.contains(where: { $0.isInterested && !$0.isSeed }) { firstInterestAt = now }
        let present = Set(peers.map(\.key))
        freeRiders = freeRiders.filter { present.contains($0) }
        hadWhatWeWanted = hadWhatWeWanted.filter { present.contains($0) }
        for peer in peers where peer.amInterested && !isSeeding { hadWhatWeWanted.insert(peer.key) }
        let passing = peers.map(\.piecesPassedOn).filter { $0 > 0 }.sorted()
        if passing.count >= max(1, witnessesNeeded) {
            typicalPassedOn = max(typicalPassedOn, passing[passing.count / 2])
        }
        for peer in peers where isProvenFreeRider(peer) { freeRiders.insert(peer.key) }
        if !isSeeding { noteRefusals(peers, now: now) }
        for peer in peers where peer.downloaded > 0 { freeRiders.remove(peer.key) }
        freeRiding = Set(peers.filter(isFreeRiding).map(\.key))
        if isSeeding { return seedingRechoke(peers: peers, now: now) }
        history.removeAll()
        firstSeen.removeAll()
        let ranked = peers.filter { !$0.isSeed }.sorted { ranks($0, before: $1) }
        let interested = ranked.filter(\.isInterested)
        // Once proven, always (until it sends us something): late in a download a free rider may have
        // nothing left that we want, and it would pass for a trader again.
        // A hoarder (see ``Peer/isHoarder``) counts as one too: a free rider that is behind us has nothing
        // we want, so it is never proven, and took regular slots that traders left free (11-13 MiB from
        // each of three 2 MiB/s leechers in one tit-for-tat run).
        let traders = interested.filter { !isFreeRiding($0) }
        if traders.isEmpty && !interested.isEmpty { return freeRidersTurn(interested, now: now) }
        freeRiderTurnStart = nil
        // Peers that took the allowance and sent nothing back, though not proven (they have nothing we
        // want: behind us, or a free rider that is), come after every other trader for regular slots too.
        let tried = traders.filter { !usedItsTrial($0) } + traders.filter(usedItsTrial)
        let regular = Array(tried.prefix(regularSlots))
        var unchoked = Set(regular.map(\.key))

        if let slowest = regular.last, regular.count == regularSlots {
            for peer in ranked where !peer.isInterested && ranks(peer, before: slowest) {
                unchoked.insert(peer.key)
            }
        }

        let choked = traders.filter { !unchoked.contains($0.key) }
        if let current = optimisticPeer, let since = optimisticSince, now - since < optimisticInterval,
            let peer = choked.first(where: { $0.key == current }), !(peer.amInterested && peer.isChokingUs),
            !usedItsTrial(peer)
        {
            // Kept for its full period while it reciprocates.
        } else {
            // Peers that have not had their trial first, and among those the ones not refusing us (a peer
            // that chokes us while it has pieces we want has shown what it does with our upload: one got
            // the slot again after losing it, and took 7 MiB from a 2 MiB/s leecher in 10 s).
            let untried = choked.filter { !usedItsTrial($0) }
            let willing = untried.filter { refusingSince[$0.key] == nil }
            let pool = !willing.isEmpty ? willing : !untried.isEmpty ? untried : choked
            optimisticPeer = pickOptimistic(among: pool, previous: optimisticPeer, now: now)
            optimisticSince = optimisticPeer == nil ? nil : now
        }
        if let optimisticPeer { unchoked.insert(optimisticPeer) }
        return Decision(unchoked: unchoked, optimistic: optimisticPeer)
    }

    /// A proven free rider that we do not see pass pieces on, a hoarder or a silent holder. In a flash crowd an honest
    /// peer may never send *us* a byte (its slots go to others) and be proven by our rule; but it passes
    /// pieces on, and the ledger sees that, so it is not held to the free riders' turn when it is the last
    /// one downloading.
    private func isFreeRiding(_ peer: Peer) -> Bool {
        (freeRiders.contains(peer.key) && !isSeenPassingOn(peer)) || peer.isHoarder || isSilentHolder(peer)
    }

    /// The ledger saw the peer hold back a piece that others needed and never pass one on, while a typical
    /// peer passed on ``witnessTypical`` or more: a seed's only evidence against a free rider that it
    /// served too little to call it a hoarder (it gave one 1 MiB in the first seconds, held back 1, and
    /// then 10 MiB at full speed once the honest leechers were done).
    private func isSilentHolder(_ peer: Peer) -> Bool {
        peer.piecesHeldBack > 0 && peer.piecesPassedOn == 0 && typicalPassedOn >= witnessTypical
    }

    /// The ledger saw the peer pass on at least ``passOnShare`` of what a typical peer did. Not "any":
    /// a leecher's ledger cannot tell a piece that Y got from X from one Y got from a seed while X was
    /// its only other holder, so a free rider holding pieces the seed gave it is credited now and then
    /// (4-8 pieces against 22-38 for honest peers in tit-for-tat runs).
    private func isSeenPassingOn(_ peer: Peer) -> Bool {
        peer.piecesPassedOn > 0 && Double(peer.piecesPassedOn) >= passOnShare * Double(typicalPassedOn)
    }

    /// While leeching: a peer that refused us for ``refusalWindow`` (it choked us although it had pieces we
    /// wanted, and never sent us a byte), and that the ledger never saw pass a piece on while it saw at
    /// least ``witnessesNeeded`` others do so, is a free rider, whether or not we served it.
    ///
    /// Our own rule (``isProvenFreeRider(_:)``) needs our allowance spent on the peer, so it only ever
    /// judges the peers we served. The others would get our seed slots at full speed once we complete:
    /// in a tit-for-tat run, leechers that had never unchoked the free rider served it as soon as they
    /// were seeds, and it finished a few seconds after them. An honest peer that chokes us (its slots went
    /// to others) passes pieces on to those others, which the ledger sees; one byte to us, or passing on
    /// half as many pieces as a typical peer, lifts the verdict.
    private mutating func noteRefusals(_ peers: [Peer], now: Duration) {
        refusingSince = refusingSince.filter { key, _ in peers.contains { $0.key == key } }
        let witnesses = peers.count { isSeenPassingOn($0) }
        for peer in peers where !peer.isSeed {
            if peer.downloaded > 0 || !peer.isChokingUs {
                refusingSince[peer.key] = nil
            } else if peer.amInterested && refusingSince[peer.key] == nil {
                refusingSince[peer.key] = now
            }
            if let since = refusingSince[peer.key], now - since >= refusalWindow, !isSeenPassingOn(peer),
                witnesses >= witnessesNeeded
            {
                freeRiders.insert(peer.key)
            }
        }
    }

    /// It took our allowance and never sent us a byte, whether or not it has anything we want: its trial
    /// (the optimistic slot) is over, and the slot goes to peers that have not had one, when there are any.
    /// A free rider that has nothing we want yet is not proven, but kept for a whole optimistic period
    /// it took 11-15 MiB from a 2 MiB/s leecher.
    private func usedItsTrial(_ peer: Peer) -> Bool {
        peer.downloaded == 0 && peer.uploaded >= freeRiderAllowance
    }

    /// It took our allowance and never sent us a byte, though it has (or, once we seed, had while we were
    /// leeching) pieces we want. A finished leecher that had served it less than the allowance so far
    /// would otherwise seed to it at full speed.
    private func isProvenFreeRider(_ peer: Peer) -> Bool {
        (peer.amInterested || hadWhatWeWanted.contains(peer.key)) && peer.downloaded == 0
            && peer.uploaded >= freeRiderAllowance
    }

    /// While seeding: bytes per second the peer gained from others over the last ``seedWindow``, or nil when
    /// it has not been measured yet (connected after the previous rechoke).
    public func gainedFromOthersRate(of key: PeerKey) -> Double? {
        guard let samples = history[key], let first = samples.first, let last = samples.last,
            last.at > first.at
        else { return nil }
        let gained = (last.bytesHave - first.bytesHave) - (last.uploaded - first.uploaded)
        return Double(gained) / Self.seconds(last.at - first.at)
    }

    /// While seeding: pieces the peer passed on over the last ``seedWindow`` (all of them since it was
    /// first seen, when that is less).
    public func passedOnInWindow(of key: PeerKey) -> Int {
        guard let samples = history[key], let first = samples.first, let last = samples.last else { return 0 }
        return last.passedOn - (samples.count > 1 ? first.passedOn : 0)
    }

    private mutating func seedingRechoke(peers: [Peer], now: Duration) -> Decision {
        let present = Set(peers.map(\.key))
        history = history.filter { present.contains($0.key) }
        firstSeen = firstSeen.filter { present.contains($0.key) }
        for peer in peers {
            if firstSeen[peer.key] == nil { firstSeen[peer.key] = now }
            var samples = history[peer.key] ?? []
            samples.append(Sample(at: now, bytesHave: peer.bytesHave, uploaded: peer.uploaded, passedOn: peer.piecesPassedOn))
            // Keep the newest sample at or before the window's start, and every later one.
            while samples.count > 2 && samples[1].at <= now - seedWindow { samples.removeFirst() }
            history[peer.key] = samples
        }
        let rates = Dictionary(uniqueKeysWithValues: peers.map { ($0.key, gainedFromOthersRate(of: $0.key)) })
        let passed = Dictionary(uniqueKeysWithValues: peers.map { ($0.key, passedOnInWindow(of: $0.key)) })
        func before(_ a: Peer, _ b: Peer) -> Bool {
            if passed[a.key]! != passed[b.key]! { return passed[a.key]! > passed[b.key]! }
            let rateA = rates[a.key]! ?? 0
            let rateB = rates[b.key]! ?? 0
            if rateA != rateB { return rateA > rateB }
            if a.uploaded != b.uploaded { return a.uploaded < b.uploaded }
            if a.connectedAt != b.connectedAt { return a.connectedAt < b.connectedAt }
            return a.key < b.key
        }
        let interested = peers.filter { $0.isInterested && !$0.isSeed }.sorted(by: before)
        let traders = interested.filter { !isFreeRiding($0) }
        if traders.isEmpty && !interested.isEmpty { return freeRidersTurn(interested, now: now) }
        freeRiderTurnStart = nil
        var unchoked = Set(traders.prefix(regularSlots).map(\.key))
        // Not a peer that held pieces back and never passed one on (a free rider the ledger has not yet
        // called a hoarder) while there is another: a newcomer's slot gave one 13 MiB in a run.
        let choked = traders.filter { !unchoked.contains($0.key) }
        let fair = choked.filter { !($0.piecesHeldBack > 0 && $0.piecesPassedOn == 0) }
        let candidates = fair.isEmpty ? choked : fair
        let newcomers = candidates.filter { now - firstSeen[$0.key]! < rechokeInterval }
        if let current = optimisticPeer, let since = optimisticSince, now - since < optimisticInterval,
            newcomers.count == 1, newcomers[0].key == current
        {
            // A late joiner keeps its slot for its full period.
        } else if !newcomers.isEmpty {
            // Several newcomers (the torrent's start): the slot goes at every rechoke to one we sent least,
            // so that the seed's first pieces spread over many peers and no peer we know nothing about
            // keeps it. Kept, it gave a free rider 13 MiB in a run.
            let least = newcomers.map(\.uploaded).min()!
            let pool = newcomers.filter { $0.uploaded == least }
            optimisticPeer = pickOptimistic(among: pool, previous: optimisticPeer, now: now)
            optimisticSince = now
        } else {
            // The choked peer that gains most from others, then the one we sent least: not by what it
            // passed on, which a peer the seed never served cannot show. Ranked that way too, the slot
            // left one honest leecher without a byte from the seed for a whole tit-for-tat run (it
            // finished last of the traders).
            optimisticPeer = candidates.min { a, b in
                let rateA = rates[a.key]! ?? 0
                let rateB = rates[b.key]! ?? 0
                if rateA != rateB { return rateA > rateB }
                return (a.uploaded, a.connectedAt, a.key) < (b.uploaded, b.connectedAt, b.key)
            }?.key
            optimisticSince = optimisticPeer == nil ? nil : now
        }
        if let optimisticPeer { unchoked.insert(optimisticPeer) }
        return Decision(unchoked: unchoked, optimistic: optimisticPeer)
    }

    /// Only free riders and hoarders want our upload. They get what BEP 3 gives a peer that does not
    /// reciprocate, the optimistic slot, and no more: one of them at a time, unchoked for one
    /// ``rechokeInterval`` in every `regularSlots + 1` (the share of upload that slot is worth). Which
    /// interval of the period is random but never the first, so a free rider waits once the others are
    /// done, and the seeds of a swarm (all finishing at about the same time) do not serve it in step.
    /// Serving free riders at full speed once the honest peers are done would let one finish right after
    /// them (they all seed on), so free riding would cost next to nothing.
    private mutating func freeRidersTurn(_ candidates: [Peer], now: Duration) -> Decision {
        let period = rechokeInterval * (regularSlots + 1)
        if let start = freeRiderTurnStart, now - start < period {
            let turn = start + rechokeInterval * freeRiderTurnSlot
            if now >= turn && now - turn < rechokeInterval {
                let current = optimisticPeer.flatMap { key in candidates.first { $0.key == key } }
                    ?? candidates[freeRiderTurns % candidates.count]
                optimisticPeer = current.key
                optimisticSince = optimisticSince ?? now
                return Decision(unchoked: [current.key], optimistic: current.key)
            }
        } else {
            freeRiderTurnStart = now
            freeRiderTurns += 1
            freeRiderTurnSlot = Int.random(in: 1...max(1, regularSlots), using: &generator)
        }
        optimisticPeer = nil
        optimisticSince = nil
        return Decision(unchoked: [], optimistic: nil)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Reciprocation order while leeching: not snubbed first, then the download rate, then the peer
    /// connected longest, then the lower key.
    private func ranks(_ a: Peer, before b: Peer) -> Bool {
        if a.isSnubbed != b.isSnubbed { return !a.isSnubbed }
        if a.downloadRate != b.downloadRate { return a.downloadRate > b.downloadRate }
        if a.connectedAt != b.connectedAt { return a.connectedAt < b.connectedAt }
        return a.key < b.key
    }

    /// A weighted random choice; the previous optimistic peer only when there is nobody else.
    private mutating func pickOptimistic(among choked: [Peer], previous: PeerKey?, now: Duration) -> PeerKey? {
        let fresh = choked.filter { $0.key != previous }
        let pool = fresh.isEmpty ? choked : fresh
        let weights = pool.map { now - $0.connectedAt < newPeerWindow ? max(1, newPeerWeight) : 1 }
        let total = weights.reduce(0, +)
        guard total > 0 else { return nil }
        var ticket = Int.random(in: 0..<total, using: &generator)
        for (peer, weight) in zip(pool, weights) {
            if ticket < weight { return peer.key }
            ticket -= weight
        }
        return nil
    }
}
