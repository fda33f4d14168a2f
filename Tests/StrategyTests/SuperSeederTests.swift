import Testing
import TorrentModel

@testable import Strategy

private typealias Offer = SuperSeeder.Offer

/// Offers as a picture: "1:0 2:1" is piece 0 offered to peer 1 and piece 1 to peer 2.
private func offers(_ picture: String) -> [Offer] {
    picture.split(separator: " ").map {
        let parts = $0.split(separator: ":").map { Int($0)! }
        return Offer(peer: parts[0], piece: parts[1])
    }
}

@Suite struct SuperSeederTests {
    @Test func eachNewPeerIsOfferedAPieceNobodyHasYet() {
        var seeder = SuperSeeder(pieceCount: 6)
        #expect(seeder.peerJoined(1, has: bitfield("000000"), now: .zero) == offers("1:0"))
        #expect(seeder.peerJoined(2, has: bitfield("000000"), now: .zero) == offers("2:1"))
        // Peer 3 already has pieces 2 and 3: the rarest piece it lacks is 4.
        #expect(seeder.peerJoined(3, has: bitfield("001100"), now: .zero) == offers("3:4"))
        #expect(seeder.peerJoined(4, has: bitfield("000000"), now: .zero) == offers("4:5"))
        // Every piece is now held or on its way once: the next peer waits for the swarm...
        #expect(seeder.peerJoined(5, has: bitfield("000000"), now: .zero) == [])
        #expect(seeder.tick(now: .seconds(2)) == [])
        // ...until nothing spread for the timeout; then it gets the first piece never offered.
        #expect(seeder.tick(now: .seconds(3)) == offers("5:2"))
    }

    @Test func aPieceOnItsWayIsNotOfferedAgainWhileItCanStillSpread() {
        // The end of a flash crowd: every piece is out once. Peer 3 waits instead of fetching piece 0 or 1
        // from the seed a second time, and gets them from peers 1 and 2.
        var seeder = SuperSeeder(pieceCount: 2)
        _ = seeder.peerJoined(1, has: bitfield("00"), now: .zero)
        _ = seeder.peerJoined(2, has: bitfield("00"), now: .zero)
        #expect(seeder.peerJoined(3, has: bitfield("00"), now: .seconds(1)) == [])
        #expect(seeder.peerHas(1, piece: 0, now: .seconds(2)) == [])
        #expect(seeder.peerHas(3, piece: 0, now: .seconds(2.5)) == [])  // from peer 1
        #expect(seeder.offers(to: 1) == [])
        #expect(seeder.tick(now: .seconds(2.9)) == [])
        // Piece 1 stalled at peer 2 for the timeout: now another copy may go out.
        #expect(seeder.tick(now: .seconds(3)) == offers("1:1"))
    }

    @Test func aPieceHeldByOnePeerIsOfferedAgainOnlyWhenItDoesNotSpread() {
        var seeder = SuperSeeder(pieceCount: 3, spreadTimeout: .seconds(5))
        _ = seeder.peerJoined(1, has: bitfield("000"), now: .zero)
        _ = seeder.peerJoined(2, has: bitfield("110"), now: .zero)  // offered 2
        #expect(seeder.offers(to: 1) == [0])
        #expect(seeder.peerHas(1, piece: 0, now: .seconds(1)) == [])  // held by 2 and 1: nothing to offer 1
        // Piece 1 sat at peer 2 alone since it joined: after the timeout peer 1 may have it from the seed.
        #expect(seeder.tick(now: .seconds(4)) == [])
        #expect(seeder.tick(now: .seconds(5)) == offers("1:1"))
    }

    @Test func aNewPieceOnlyOnceTheLastOneSpread() {
        var seeder = SuperSeeder(pieceCount: 8)
        _ = seeder.peerJoined(1, has: bitfield("00000000"), now: .zero)
        _ = seeder.peerJoined(2, has: bitfield("00000000"), now: .zero)
        _ = seeder.peerJoined(3, has: bitfield("00000000"), now: .zero)
        // Peer 1 downloads piece 0 from us: others still lack it, so it waits.
        #expect(seeder.peerHas(1, piece: 0, now: .zero) == [])
        #expect(seeder.offers(to: 1) == [0])
        // Peer 2 announces piece 0: peer 1 passed it on, so peer 1 gets a fresh piece.
        #expect(seeder.peerHas(2, piece: 0, now: .zero) == offers("1:3"))
        #expect(seeder.offers(to: 2) == [1])
    }

    @Test func aFreeRiderGetsOnePieceFromTheSeedWhileOthersNeedIt() {
        var seeder = SuperSeeder(pieceCount: 8)
        _ = seeder.peerJoined(1, has: bitfield("00000000"), now: .zero)  // the free rider: offered piece 0
        _ = seeder.peerJoined(2, has: bitfield("00000000"), now: .zero)
        _ = seeder.peerJoined(3, has: bitfield("00000000"), now: .zero)
        #expect(seeder.peerHas(1, piece: 0, now: .zero) == [])
        // Peers 2 and 3 trade among themselves and with the seed; peer 1 never uploads piece 0.
        var got: [Offer] = []
        for (peer, other) in [(2, 3), (3, 2)] {
            for piece in seeder.offers(to: peer) {
                got += seeder.peerHas(peer, piece: piece, now: .zero)
                got += seeder.peerHas(other, piece: piece, now: .zero)
            }
        }
        #expect(got.allSatisfy { $0.peer != 1 })
        #expect(seeder.offers(to: 1) == [0])
    }

    @Test func aPieceAFreeRiderSitsOnIsOfferedAgainAfterTheTimeout() {
        var seeder = SuperSeeder(pieceCount: 3)
        _ = seeder.peerJoined(1, has: bitfield("000"), now: .zero)  // the free rider: offered piece 0
        _ = seeder.peerJoined(2, has: bitfield("000"), now: .zero)
        _ = seeder.peerJoined(3, has: bitfield("000"), now: .zero)
        #expect(seeder.peerHas(1, piece: 0, now: .zero) == [])
        #expect(seeder.peerHas(2, piece: 1, now: .seconds(0.5)) == [])
        #expect(seeder.peerHas(3, piece: 2, now: .seconds(0.5)) == [])
        // Peers 2 and 3 trade; their offers end, but piece 0 has sat at the free rider only a second.
        #expect(seeder.peerHas(3, piece: 1, now: .seconds(1)) == [])
        #expect(seeder.peerHas(2, piece: 2, now: .seconds(1)) == [])
        #expect(seeder.tick(now: .seconds(2.9)) == [])
        // Three seconds without spreading: one more copy, to one peer, which passes it on.
        #expect(seeder.tick(now: .seconds(3)) == offers("2:0"))
        // The free rider's offer ends, and everything it lacks is now at two peers: nothing more for it.
        #expect(seeder.peerHas(2, piece: 0, now: .seconds(4)) == [])
        #expect(seeder.offers(to: 1) == [])
    }

    @Test func aLonePeerIsNotKeptWaiting() {
        // Nobody else to spread to: each downloaded piece ends its offer.
        var seeder = SuperSeeder(pieceCount: 4, offersPerPeer: 2)
        #expect(seeder.peerJoined(1, has: bitfield("0000"), now: .zero) == offers("1:0 1:1"))
        #expect(seeder.peerHas(1, piece: 0, now: .zero) == offers("1:2"))
        #expect(seeder.peerHas(1, piece: 1, now: .zero) == offers("1:3"))
        #expect(seeder.peerHas(1, piece: 3, now: .zero) == [])
        #expect(seeder.peerHas(1, piece: 2, now: .zero) == [])
        #expect(seeder.offers(to: 1) == [])
    }

    @Test func aPeerLeavingFreesOffersNobodyElseNeeds() {
        var seeder = SuperSeeder(pieceCount: 4)
        _ = seeder.peerJoined(1, has: bitfield("0000"), now: .zero)
        _ = seeder.peerJoined(2, has: bitfield("0000"), now: .zero)
        _ = seeder.peerHas(1, piece: 0, now: .zero)
        #expect(seeder.offers(to: 1) == [0])
        // Peer 2 was the only one that lacked piece 0; it leaves, so peer 1 may have a new piece: one never
        // offered before (piece 1 went to peer 2, who may have passed some of it on).
        #expect(seeder.peerLeft(2, now: .zero) == offers("1:2"))
    }

    @Test func aLateJoinerWaitsForTheSwarmThenGetsWhatDidNotSpread() {
        var seeder = SuperSeeder(pieceCount: 4)
        _ = seeder.peerJoined(1, has: bitfield("1110"), now: .zero)
        // Piece 3 nobody has, but it is on its way to peer 1; piece 2 only peer 1 has: peer 2 gets it there.
        #expect(seeder.offers(to: 1) == [3])
        #expect(seeder.peerJoined(2, has: bitfield("1100"), now: .zero) == [])
        #expect(seeder.peerJoined(3, has: bitfield("0000"), now: .zero) == [])
        // Nothing spread for the timeout: one more copy each. Piece 2 was never offered, so peer 2 gets
        // it; peer 3 then gets piece 3, as piece 2 is on its way to peer 2 now.
        #expect(seeder.tick(now: .seconds(3)) == offers("2:2 3:3"))
    }

    @Test func aPeerThatOnlyEverHasOnePieceGetsNoMore() {
        // It downloads its offer but never announces it: nothing spreads, so the seed offers it nothing more.
        var seeder = SuperSeeder(pieceCount: 4)
        _ = seeder.peerJoined(1, has: bitfield("1000"), now: .zero)
        _ = seeder.peerJoined(2, has: bitfield("0000"), now: .zero)
        let first = seeder.offers(to: 1)
        for piece in seeder.offers(to: 2) {
            #expect(seeder.peerHas(2, piece: piece, now: .zero).allSatisfy { $0.peer != 1 })
        }
        #expect(seeder.offers(to: 1) == first)
    }

    @Test func aPieceTwoPeersHaveIsLeftToTheSwarm() {
        var seeder = SuperSeeder(pieceCount: 3)
        _ = seeder.peerJoined(1, has: bitfield("110"), now: .zero)  // offered 2
        _ = seeder.peerJoined(2, has: bitfield("100"), now: .zero)
        _ = seeder.peerJoined(3, has: bitfield("000"), now: .zero)
        // After the timeout: peer 2 gets piece 1 (only peer 1 has it); peer 3 piece 2 (stalled on its way
        // to peer 1); piece 0, at two peers, goes to nobody.
        #expect(seeder.tick(now: .seconds(3)) == offers("2:1 3:2"))
        // Peer 4 has pieces 1 and 2; piece 0 is at two peers, so it is offered nothing.
        #expect(seeder.peerJoined(4, has: bitfield("011"), now: .seconds(9)) == [])
    }

    @Test func aBitfieldReplacesWhatWeKnew() {
        // Offered before the peer's bitfield arrived; the bitfield says it has that piece already.
        var seeder = SuperSeeder(pieceCount: 3)
        #expect(seeder.peerJoined(1, has: bitfield("000"), now: .zero) == offers("1:0"))
        #expect(seeder.peerJoined(1, has: bitfield("110"), now: .zero) == offers("1:2"))
        #expect(seeder.offers(to: 1) == [2])
    }
}
