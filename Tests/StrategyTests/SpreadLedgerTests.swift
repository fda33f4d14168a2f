import Testing

@testable import Strategy

@Suite struct SpreadLedgerTests {
    /// The seed sent piece `piece` to `holder`; then `taker` announces it, sent by us or not.
    private func hand(
        _ ledger: inout SpreadLedger, piece: Int, to holder: PeerKey, then taker: PeerKey, fromUs: Bool
    ) {
        ledger.sent(piece, to: holder)
        ledger.peerAnnounced(piece, by: holder, othersHaving: 0)
        if fromUs { ledger.sent(piece, to: taker) }
        ledger.peerAnnounced(piece, by: taker, othersHaving: 1)
    }

    @Test func aFreeRiderHoldsBackEveryPieceOnlyItHad() {
        var ledger = SpreadLedger(pieceCount: 64)
        // Peer 9 never uploads: whoever needs its pieces has to come to us.
        for piece in 0..<4 { hand(&ledger, piece: piece, to: 9, then: piece % 2 + 1, fromUs: true) }
        #expect(ledger.heldBack[9] == 4)
        #expect(ledger.passedOn[9] == nil)
        #expect(ledger.isHoarder(9))
    }

    @Test func anHonestPeerPassesPiecesOn() {
        var ledger = SpreadLedger(pieceCount: 64)
        // Peer 1 passes most on; now and then a peer asks us first.
        for piece in 0..<8 { hand(&ledger, piece: piece, to: 1, then: 2, fromUs: piece == 3) }
        #expect(ledger.passedOn[1] == 7)
        #expect(ledger.heldBack[1] == 1)
        #expect(!ledger.isHoarder(1))
        // Passing on one piece in ten is enough to escape the verdict.
        for piece in 8..<17 { hand(&ledger, piece: piece, to: 1, then: 3, fromUs: true) }
        #expect(ledger.heldBack[1] == 10)
        #expect(!ledger.isHoarder(1))
    }

    @Test func aLoneLeecherAndALateJoinerGetNoVerdict() {
        var ledger = SpreadLedger(pieceCount: 64)
        // Alone: nobody else ever announces its pieces.
        for piece in 0..<32 {
            ledger.sent(piece, to: 1)
            ledger.peerAnnounced(piece, by: 1, othersHaving: 0)
        }
        // A late joiner took pieces many peers had: several holders say nothing about who gave.
        for piece in 32..<40 {
            ledger.sent(piece, to: 2)
            ledger.peerAnnounced(piece, by: 2, othersHaving: 3)
        }
        #expect(!ledger.isHoarder(1) && !ledger.isHoarder(2))
        #expect(ledger.heldBack.isEmpty && ledger.passedOn.isEmpty)
    }

    @Test func aSeedThatCameCompleteIsNoHolderButAPeerThatCompletedIs() {
        var ledger = SpreadLedger(pieceCount: 64)
        // We leech beside the torrent's seed (7): without leaving it out, peer 1 would never be a sole
        // holder, and the ledger would see nothing.
        ledger.peerCameAsSeed(7)
        ledger.peerAnnounced(0, by: 1, othersHaving: 1)  // the seed has it too
        ledger.peerAnnounced(0, by: 2, othersHaving: 2)  // not from us: peer 1 passed it on
        #expect(ledger.passedOn[1] == 1)
        // Peer 3 completed while we watched (it is no seed to the ledger): it and peer 4 hold piece 1, so
        // peer 5 getting it says nothing about peer 4.
        ledger.peerAnnounced(1, by: 4, othersHaving: 2)  // the seed and peer 3
        ledger.peerAnnounced(1, by: 5, othersHaving: 3)
        #expect(ledger.passedOn[4] == nil)
        // The seed left: counts are raw again.
        ledger.peerLeft(7)
        #expect(ledger.seeds.isEmpty)
        ledger.peerAnnounced(2, by: 1, othersHaving: 0)
        ledger.peerAnnounced(2, by: 2, othersHaving: 1)
        #expect(ledger.passedOn[1] == 2)
    }

    @Test func tooLittleEvidenceIsNoVerdict() {
        var ledger = SpreadLedger(pieceCount: 64)
        for piece in 0..<3 { hand(&ledger, piece: piece, to: 9, then: 1, fromUs: true) }
        #expect(!ledger.isHoarder(9))
    }

    @Test func aPeerThatHidesItsPiecesLeavesNoTrace() {
        // It takes pieces and never sends `have`: no holder, so no event either way.
        var ledger = SpreadLedger(pieceCount: 64)
        for piece in 0..<8 {
            ledger.sent(piece, to: 9)
            ledger.sent(piece, to: 1)
            ledger.peerAnnounced(piece, by: 1, othersHaving: 0)
        }
        #expect(ledger.heldBack.isEmpty && ledger.passedOn.isEmpty)
    }

    @Test func aSecondCopyEndsTheSoleHolding() {
        var ledger = SpreadLedger(pieceCount: 64)
        hand(&ledger, piece: 5, to: 1, then: 2, fromUs: false)
        // A third peer's copy of piece 5 no longer says who gave it.
        ledger.peerAnnounced(5, by: 3, othersHaving: 2)
        #expect(ledger.passedOn[1] == 1)
        #expect(ledger.passedOn[2] == nil)
    }

    @Test func aPeerThatLeftIsForgottenWithItsHoldings() {
        var ledger = SpreadLedger(pieceCount: 64)
        for piece in 0..<4 { hand(&ledger, piece: piece, to: 9, then: 1, fromUs: true) }
        ledger.sent(10, to: 9)
        ledger.peerAnnounced(10, by: 9, othersHaving: 0)
        ledger.peerLeft(9)
        #expect(!ledger.isHoarder(9))
        // Piece 10's holder left: a peer announcing it with one other holder (unknown) credits nobody.
        ledger.peerAnnounced(10, by: 2, othersHaving: 1)
        #expect(ledger.passedOn.isEmpty && ledger.heldBack.isEmpty)
    }

    @Test func outOfRangePiecesAreIgnored() {
        var ledger = SpreadLedger(pieceCount: 4)
        ledger.sent(-1, to: 1)
        ledger.sent(4, to: 1)
        ledger.peerAnnounced(99, by: 1, othersHaving: 0)
        ledger.peerAnnounced(-5, by: 2, othersHaving: 1)
        #expect(ledger.heldBack.isEmpty && ledger.passedOn.isEmpty)
    }
}
