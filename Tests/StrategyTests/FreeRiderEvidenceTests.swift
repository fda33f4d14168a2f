import Testing

@testable import Strategy

/// Free riders found without serving them: peers that refuse us and are never seen passing pieces on,
/// silent holders at a seed, and whom the optimistic slots go to.
@Suite struct FreeRiderEvidenceTests {
    private let mib: Int64 = 1 << 20

    /// Honest leechers 1-3: they sent us something and the ledger saw them pass pieces on.
    private func traders(passedOn: [Int] = [10, 12, 8], interested: Bool = true) -> [Choker.Peer] {
        passedOn.enumerated().map { index, passed in
            Choker.Peer(
                key: PeerKey(index + 1), isInterested: interested, downloadRate: 1000, uploaded: mib,
                downloaded: mib, amInterested: true, piecesPassedOn: passed)
        }
    }

    /// Peer 9: chokes us although it has pieces we want, never sent us a byte, and we never served it.
    private func refuser(passedOn: Int = 0, chokingUs: Bool = true, downloaded: Int64 = 0) -> Choker.Peer {
        Choker.Peer(
            key: 9, isInterested: true, downloaded: downloaded, amInterested: true, isChokingUs: chokingUs,
            piecesPassedOn: passedOn)
    }

    private func leech(_ choker: inout Choker, _ peers: [Choker.Peer], at second: Int) -> Choker.Decision {
        choker.rechoke(peers: peers, isSeeding: false, now: .seconds(second))
    }

    @Test func aPeerThatRefusedUsAndPassesNothingOnIsAFreeRiderThoughWeNeverServedIt() {
        var choker = Choker(seed: 1)
        for second in [100, 105] {
            _ = leech(&choker, traders() + [refuser()], at: second)
            #expect(choker.freeRiders.isEmpty, "refusing for \(second - 100) s")
        }
        _ = leech(&choker, traders() + [refuser()], at: 110)
        #expect(choker.freeRiders == [9])
        // Once we seed, it waits while the others want our upload...
        let seeding = traders() + [Choker.Peer(key: 9, isInterested: true)]
        #expect(!choker.rechoke(peers: seeding, isSeeding: true, now: .seconds(120)).unchoked.contains(9))
        // ...and then gets turns, not our whole upload at once.
        let alone = traders(interested: false) + [Choker.Peer(key: 9, isInterested: true)]
        #expect(choker.rechoke(peers: alone, isSeeding: true, now: .seconds(130)).unchoked.isEmpty)
    }

    @Test func aRefusingPeerSeenPassingPiecesOnIsNoFreeRider() {
        // Its slots went to others, and it passed on half of what a typical peer did (10).
        var choker = Choker(seed: 1)
        for second in stride(from: 100, through: 160, by: 10) {
            _ = leech(&choker, traders() + [refuser(passedOn: 5)], at: second)
        }
        #expect(choker.freeRiders.isEmpty)
    }

    @Test func aFewPassOnsCreditedByMistakeDoNotClearAFreeRider() {
        // Y got a piece from the seed while the free rider was its only other holder: the ledger credits
        // it now and then (2 here, against 10 for a typical peer).
        var choker = Choker(seed: 1)
        for second in [100, 110] { _ = leech(&choker, traders() + [refuser(passedOn: 2)], at: second) }
        #expect(choker.freeRiders == [9])
        #expect(choker.freeRiding.contains(9))
    }

    @Test func withoutWitnessesRefusingIsNoVerdict() {
        // A lone pair beside a seed: the ledger sees nobody pass anything on, so its silence about peer 9
        // means nothing (it may upload to peers we do not know).
        var choker = Choker(seed: 1)
        let seed = Choker.Peer(key: 7, isInterested: false, isSeed: true, amInterested: true, isChokingUs: false)
        for second in stride(from: 100, through: 200, by: 10) { _ = leech(&choker, [seed, refuser()], at: second) }
        #expect(choker.freeRiders.isEmpty)
        // One witness is not enough either.
        for second in stride(from: 210, through: 260, by: 10) {
            _ = leech(&choker, traders(passedOn: [10]) + [refuser()], at: second)
        }
        #expect(choker.freeRiders.isEmpty)
    }

    @Test func anUnchokeOrOneByteEndsTheRefusal() {
        var choker = Choker(seed: 1)
        _ = leech(&choker, traders() + [refuser()], at: 100)
        _ = leech(&choker, traders() + [refuser(chokingUs: false)], at: 108)  // it unchoked us
        _ = leech(&choker, traders() + [refuser()], at: 110)  // and choked us again: a new streak
        _ = leech(&choker, traders() + [refuser()], at: 115)
        #expect(choker.freeRiders.isEmpty)
        _ = leech(&choker, traders() + [refuser()], at: 120)
        #expect(choker.freeRiders == [9])
        // It sends us a byte: the verdict goes, and no new streak starts.
        _ = leech(&choker, traders() + [refuser(downloaded: 1)], at: 130)
        #expect(choker.freeRiders.isEmpty)
        _ = leech(&choker, traders() + [refuser(downloaded: 1)], at: 150)
        #expect(choker.freeRiders.isEmpty)
    }

    @Test func theTypicalPeerIsRememberedWhenTheOthersAreDone() {
        // At the end of a download the others complete and leave; the free rider, last holder of pieces
        // they announce, is credited with a few pass-ons. It is not its own yardstick: the typical peer
        // passed on 10.
        var choker = Choker(seed: 1)
        for second in [100, 110] { _ = leech(&choker, traders() + [refuser()], at: second) }
        #expect(choker.freeRiders == [9])
        let alone = [Choker.Peer(key: 9, isInterested: true, piecesPassedOn: 4)]
        #expect(choker.rechoke(peers: alone, isSeeding: true, now: .seconds(120)).unchoked.isEmpty)
        #expect(choker.freeRiding == [9])
    }

    @Test func aFreeRiderThatLostInterestIsStillHeldToTheRules() {
        // The engine unchokes interested newcomers between rechokes: it must not unchoke a free rider that
        // was not interested at the last rechoke and says so now.
        var choker = Choker(seed: 1)
        for second in [100, 110] { _ = leech(&choker, traders() + [refuser()], at: second) }
        var bored = refuser()
        bored.isInterested = false
        _ = leech(&choker, traders() + [bored], at: 120)
        #expect(choker.freeRiding.contains(9))
    }

    // MARK: - Seeding

    /// A peer as a seed sees it: pieces it passed on and held back, bytes we sent it and it announced.
    private func seedPeer(
        _ key: PeerKey, passedOn: Int = 0, heldBack: Int = 0, uploaded: Int64 = 0, bytesHave: Int64 = 0,
        interested: Bool = true
    ) -> Choker.Peer {
        Choker.Peer(
            key: key, isInterested: interested, bytesHave: bytesHave, uploaded: uploaded, piecesPassedOn: passedOn,
            piecesHeldBack: heldBack)
    }

    @Test func aSilentHolderWaitsOnceTypicalPeersPassPiecesOn() {
        var choker = Choker(regularSlots: 4, seed: 1)
        // Early: nobody passed anything on yet, and peer 9 held back one piece. Not enough to judge it;
        // it took least from us, so it is first in line.
        let early = (1...5).map { seedPeer($0, uploaded: 2 * mib) } + [seedPeer(9, heldBack: 1)]
        #expect(choker.rechoke(peers: early, isSeeding: true, now: .seconds(100)).unchoked.contains(9))
        // Later: the others passed on 6-10 pieces each and it still none. No slot while they want one...
        let later = (1...5).map { seedPeer($0, passedOn: 5 + Int($0), uploaded: 4 * mib) } + [seedPeer(9, heldBack: 1)]
        for second in stride(from: 110, through: 150, by: 10) {
            #expect(!choker.rechoke(peers: later, isSeeding: true, now: .seconds(second)).unchoked.contains(9))
        }
        // ...and turns once they are done, not a full slot at once.
        let done = (1...5).map { seedPeer($0, passedOn: 5 + Int($0), interested: false) } + [seedPeer(9, heldBack: 1)]
        let served = stride(from: 160, through: 259, by: 10).filter {
            choker.rechoke(peers: done, isSeeding: true, now: .seconds($0)).unchoked.contains(9)
        }
        #expect(served.count == 2)
        #expect(!served.contains(160))
        // A peer that never held anything back is no silent holder: a late joiner, or one nobody asked.
        let joiner = (1...5).map { seedPeer($0, passedOn: 5 + Int($0), interested: false) } + [seedPeer(10)]
        #expect(choker.rechoke(peers: joiner, isSeeding: true, now: .seconds(300)).unchoked == [10])
    }

    @Test func atTheStartTheOptimisticSlotMovesAmongNewcomersAtEveryRechoke() {
        // Seven newcomers, two regular slots: the optimistic slot goes to a peer we sent least each time,
        // never twice in a row, so no peer we know nothing about holds it for long.
        var choker = Choker(regularSlots: 2, seed: 5)
        var sent: [PeerKey: Int64] = [:]
        var holders: [PeerKey] = []
        for step in 0..<5 {
            let peers = (1...7).map { seedPeer($0, uploaded: sent[$0] ?? 0) }
            let decision = choker.rechoke(peers: peers, isSeeding: true, now: .seconds(100) + .seconds(2 * step))
            let least = peers.filter { !decision.regular.contains($0.key) }.map(\.uploaded).min()!
            #expect(peers.first { $0.key == decision.optimistic }!.uploaded == least)
            for key in decision.unchoked { sent[key, default: 0] += mib }
            holders.append(decision.optimistic!)
        }
        #expect(zip(holders, holders.dropFirst()).allSatisfy { $0 != $1 })
    }

    @Test func theOptimisticSlotFindsAPeerTheSeedNeverServed() {
        // Peers 1 and 2 pass on most (regular slots). Peer 5 never got anything from us, so it could not
        // pass anything on, but the swarm feeds it fastest; peer 3 passes on a piece now and then and
        // gains little.
        // Ranked by pass-ons the slot would stay with peer 3 and peer 5 would never get a seed byte.
        var choker = Choker(regularSlots: 2, seed: 1)
        func swarm(at step: Int64) -> [Choker.Peer] {
            [
                seedPeer(1, passedOn: 10 + 5 * Int(step), uploaded: 8 * mib, bytesHave: 8 * mib + step * 2 * mib),
                seedPeer(2, passedOn: 12 + 5 * Int(step), uploaded: 8 * mib, bytesHave: 8 * mib + step * 2 * mib),
                seedPeer(3, passedOn: 1 + Int(step), uploaded: 2 * mib, bytesHave: 2 * mib + step * mib / 4),
                seedPeer(5, bytesHave: step * 3 * mib),
            ]
        }
        _ = choker.rechoke(peers: swarm(at: 0), isSeeding: true, now: .seconds(100))
        _ = choker.rechoke(peers: swarm(at: 1), isSeeding: true, now: .seconds(110))
        let decision = choker.rechoke(peers: swarm(at: 2), isSeeding: true, now: .seconds(120))
        #expect(decision.regular == [1, 2])
        #expect(decision.optimistic == 5)
    }
}
