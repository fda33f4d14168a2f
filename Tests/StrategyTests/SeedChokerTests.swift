import Testing

@testable import Strategy

/// A seed's view of a swarm, stepped by hand: every peer gains `gainFromOthers` bytes/s from other peers,
/// and the peers the seed unchokes share its `seedRate` equally. The choker sees only what a real seed
/// sees: the bytes each peer announced and the bytes we sent it.
private struct SeedSimulation {
    struct SimPeer {
        var key: PeerKey
        var gainFromOthers: Double
        var connectedAt: Duration
        var bytesHave: Double = 0
        var uploaded: Double = 0
        /// Announces at most this many bytes, whatever it gets (a peer that hides its pieces).
        var announceCap: Double = .infinity
        var isSnubbed = false
    }

    var choker = Choker(seed: 7)
    var peers: [SimPeer] = []
    var seedRate: Double = 4 * 1_048_576
    var now: Duration = .seconds(100)
    var last: Choker.Decision?

    mutating func join(_ key: PeerKey, gain: Double, announceCap: Double = .infinity) {
        peers.append(SimPeer(key: key, gainFromOthers: gain, connectedAt: now, announceCap: announceCap))
    }

    /// Rechokes now, then lets `choker.rechokeInterval` pass with that decision.
    mutating func rechoke() -> Choker.Decision {
        let decision = choker.rechoke(
            peers: peers.map {
                Choker.Peer(
                    key: $0.key, isInterested: true, connectedAt: $0.connectedAt, isSnubbed: $0.isSnubbed,
                    bytesHave: Int64(min($0.bytesHave, $0.announceCap)), uploaded: Int64($0.uploaded))
            }, isSeeding: true, now: now)
        let seconds = 10.0
        let share = seedRate / Double(max(decision.unchoked.count, 1)) * seconds
        for index in peers.indices {
            let fromUs = decision.unchoked.contains(peers[index].key) ? share : 0
            peers[index].uploaded += fromUs
            peers[index].bytesHave += fromUs + peers[index].gainFromOthers * seconds
        }
        now += choker.rechokeInterval
        last = decision
        return decision
    }
}

private let mib = Double(1 << 20)

@Suite struct SeedChokerTests {
    @Test func aFreeRiderGetsNoSeedSlotOnceMeasured() {
        // Six peers that upload (the swarm feeds them 1.5 MiB/s) and a free rider that only gets the
        // swarm's optimistic unchokes (0.4 MiB/s). It takes our data fastest, since it uploads nothing.
        var sim = SeedSimulation()
        for key in 1...6 { sim.join(key, gain: 1.5 * mib) }
        sim.join(7, gain: 0.4 * mib)
        _ = sim.rechoke()  // everybody is a newcomer: any may be optimistic
        for _ in 0..<12 {
            let decision = sim.rechoke()
            #expect(!decision.unchoked.contains(7), "at \(sim.now)")
            #expect(decision.unchoked.count == 5)
        }
        #expect(sim.choker.gainedFromOthersRate(of: 7)! < sim.choker.gainedFromOthersRate(of: 1)!)
    }

    @Test func theFreeRiderIsServedWhenNobodyElseWantsData() {
        var sim = SeedSimulation()
        sim.join(1, gain: 2 * mib)
        sim.join(2, gain: 0)
        for _ in 0..<4 { #expect(sim.rechoke().unchoked == [1, 2]) }
    }

    @Test func atTheStartTheSeedServesThoseItSentLeast() {
        // Nobody measured: round robin by bytes sent, so the first pieces spread over many peers.
        var choker = Choker(regularSlots: 2, seed: 1)
        let peers = (1...5).map {
            Choker.Peer(key: $0, isInterested: true, uploaded: Int64([9, 0, 5, 1, 7][$0 - 1]) << 20)
        }
        let decision = choker.rechoke(peers: peers, isSeeding: true, now: .seconds(100))
        #expect(decision.regular == [2, 4])
        #expect([1, 3, 5].contains(decision.optimistic ?? 0))
    }

    @Test func aLateJoinerGetsTheOptimisticSlotAtOnce() {
        var sim = SeedSimulation()
        for key in 1...6 { sim.join(key, gain: Double(key) * mib) }
        for _ in 0..<4 { _ = sim.rechoke() }
        #expect(sim.last!.unchoked == [2, 3, 4, 5, 6])  // the five that gain most from others
        sim.join(7, gain: 0)  // nothing to trade yet
        let joined = sim.rechoke()  // a newcomer until the next rechoke measures it
        #expect(joined.optimistic == 7)
        #expect(joined.regular == [3, 4, 5, 6])
        // Measured by now: it gained nothing from others, so it yields to peer 2.
        #expect(sim.rechoke().unchoked == [2, 3, 4, 5, 6])
    }

    @Test func aLateJoinerThatTradesKeepsItsSlot() {
        var sim = SeedSimulation()
        for key in 1...6 { sim.join(key, gain: Double(key) * mib) }
        for _ in 0..<4 { _ = sim.rechoke() }
        sim.join(7, gain: 10 * mib)
        #expect(sim.rechoke().optimistic == 7)
        #expect(sim.rechoke().regular.contains(7))  // measured after one rechoke: the best trader
    }

    @Test func aPeerThatStopsUploadingLosesItsSlot() {
        // Peer 1 trades well, then snubs everyone (uploads nothing): the swarm stops feeding it.
        var sim = SeedSimulation()
        for key in 1...7 { sim.join(key, gain: (key == 1 ? 3 : 1) * mib) }
        for _ in 0..<3 { #expect(sim.rechoke().regular.contains(1)) }
        sim.peers[0].gainFromOthers = 0.1 * mib
        var decisions: [Choker.Decision] = []
        for _ in 0..<6 { decisions.append(sim.rechoke()) }
        // The 30 s window forgets its good past within four rechokes, and then it stays choked.
        #expect(decisions.suffix(2).allSatisfy { !$0.unchoked.contains(1) })
    }

    @Test func snubbingMeansNothingToASeed() {
        // A seed asks nobody for data, so a peer marked snubbed is ranked like any other.
        var sim = SeedSimulation()
        for key in 1...6 { sim.join(key, gain: Double(key) * mib) }
        sim.peers[5].isSnubbed = true
        for _ in 0..<3 { _ = sim.rechoke() }
        #expect(sim.last!.regular.contains(6))
    }

    @Test func aPeerThatOnlyEverHasOnePieceIsChoked() {
        // It takes our data but never announces more than one piece, so nobody asks it for anything:
        // what it gains from others is negative, below every honest peer.
        var sim = SeedSimulation()
        sim.join(0, gain: 0, announceCap: 256 * 1024)  // first in line at the start (lowest key)
        for key in 1...5 { sim.join(key, gain: 0.5 * mib) }
        #expect(sim.rechoke().regular.contains(0))
        _ = sim.rechoke()
        #expect(sim.choker.gainedFromOthersRate(of: 0)! < 0)
        for _ in 0..<6 { #expect(!sim.rechoke().unchoked.contains(0)) }
    }

    @Test func measurementsForgetPeersThatLeft() {
        var sim = SeedSimulation()
        sim.join(1, gain: mib)
        sim.join(2, gain: mib)
        _ = sim.rechoke()
        _ = sim.rechoke()
        #expect(sim.choker.gainedFromOthersRate(of: 2) != nil)
        sim.peers.removeLast()
        _ = sim.rechoke()
        #expect(sim.choker.gainedFromOthersRate(of: 2) == nil)
    }
}
