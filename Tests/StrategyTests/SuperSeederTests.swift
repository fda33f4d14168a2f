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
        #expect(seeder.peerJoined(1, has: bitfield("000000")) == offers("1:0"))
        #expect(seeder.peerJoined(2, has: bitfield("000000")) == offers("2:1"))
        // Peer 3 already has pieces 2 and 3: the rarest piece it lacks is 4.
        #expect(seeder.peerJoined(3, has: bitfield("001100")) == offers("3:4"))
        #expect(seeder.peerJoined(4, has: bitfield("000000")) == offers("4:5"))
        // Every piece is now held or on its way once: the next peer gets the first one never offered.
        #expect(seeder.peerJoined(5, has: bitfield("000000")) == offers("5:2"))
    }

    @Test func aNewPieceOnlyOnceTheLastOneSpread() {
        var seeder = SuperSeeder(pieceCount: 8)
        _ = seeder.peerJoined(1, has: bitfield("00000000"))
        _ = seeder.peerJoined(2, has: bitfield("00000000"))
        _ = seeder.peerJoined(3, has: bitfield("00000000"))
        // Peer 1 downloads piece 0 from us: others still lack it, so it waits.
        #expect(seeder.peerHas(1, piece: 0) == [])
        #expect(seeder.offers(to: 1) == [0])
        // Peer 2 announces piece 0: peer 1 passed it on, so peer 1 gets a fresh piece.
        #expect(seeder.peerHas(2, piece: 0) == offers("1:3"))
        #expect(seeder.offers(to: 2) == [1])
    }

    @Test func aFreeRiderGetsOnePieceFromTheSeedWhileOthersNeedIt() {
        var seeder = SuperSeeder(pieceCount: 8)
        _ = seeder.peerJoined(1, has: bitfield("00000000"))  // the free rider: offered piece 0
        _ = seeder.peerJoined(2, has: bitfield("00000000"))
        _ = seeder.peerJoined(3, has: bitfield("00000000"))
        #expect(seeder.peerHas(1, piece: 0) == [])
        // Peers 2 and 3 trade among themselves and with the seed; peer 1 never uploads piece 0.
        var got: [Offer] = []
        for (peer, other) in [(2, 3), (3, 2)] {
            for piece in seeder.offers(to: peer) {
                got += seeder.peerHas(peer, piece: piece)
                got += seeder.peerHas(other, piece: piece)
            }
        }
        #expect(got.allSatisfy { $0.peer != 1 })
        #expect(seeder.offers(to: 1) == [0])
    }

    @Test func aLonePeerIsNotKeptWaiting() {
        // Nobody else to spread to: each downloaded piece ends its offer.
        var seeder = SuperSeeder(pieceCount: 4, offersPerPeer: 2)
        #expect(seeder.peerJoined(1, has: bitfield("0000")) == offers("1:0 1:1"))
        #expect(seeder.peerHas(1, piece: 0) == offers("1:2"))
        #expect(seeder.peerHas(1, piece: 1) == offers("1:3"))
        #expect(seeder.peerHas(1, piece: 3) == [])
        #expect(seeder.peerHas(1, piece: 2) == [])
        #expect(seeder.offers(to: 1) == [])
    }

    @Test func aPeerLeavingFreesOffersNobodyElseNeeds() {
        var seeder = SuperSeeder(pieceCount: 4)
        _ = seeder.peerJoined(1, has: bitfield("0000"))
        _ = seeder.peerJoined(2, has: bitfield("0000"))
        _ = seeder.peerHas(1, piece: 0)
        #expect(seeder.offers(to: 1) == [0])
        // Peer 2 was the only one that lacked piece 0; it leaves, so peer 1 may have a new piece: one never
        // offered before (piece 1 went to peer 2, who may have passed some of it on).
        #expect(seeder.peerLeft(2) == offers("1:2"))
    }

    @Test func aLateJoinerIsOfferedTheRarestPiece() {
        var seeder = SuperSeeder(pieceCount: 4)
        _ = seeder.peerJoined(1, has: bitfield("1110"))
        _ = seeder.peerJoined(2, has: bitfield("1100"))
        // Piece 3 nobody has, but it is on its way to peer 1; piece 2 only peer 1 has. One copy each, and
        // piece 2 was never offered.
        #expect(seeder.offers(to: 1) == [3])
        #expect(seeder.offers(to: 2) == [2])
        #expect(seeder.peerJoined(3, has: bitfield("0000")) == offers("3:3"))
    }

    @Test func aPeerThatOnlyEverHasOnePieceGetsNoMore() {
        // It downloads its offer but never announces it: nothing spreads, so the seed offers it nothing more.
        var seeder = SuperSeeder(pieceCount: 4)
        _ = seeder.peerJoined(1, has: bitfield("1000"))
        _ = seeder.peerJoined(2, has: bitfield("0000"))
        let first = seeder.offers(to: 1)
        for piece in seeder.offers(to: 2) {
            #expect(seeder.peerHas(2, piece: piece).allSatisfy { $0.peer != 1 })
        }
        #expect(seeder.offers(to: 1) == first)
    }

    @Test func aPieceTwoPeersHaveIsLeftToTheSwarm() {
        var seeder = SuperSeeder(pieceCount: 3)
        _ = seeder.peerJoined(1, has: bitfield("110"))  // offered 2
        _ = seeder.peerJoined(2, has: bitfield("100"))  // offered 1: only peer 1 has it
        // Peer 3 lacks everything: piece 0 has two copies, piece 1 a copy and an offer, piece 2 an offer.
        #expect(seeder.peerJoined(3, has: bitfield("000")) == offers("3:2"))
        // Peer 4 has pieces 1 and 2; piece 0 is at two peers, so it is offered nothing.
        #expect(seeder.peerJoined(4, has: bitfield("011")) == [])
    }

    @Test func aBitfieldReplacesWhatWeKnew() {
        // Offered before the peer's bitfield arrived; the bitfield says it has that piece already.
        var seeder = SuperSeeder(pieceCount: 3)
        #expect(seeder.peerJoined(1, has: bitfield("000")) == offers("1:0"))
        #expect(seeder.peerJoined(1, has: bitfield("110")) == offers("1:2"))
        #expect(seeder.offers(to: 1) == [2])
    }
}
