import Testing

@testable import Strategy

/// A peer connected at time zero (long before the rechokes below, which start at 100 s) unless told.
private func peer(
    _ key: PeerKey, interested: Bool = true, down: Double = 0, up: Double = 0, connectedAt: Duration = .zero,
    snubbed: Bool = false, seed: Bool = false
) -> Choker.Peer {
    Choker.Peer(
        key: key, isInterested: interested, downloadRate: down, uploadRate: up, connectedAt: connectedAt,
        isSnubbed: snubbed, isSeed: seed)
}

private let start = Duration.seconds(100)

extension Choker.Decision {
    /// The peers unchoked for their rate, without the optimistic one.
    var regular: Set<PeerKey> { unchoked.subtracting(optimistic.map { [$0] } ?? []) }
}

@Suite struct ChokerTests {
    @Test func leechingUnchokesTheFourFastestDownloaders() {
        var choker = Choker(seed: 1)
        let rates: [PeerKey: Double] = [1: 10, 2: 70, 3: 30, 4: 60, 5: 50, 6: 20, 7: 40]
        let decision = choker.rechoke(
            peers: rates.keys.sorted().map { peer($0, down: rates[$0]!, up: 1000 - rates[$0]!) },
            isSeeding: false, now: start)
        #expect(decision.regular == [2, 4, 5, 7])
        #expect([1, 3, 6].contains(decision.optimistic ?? 0))
        #expect(decision.unchoked.count == 5)
    }

    @Test func snubbedPeersGetNoRegularSlot() {
        var choker = Choker(seed: 1)
        let peers = [
            peer(1, down: 10), peer(2, down: 70, snubbed: true), peer(3, down: 30), peer(4, down: 60),
            peer(5, down: 50), peer(6, down: 20), peer(7, down: 40),
        ]
        let decision = choker.rechoke(peers: peers, isSeeding: false, now: start)
        #expect(decision.regular == [3, 4, 5, 7])
        #expect([1, 2, 6].contains(decision.optimistic ?? 0))  // a snubbed peer may still be tried optimistically
    }

    @Test func seedsAreNeverUnchoked() {
        var choker = Choker(seed: 1)
        let peers = [peer(1, down: 100, up: 100, seed: true), peer(2, down: 1), peer(3, seed: true)]
        for isSeeding in [false, true] {
            let decision = choker.rechoke(peers: peers, isSeeding: isSeeding, now: start)
            #expect(decision == Choker.Decision(unchoked: [2], optimistic: nil))
        }
    }

    @Test func everyInterestedPeerIsUnchokedWhenThereAreFew() {
        var choker = Choker(seed: 1)
        let peers = [
            peer(1, down: 5), peer(2, snubbed: true), peer(3),
            peer(4, interested: false, down: 1), peer(5, interested: false),
        ]
        let decision = choker.rechoke(peers: peers, isSeeding: false, now: start)
        #expect(decision == Choker.Decision(unchoked: [1, 2, 3], optimistic: nil))
    }

    @Test func fastUninterestedPeersStayUnchoked() {
        // BEP 3: uninterested peers that beat the slowest downloader are unchoked too; it costs nothing.
        var choker = Choker(seed: 1)
        let peers = [
            peer(1, down: 10), peer(2, down: 20), peer(3, down: 30), peer(4, down: 40), peer(5, down: 50),
            peer(8, interested: false, down: 100), peer(9, interested: false, down: 15),
        ]
        let decision = choker.rechoke(peers: peers, isSeeding: false, now: start)
        #expect(decision.regular == [2, 3, 4, 5, 8])
        #expect(decision.optimistic == 1)
    }

    @Test func optimisticUnchokeRotatesEveryThirtySeconds() {
        let peers = [
            peer(1, down: 90), peer(2, down: 80), peer(3, down: 70), peer(4, down: 60), peer(5, down: 1),
            peer(6, down: 2),
        ]
        for seed in UInt64(0)..<20 {
            var choker = Choker(seed: seed)
            let first = choker.rechoke(peers: peers, isSeeding: false, now: start).optimistic
            let other = first == 5 ? 6 : 5
            #expect([5, 6].contains(first ?? 0))
            let times: [(Duration, PeerKey?)] = [
                (.seconds(110), first), (.seconds(120), first), (.milliseconds(129_999), first),
                (.seconds(130), other), (.seconds(140), other), (.seconds(150), other), (.seconds(160), first),
            ]
            for (now, expected) in times {
                let decision = choker.rechoke(peers: peers, isSeeding: false, now: now)
                #expect(decision.optimistic == expected, "at \(now)")
                #expect(decision.regular == [1, 2, 3, 4])
            }
        }
    }

    @Test func optimisticUnchokeIsReplacedWhenItLosesInterest() {
        var peers = [peer(1, down: 9), peer(2, down: 8), peer(3, down: 7), peer(4, down: 6), peer(5), peer(6)]
        var choker = Choker(seed: 3)
        let first = choker.rechoke(peers: peers, isSeeding: false, now: start).optimistic!
        peers[first - 1].isInterested = false
        let second = choker.rechoke(peers: peers, isSeeding: false, now: .seconds(110))
        #expect(second.optimistic == (first == 5 ? 6 : 5))
        #expect(!second.unchoked.contains(first))
        peers[first - 1].isInterested = true
        // The new one keeps its slot for a full 30 s from when it got it.
        #expect(choker.rechoke(peers: peers, isSeeding: false, now: .seconds(130)).optimistic == second.optimistic)
        #expect(choker.rechoke(peers: peers, isSeeding: false, now: .seconds(140)).optimistic == first)
    }

    @Test func newPeersAreThreeTimesAsLikelyToBeOptimisticallyUnchoked() {
        // Four regular peers, and four choked candidates of which peer 8 is `age` old. With weights 1, 1, 1
        // and 3 it should win half the draws; as an old peer, a quarter.
        func wins(age: Duration) -> Int {
            (UInt64(0)..<1000).filter { seed in
                var choker = Choker(seed: seed)
                let peers = [
                    peer(1, down: 90), peer(2, down: 80), peer(3, down: 70), peer(4, down: 60),
                    peer(5), peer(6), peer(7), peer(8, connectedAt: start - age),
                ]
                return choker.rechoke(peers: peers, isSeeding: false, now: start).optimistic == 8
            }.count
        }
        #expect((420..<580).contains(wins(age: .seconds(10))))
        #expect((180..<320).contains(wins(age: .seconds(60))))
    }

    @Test func rechokeIsDueEveryTenSecondsAfterAQuickStart() {
        var choker = Choker(seed: 1)
        #expect(choker.isRechokeDue(now: .zero))
        // Nobody interested yet: every 2 s, so that the first interested peers are ranked soon.
        _ = choker.rechoke(peers: [peer(1, interested: false)], isSeeding: false, now: .seconds(90))
        #expect(!choker.isRechokeDue(now: .milliseconds(91_999)))
        #expect(choker.isRechokeDue(now: .seconds(92)))
        // Interest at 100 s: every 2 s until 110 s, then every 10 s.
        for now in stride(from: 100, through: 108, by: 2) {
            #expect(choker.isRechokeDue(now: .seconds(now)) || now == 100)
            _ = choker.rechoke(peers: [peer(1)], isSeeding: false, now: .seconds(now))
            #expect(!choker.isRechokeDue(now: .seconds(now) + .milliseconds(1999)))
        }
        #expect(!choker.isRechokeDue(now: .seconds(110)))
        #expect(!choker.isRechokeDue(now: .milliseconds(117_999)))
        #expect(choker.isRechokeDue(now: .seconds(118)))
    }

    @Test func aPeerThatTookTheAllowanceAndGaveNothingComesLastForRegularSlots() {
        // Peer 5 has nothing we want and took 2 MiB; peers 6 and 7 are new. Only three interested peers
        // send us anything, so one regular slot is left for these: it goes to an untried one.
        var choker = Choker(seed: 1)
        let three = [peer(1, down: 90), peer(2, down: 80), peer(3, down: 70)]
        let taker = Choker.Peer(key: 5, isInterested: true, uploaded: 2 << 20)
        let decision = choker.rechoke(peers: three + [taker, peer(6), peer(7)], isSeeding: false, now: start)
        #expect(decision.regular.isSuperset(of: [1, 2, 3]))
        #expect(!decision.regular.contains(5))
        // With nobody else left, it is served (it is no proven free rider).
        let alone = choker.rechoke(peers: [taker], isSeeding: false, now: start + .seconds(10))
        #expect(alone.unchoked == [5])
    }

    @Test func aHoarderGetsNoLeecherSlotWhileTradersWantOne() {
        // Peer 5 has nothing we want (no proven free rider), but what it had alone never went on.
        var choker = Choker(seed: 1)
        let hoarder = Choker.Peer(key: 5, isInterested: true, isHoarder: true)
        let two = [peer(1, down: 90), peer(2, down: 80)]
        for step in 0..<4 {
            let decision = choker.rechoke(peers: two + [hoarder], isSeeding: false, now: start + .seconds(10 * step))
            #expect(decision.unchoked == [1, 2])
        }
    }

    @Test func anOptimisticPeerThatTookTheAllowanceAndGaveNothingLosesTheSlot() {
        // Peer 5 has nothing we want (so it is no proven free rider) and holds the optimistic slot.
        let regular = [peer(1, down: 90), peer(2, down: 80), peer(3, down: 70), peer(4, down: 60)]
        var choker = Choker(seed: 3)
        let fresh = Choker.Peer(key: 5, isInterested: true, uploaded: 0)
        let first = choker.rechoke(peers: regular + [fresh], isSeeding: false, now: start)
        #expect(first.optimistic == 5)
        // Ten seconds later it took 2 MiB and sent nothing back: the trial is over, peer 6 gets the slot.
        let taken = Choker.Peer(key: 5, isInterested: true, uploaded: 2 << 20)
        let next = choker.rechoke(peers: regular + [taken, peer(6)], isSeeding: false, now: start + .seconds(10))
        #expect(next.optimistic == 6)
        // Alone among the choked, it may have the slot again (nobody untried is waiting).
        let alone = choker.rechoke(peers: regular + [taken], isSeeding: false, now: start + .seconds(50))
        #expect(alone.optimistic == 5)
    }

    @Test func aProvenFreeRiderIsUnchokedOnlyWhenNobodyElseWantsOurUpload() {
        // Peer 5 took 2 MiB from us and never sent a byte, though we want its pieces; peer 6 is slow.
        let freeRider = Choker.Peer(
            key: 5, isInterested: true, uploaded: 2 << 20, downloaded: 0, amInterested: true, isChokingUs: true)
        let regular = [peer(1, down: 90), peer(2, down: 80), peer(3, down: 70), peer(4, down: 60)]
        var optimistic: Set<PeerKey> = []
        for seed in UInt64(0)..<20 {
            var choker = Choker(seed: seed)
            for step in 0..<6 {
                let decision = choker.rechoke(
                    peers: regular + [freeRider, peer(6, down: 1)], isSeeding: false, now: start + .seconds(10 * step))
                optimistic.insert(decision.optimistic ?? 0)
            }
            // Alone among the choked, it still gets nothing: the four regular peers use our upload.
            #expect(choker.rechoke(peers: regular + [freeRider], isSeeding: false, now: .seconds(200)).unchoked == [1, 2, 3, 4])
            // Nor does it get a regular slot that other peers leave free...
            let two = Array(regular.prefix(2)) + [freeRider]
            #expect(choker.rechoke(peers: two, isSeeding: false, now: .seconds(300)).unchoked == [1, 2])
            // ...and when nobody else is interested, it gets the optimistic slot's share of our upload:
            // 10 s in every 50, never at once.
            let alone = [freeRider, peer(1, interested: false, down: 90)]
            let served = stride(from: 400, through: 499, by: 10).filter {
                choker.rechoke(peers: alone, isSeeding: false, now: .seconds($0)).unchoked.contains(5)
            }
            #expect(served.count == 2)
            #expect(!served.contains(400) && !served.contains(450))
        }
        #expect(optimistic == [6])
        // One byte short of the allowance, and with nothing we want (so not refusing us), it takes turns.
        let almost = Choker.Peer(key: 5, isInterested: true, uploaded: (2 << 20) - 1, downloaded: 0)
        var turns = 0
        for seed in UInt64(0)..<20 {
            var choker = Choker(seed: seed)
            for step in 0..<6 {
                let decision = choker.rechoke(
                    peers: regular + [almost, peer(6, down: 1)], isSeeding: false, now: start + .seconds(10 * step))
                if decision.optimistic == 5 { turns += 1 }
            }
        }
        #expect(turns > 0)
    }

    @Test func anOptimisticPeerThatKeepsChokingUsLosesItsTrialEarly() {
        // Peer 5 has pieces we want but never unchokes us (a free rider); peer 6 unchokes us. Peer 5 holds
        // the slot and refuses us: it loses it at the next rechoke, and does not get it back while peer 6
        // waits.
        var choker = Choker(seed: 1)
        let regular = [peer(1, down: 90), peer(2, down: 80), peer(3, down: 70), peer(4, down: 60)]
        let refuser = Choker.Peer(key: 5, isInterested: true, amInterested: true, isChokingUs: true)
        #expect(choker.rechoke(peers: regular + [refuser], isSeeding: false, now: start).optimistic == 5)
        let trader = Choker.Peer(key: 6, isInterested: true, amInterested: true, isChokingUs: false)
        for step in 1...6 {
            let now = start + .seconds(10 * step)
            #expect(choker.rechoke(peers: regular + [refuser, trader], isSeeding: false, now: now).optimistic == 6)
        }
    }

    @Test func aPeerThatChokesUsWhileWeWantNothingFromItTakesTurns() {
        // Neither peer 5 nor peer 6 has anything we want: choking us refuses nothing.
        let peers = [
            peer(1, down: 90), peer(2, down: 80), peer(3, down: 70), peer(4, down: 60),
            Choker.Peer(key: 5, isInterested: true, isChokingUs: true),
            Choker.Peer(key: 6, isInterested: true, isChokingUs: false),
        ]
        var freeRiderTurns = 0
        var traderTurns = 0
        for seed in UInt64(0)..<20 {
            var choker = Choker(seed: seed)
            for step in 0..<12 {
                let decision = choker.rechoke(peers: peers, isSeeding: false, now: start + .seconds(10 * step))
                if decision.optimistic == 5 { freeRiderTurns += 1 } else { traderTurns += 1 }
            }
        }
        // Each gets the slot in turn for its full 30 s.
        #expect(traderTurns == freeRiderTurns)
    }

    @Test func fewerSlotsMeanFewerUnchokes() {
        var choker = Choker(regularSlots: 2, seed: 1)
        let peers = (1...5).map { peer($0, down: Double($0)) }
        let decision = choker.rechoke(peers: peers, isSeeding: false, now: start)
        #expect(decision.regular == [4, 5])
        #expect([1, 2, 3].contains(decision.optimistic ?? 0))
    }
}
