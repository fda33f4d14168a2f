import Testing

@testable import Strategy

/// The seed's slots and what it saw peers pass on (``SpreadLedger``), and free riders found while leeching.
@Suite struct SeedChokerSpreadTests {
    private func peer(
        _ key: PeerKey, passedOn: Int = 0, hoarder: Bool = false, uploaded: Int64 = 0, downloaded: Int64 = 0,
        interested: Bool = true, amInterested: Bool = false
    ) -> Choker.Peer {
        Choker.Peer(
            key: key, isInterested: interested, uploaded: uploaded, downloaded: downloaded,
            amInterested: amInterested, isHoarder: hoarder, piecesPassedOn: passedOn)
    }

    @Test func peersThatPassPiecesOnRankFirst() {
        var choker = Choker(regularSlots: 2, seed: 1)
        _ = choker.rechoke(peers: (1...5).map { peer($0) }, isSeeding: true, now: .seconds(100))
        // Peers 4 and 5 passed pieces on since; the others took more from us but passed on nothing.
        let decision = choker.rechoke(
            peers: (1...5).map { peer($0, passedOn: $0 >= 4 ? $0 : 0, uploaded: $0 >= 4 ? 0 : 9 << 20) },
            isSeeding: true, now: .seconds(110))
        #expect(decision.regular == [4, 5])
    }

    @Test func aHoarderGetsNoSlotWhileOthersWantOneAndIsServedAlone() {
        var choker = Choker(regularSlots: 4, seed: 1)
        // The hoarder (9) took least from us, so it would come first at the start without the verdict.
        let crowd = [peer(9, hoarder: true)] + (1...4).map { peer($0, uploaded: 1 << 20) }
        for second in stride(from: 100, through: 160, by: 10) {
            #expect(!choker.rechoke(peers: crowd, isSeeding: true, now: .seconds(second)).unchoked.contains(9))
        }
        // Six peers for five slots: still nothing for it.
        let more = crowd + [peer(5, uploaded: 1 << 20)]
        #expect(!choker.rechoke(peers: more, isSeeding: true, now: .seconds(170)).unchoked.contains(9))
        // The others are done (not interested): it gets the optimistic slot's share, 10 s in every 50,
        // not in the first 10 s of a period.
        let alone = [peer(9, hoarder: true)] + (1...4).map { peer($0, interested: false) }
        let served = stride(from: 180, through: 279, by: 10).filter {
            choker.rechoke(peers: alone, isSeeding: true, now: .seconds($0)).unchoked == [9]
        }
        #expect(served.count == 2)
        #expect(served.allSatisfy { ($0 - 180) % 50 != 0 })
    }

    @Test func freeRidersAloneTakeTurns() {
        var choker = Choker(regularSlots: 1, seed: 1)
        let riders = [peer(7, hoarder: true), peer(8, hoarder: true)]
        let turns = stride(from: 100, through: 170, by: 10).map {
            choker.rechoke(peers: riders, isSeeding: true, now: .seconds($0)).unchoked
        }
        #expect(turns.map(\.isEmpty) == [true, false, true, false, true, false, true, false])  // one slot: 2nd of 2
        #expect(turns.allSatisfy { $0.count <= 1 })
        #expect(Set(turns.flatMap { $0 }) == [7, 8])
    }

    @Test func aFreeRiderFoundWhileLeechingStaysOutOnceWeSeed() {
        var choker = Choker(regularSlots: 4, seed: 1)
        // Leeching: peer 9 took 2 MiB and never sent a byte although it has pieces we want.
        let leeching = [peer(9, uploaded: 2 << 20, amInterested: true)]
            + (1...5).map { peer($0, uploaded: 1 << 20, downloaded: 1 << 20, amInterested: true) }
        _ = choker.rechoke(peers: leeching, isSeeding: false, now: .seconds(100))
        #expect(choker.freeRiders == [9])
        // We completed: now it has nothing we want, but the verdict holds for our seed slots.
        let seeding = [peer(9, uploaded: 2 << 20)] + (1...5).map { peer($0, uploaded: 1 << 20, downloaded: 1 << 20) }
        for second in stride(from: 110, through: 150, by: 10) {
            #expect(!choker.rechoke(peers: seeding, isSeeding: true, now: .seconds(second)).unchoked.contains(9))
        }
        // It uploads to us after all: the verdict is lifted.
        let reformed = [peer(9, uploaded: 2 << 20, downloaded: 16 << 10)] + seeding.dropFirst()
        _ = choker.rechoke(peers: reformed, isSeeding: true, now: .seconds(160))
        #expect(choker.freeRiders.isEmpty)
    }

    @Test func aFreeRiderServedLittleWhileWeLeechedIsProvenOnceWeSeed() {
        var choker = Choker(regularSlots: 4, seed: 1)
        let others = (1...5).map { peer($0, uploaded: 1 << 20, downloaded: 1 << 20) }
        // Leeching: peer 9 has pieces we want, never sent us a byte, but took only 1 MiB so far.
        _ = choker.rechoke(
            peers: [peer(9, uploaded: 1 << 20, amInterested: true)] + others, isSeeding: false, now: .seconds(100))
        #expect(choker.freeRiders.isEmpty)
        // We completed, and it took the rest of its allowance from our seed: proven, though it has
        // nothing we want now.
        _ = choker.rechoke(peers: [peer(9, uploaded: 2 << 20)] + others, isSeeding: true, now: .seconds(110))
        #expect(choker.freeRiders == [9])
        // A peer that never had anything we wanted (a newcomer to our seed) is no free rider for taking.
        let newcomer = peer(10, uploaded: 8 << 20)
        _ = choker.rechoke(peers: [newcomer] + others, isSeeding: true, now: .seconds(120))
        #expect(!choker.freeRiders.contains(10))
    }

    @Test func aPeerProvenByUsButSeenPassingPiecesOnIsNoFreeRider() {
        // Flash crowd: peer 9 never sent us a byte (its slots went to others), but it passed pieces on.
        var choker = Choker(regularSlots: 4, seed: 1)
        let honest = peer(9, passedOn: 3, uploaded: 2 << 20, amInterested: true)
        let two = (1...2).map { peer($0, uploaded: 1 << 20, downloaded: 1 << 20, amInterested: true) }
        let decision = choker.rechoke(peers: [honest] + two, isSeeding: false, now: .seconds(100))
        #expect(choker.freeRiders == [9])
        #expect(decision.unchoked.contains(9), "a free slot is not kept from it")
        // Last one downloading: served in full, not in free riders' turns.
        let alone = [peer(9, passedOn: 3, uploaded: 2 << 20)] + (1...2).map { peer($0, interested: false) }
        #expect(choker.rechoke(peers: alone, isSeeding: true, now: .seconds(110)).unchoked == [9])
    }

    @Test func aFreeRiderThatLeftIsForgotten() {
        var choker = Choker(regularSlots: 4, seed: 1)
        _ = choker.rechoke(
            peers: [peer(9, uploaded: 2 << 20, amInterested: true), peer(1, downloaded: 1, amInterested: true)],
            isSeeding: false, now: .seconds(100))
        #expect(choker.freeRiders == [9])
        _ = choker.rechoke(peers: [peer(1, downloaded: 1)], isSeeding: true, now: .seconds(110))
        #expect(choker.freeRiders.isEmpty)
    }
}
