import Testing
import TorrentModel

@testable import Strategy

@Suite struct PiecePickerTests {
    // MARK: What may be picked

    @Test func picksOnlyPiecesThePeerHasAndWeLack() {
        var p = picker(have: "1000000", peers: ["0110101", "1111111"])
        let blocks = p.pick(1, 100)
        #expect(Set(pieces(blocks)) == [1, 2, 4, 6])
        #expect(blocks.count == 16)
        #expect(Set(blocks).count == 16)
        // Peer 2 has everything, but 1, 2, 4, 6 are in flight and 0 is ours: only 3 and 5 are left.
        #expect(Set(pieces(p.pick(2, 8))) == [3, 5])
        expectConsistent(p)
    }

    @Test func neverAsksOnePeerTwiceForABlock() {
        var p = picker(have: "00", availability: "11")
        #expect(p.pick(1, 100).count == 8)
        #expect(p.isEndgame)
        #expect(p.pick(1, 100) == [])  // endgame, but peer 1 has all of them in flight already
        #expect(p.inFlight(for: 1) == 8)
        expectConsistent(p)
    }

    @Test func picksNothingForUnknownPeersOrNothingLeft() {
        var p = picker(have: "0011", availability: "0011")
        #expect(p.pick(1, 10) == [])  // it has only what we have
        #expect(p.pick(7, 10) == [])  // never heard of
        #expect(p.pick(1, 0) == [])
        #expect(!p.isInteresting(1))
    }

    @Test func returnsFewerThanAskedWhenLittleIsLeft() {
        var p = picker(have: "110", availability: "111")
        #expect(p.pick(1, 10) == ["2.0", "2.1", "2.2", "2.3"])
    }

    // MARK: Random first, then rarest first

    @Test func firstPiecesAreRandomNotRarest() {
        // Piece 9 is the rarest, but with fewer than 4 pieces verified the first piece is a random one.
        var firsts: [Int: Int] = [:]
        for seed in UInt64(0)..<200 {
            var p = picker(have: "1110000000", availability: "0009999991", seed: seed)
            firsts[pieces(p.pick(1, 1))[0], default: 0] += 1
        }
        #expect(firsts.keys.count == 7)  // every one of pieces 3...9 came first at least once
        #expect(firsts[9, default: 0] < 60)  // expected 200 / 7 ≈ 29
    }

    @Test func rarestFirstOnceFourPiecesAreVerified() {
        for seed in UInt64(0)..<50 {
            var p = picker(have: "1110000000", availability: "0009999991", seed: seed)
            p.pieceVerified(3)
            #expect(pieces(p.pick(1, 1)) == [9])
        }
    }

    @Test func rarestFirstOrder() {
        var p = picker(have: "11110000", availability: "00003124")
        #expect(pieces(p.pick(1, 16)) == [5, 6, 4, 7])
    }

    @Test func rarestTiesAreBrokenAtRandom() {
        var firsts: Set<Int> = []
        for seed in UInt64(0)..<100 {
            var p = picker(have: "1111000000", availability: "0000211112", seed: seed)
            let first = pieces(p.pick(1, 1))
            #expect([[5], [6], [7], [8]].contains(first))
            firsts.formUnion(first)
        }
        #expect(firsts == [5, 6, 7, 8])
    }

    @Test func rarityFollowsHaveMessages() {
        var p = picker(have: "11110000", availability: "00003124")
        for peer in 2...4 { p.peerHas(peer, piece: 5) }
        #expect(p.availabilityPicture == "00003424")
        let order = pieces(p.pick(1, 16))
        #expect(Array(order.prefix(2)) == [6, 4])
        #expect(Set(order.suffix(2)) == [5, 7])
        expectConsistent(p)
    }

    @Test func availabilityFollowsJoinsHavesAndLeaves() {
        var p = picker(have: "0000", availability: "1230")
        #expect(p.availabilityPicture == "1230")
        p.peerHas(1, piece: 3)
        #expect(p.availabilityPicture == "1231")
        p.peerHas(1, piece: 3)  // a repeated HAVE counts once
        p.peerHas(1, piece: 4)  // and one out of range not at all
        #expect(p.availabilityPicture == "1231")
        p.peerLeft(2)  // it had pieces 1 and 2
        #expect(p.availabilityPicture == "1121")
        p.peerJoined(3, has: bitfield("1111"))  // replaces its bitfield "0010"
        #expect(p.availabilityPicture == "2222")
        #expect(p.peerBitfield(3) == bitfield("1111"))
        #expect(p.peerBitfield(2) == nil)
        expectConsistent(p)
    }

    // MARK: Partial pieces first

    @Test func startedPiecesAreFinishedBeforeNewOnesAreStarted() {
        var p = picker(have: "11110000", availability: "00001234")
        #expect(p.pick(1, 2) == ["4.0", "4.1"])
        for peer in 5...7 { p.peerHas(peer, piece: 4) }
        #expect(p.availabilityPicture == "00004234")  // piece 4 is no longer the rarest...
        #expect(p.pick(1, 3) == ["4.2", "4.3", "5.0"])  // ...but it is finished first
        expectConsistent(p)
    }

    @Test func startedPiecesThePeerLacksAreLeftAlone() {
        var p = picker(have: "11110000", peers: ["00001111", "00000111"])
        #expect(p.pick(1, 2) == ["4.0", "4.1"])
        #expect(!pieces(p.pick(2, 1)).contains(4))
    }

    // MARK: Priorities

    @Test func priorityZeroIsNeverPicked() {
        var p = picker(have: "0000", availability: "1111", priority: "1010")
        #expect(Set(pieces(p.pick(1, 100))) == [0, 2])
        #expect(!p.isComplete)
        p.pieceVerified(0)
        p.pieceVerified(2)
        #expect(p.isComplete)
        expectConsistent(p)
    }

    @Test func onlySkippedPiecesAreNotInteresting() {
        var p = picker(have: "0000", peers: ["0100"], priority: "1011")
        #expect(!p.isInteresting(1))
        p.setPriority(1, ofPiece: 1)
        #expect(p.isInteresting(1))
        p.peerHas(1, piece: 2)
        p.pieceVerified(1)
        #expect(p.isInteresting(1))
        p.pieceVerified(2)
        #expect(!p.isInteresting(1))
        expectConsistent(p)
    }

    @Test func higherPriorityComesBeforeRarity() {
        var p = picker(have: "11110000", availability: "00001191", priority: "11111121")
        #expect(pieces(p.pick(1, 4)) == [6])
    }

    @Test func piecesComeInPriorityOrderThenRarity() {
        var p = picker(have: "11110000", availability: "00001221", priority: "11113121")
        #expect(pieces(p.pick(1, 16)) == [4, 6, 7, 5])  // priorities 3, 2, then 1 and 1 by rarity
    }

    @Test func higherPriorityComesBeforeStartedPieces() {
        var p = picker(have: "11110000", availability: "00001222")
        #expect(p.pick(1, 2) == ["4.0", "4.1"])
        p.setPriority(7, ofPiece: 7)
        #expect(p.pick(1, 6) == ["7.0", "7.1", "7.2", "7.3", "4.2", "4.3"])
        expectConsistent(p)
    }

    @Test func skippingAStartedPieceStopsItsRequests() {
        var p = picker(have: "00", availability: "11", priority: "21")
        #expect(p.pick(1, 2) == ["0.0", "0.1"])
        p.setPriority(0, ofPiece: 0)
        #expect(pieces(p.pick(1, 100)) == [1])
        #expect(p.receive("0.0", from: 1) == .accepted(pieceComplete: false, cancelPeers: []))  // still welcome
        expectConsistent(p)
    }

    // MARK: Endgame

    @Test func endgameStartsOnlyWhenEveryBlockIsRequested() {
        var p = picker(have: "000", availability: "222")
        #expect(p.pick(1, 8).count == 8)
        #expect(!p.isEndgame)
        #expect(Set(pieces(p.pick(2, 4))).count == 1)  // the 4 unrequested blocks, no duplicates
        #expect(p.isEndgame)
        expectConsistent(p)
    }

    @Test func endgameDuplicatesAndCancels() {
        var p = picker(have: "00", availability: "44", priority: "21")
        let all = ["0.0", "0.1", "0.2", "0.3", "1.0", "1.1", "1.2", "1.3"]
        #expect(p.pick(1, 8) == all)
        #expect(p.isEndgame)
        #expect(p.pick(2, 8) == all)  // the same blocks, from a second peer
        #expect(p.pick(3, 8) == all)  // and a third
        #expect(p.pick(4, 8) == [])  // but never a fourth
        #expect(p.receive("0.0", from: 2) == .accepted(pieceComplete: false, cancelPeers: [1, 3]))
        #expect(p.receive("0.0", from: 1) == .notRequested)  // the copy that arrived too late
        #expect(p.inFlight(for: 1) == 7)
        #expect(p.inFlight(for: 2) == 7)
        #expect(p.inFlight(for: 3) == 7)
        #expect(p.pick(4, 8) == [])  // every other block is still at three peers
        p.requestFailed(p.block("1.0"), peer: 3)
        #expect(p.pick(4, 8) == ["1.0"])
        expectConsistent(p)
    }

    @Test func endgamePrefersBlocksAtTheFewestPeers() {
        var p = picker(have: "0", availability: "3")
        #expect(p.pick(1, 4) == ["0.0", "0.1", "0.2", "0.3"])
        #expect(p.pick(2, 2) == ["0.0", "0.1"])
        #expect(p.pick(3, 3) == ["0.2", "0.3", "0.0"])
        expectConsistent(p)
    }

    // MARK: Receiving

    @Test func pieceCompleteWhenItsLastBlockArrives() {
        var p = picker(have: "0", availability: "2")
        #expect(p.pick(1, 2) == ["0.0", "0.1"])
        #expect(p.pick(2, 2) == ["0.2", "0.3"])
        #expect(p.receive("0.3", from: 2) == .accepted(pieceComplete: false, cancelPeers: []))
        #expect(p.receive("0.0", from: 1) == .accepted(pieceComplete: false, cancelPeers: []))
        #expect(p.receive("0.2", from: 2) == .accepted(pieceComplete: false, cancelPeers: []))
        #expect(p.receive("0.1", from: 1) == .accepted(pieceComplete: true, cancelPeers: []))
        #expect(p.inFlight(for: 1) == 0)
        p.pieceVerified(0)
        #expect(p.have == bitfield("1"))
        #expect(p.isComplete)
        expectConsistent(p)
    }

    @Test func unrequestedBlocksAreRefused() {
        var p = picker(have: "00", availability: "11", priority: "21")
        #expect(p.pick(1, 2) == ["0.0", "0.1"])
        #expect(p.receive("1.0", from: 1) == .notRequested)  // piece never started
        #expect(p.receive("0.3", from: 1) == .notRequested)  // piece started, block never asked for
        #expect(p.blockReceived(BlockRequest(piece: 0, begin: 0, length: 100), from: 1) == .notRequested)
        #expect(p.blockReceived(BlockRequest(piece: 0, begin: 1, length: 16384), from: 1) == .notRequested)
        #expect(p.blockReceived(BlockRequest(piece: 9, begin: 0, length: 16384), from: 1) == .notRequested)
        #expect(p.receive("0.0", from: 1) == .accepted(pieceComplete: false, cancelPeers: []))
        #expect(p.receive("0.0", from: 1) == .notRequested)  // twice
        expectConsistent(p)
    }

    @Test func aFailedRequestCanBePickedAgain() {
        var p = picker(have: "0", availability: "1")
        #expect(p.pick(1, 1) == ["0.0"])
        p.requestFailed(p.block("0.0"), peer: 1)
        #expect(p.inFlight(for: 1) == 0)
        #expect(p.pick(1, 1) == ["0.0"])
        expectConsistent(p)
    }

    @Test func aLateBlockIsStillWelcomeAndCancelsTheRetry() {
        var p = picker(have: "0", availability: "2")
        #expect(p.pick(1, 1) == ["0.0"])
        p.requestFailed(p.block("0.0"), peer: 1)  // timed out
        #expect(p.pick(2, 1) == ["0.0"])
        #expect(p.receive("0.0", from: 1) == .accepted(pieceComplete: false, cancelPeers: [2]))
        #expect(p.inFlight(for: 2) == 0)
        expectConsistent(p)
    }

    // MARK: Chokes, departures, hash failures

    @Test func chokeReleasesInFlightBlocks() {
        var p = picker(have: "00", availability: "22", priority: "21")
        #expect(p.pick(1, 3) == ["0.0", "0.1", "0.2"])
        #expect(p.peerChoked(1) == [p.block("0.0"), p.block("0.1"), p.block("0.2")])
        #expect(p.inFlight(for: 1) == 0)
        #expect(p.peerChoked(1) == [])
        #expect(p.pick(2, 4) == ["0.0", "0.1", "0.2", "0.3"])
        expectConsistent(p)
    }

    @Test func aLeavingPeerReleasesItsBlocksAndAvailability() {
        var p = picker(have: "00", availability: "21")
        #expect(p.pick(1, 3).count == 3)
        p.peerLeft(1)
        #expect(p.availabilityPicture == "10")
        #expect(p.inFlight(for: 1) == 0)
        #expect(!p.isInteresting(1))
        #expect(p.pick(2, 4).count == 4)
        expectConsistent(p)
    }

    @Test func aFailedPieceIsFetchedAgainAndNamesItsSenders() {
        var p = picker(have: "0000", availability: "2222")
        p.setPriority(2, ofPiece: 0)
        #expect(p.pick(1, 2) == ["0.0", "0.1"])
        #expect(p.pick(2, 2) == ["0.2", "0.3"])
        _ = p.receive("0.0", from: 1)
        _ = p.receive("0.1", from: 1)
        _ = p.receive("0.2", from: 2)
        #expect(p.receive("0.3", from: 2) == .accepted(pieceComplete: true, cancelPeers: []))
        p.peerLeft(2)
        #expect(p.pieceFailed(0) == [1, 2])  // peer 2 is named although it left
        #expect(p.pick(1, 4) == ["0.0", "0.1", "0.2", "0.3"])
        #expect(p.pieceFailed(1) == [])  // never started
        expectConsistent(p)
    }

    // MARK: Geometry

    @Test func shortLastPieceAndShortLastBlock() {
        // Pieces of two blocks; the last piece is one full block and 100 bytes.
        let geometry = PieceGeometry(pieceLength: 32_768, totalLength: 32_768 + 16_384 + 100)
        var p = PiecePicker(geometry: geometry, have: Bitfield(count: 2), seed: 7)
        p.peerJoined(1, has: Bitfield(count: 2, allSet: true))
        let blocks = Set(p.pickBlocks(for: 1, count: 10))
        #expect(
            blocks == [
                BlockRequest(piece: 0, begin: 0, length: 16_384), BlockRequest(piece: 0, begin: 16_384, length: 16_384),
                BlockRequest(piece: 1, begin: 0, length: 16_384), BlockRequest(piece: 1, begin: 16_384, length: 100),
            ])
        #expect(p.blockReceived(BlockRequest(piece: 1, begin: 16_384, length: 16_384), from: 1) == .notRequested)
        #expect(p.blockReceived(BlockRequest(piece: 1, begin: 16_384, length: 100), from: 1) != .notRequested)
    }

    @Test func lastPieceSmallerThanOneBlock() {
        let geometry = PieceGeometry(pieceLength: 32_768, totalLength: 32_768 + 100)
        var p = PiecePicker(geometry: geometry, have: bitfield("10"), seed: 7)
        p.peerJoined(1, has: bitfield("11"))
        #expect(p.pickBlocks(for: 1, count: 10) == [BlockRequest(piece: 1, begin: 0, length: 100)])
    }

    // MARK: Distributed copies

    @Test func distributedCopies() {
        // Copies per piece, ours included: 2 3 3 0. The rarest has 0; 3 of 4 pieces have more.
        #expect(picker(have: "1100", availability: "1230").distributedCopies == 0.75)
        // 2 2 3 3: two full copies, and half the pieces have a third.
        #expect(picker(have: "0000", availability: "2233").distributedCopies == 2.5)
        #expect(picker(have: "1111", availability: "0000").distributedCopies == 1)
        let empty = PiecePicker(geometry: PieceGeometry(pieceLength: 16_384, totalLength: 0), have: Bitfield(count: 0))
        #expect(empty.distributedCopies == 0)
        #expect(empty.isComplete)
    }
}
