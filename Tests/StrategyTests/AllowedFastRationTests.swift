import Testing

@testable import Strategy

/// Asks `ration` about one request and returns its answer (`#expect` cannot call a mutating method).
private func admits(
    _ ration: inout AllowedFastRation, piece: Int, peer: PeerKey, others: Int = 0, at seconds: Int = 0
) -> Bool {
    ration.admit(piece: piece, peer: peer, othersHaving: others, now: .seconds(seconds))
}

@Suite struct AllowedFastRationTests {
    @Test func aLonePeerGetsEveryPieceOfItsSet() {
        var ration = AllowedFastRation()
        var answers: [Bool] = []
        for piece in [3, 7, 11] {
            for block in 0..<4 { answers.append(admits(&ration, piece: piece, peer: 1, at: block)) }
        }
        #expect(answers == Array(repeating: true, count: 12))
    }

    @Test func aPieceAnotherPeerHasIsRefused() {
        var ration = AllowedFastRation()
        let one = admits(&ration, piece: 3, peer: 1, others: 1)
        let five = admits(&ration, piece: 3, peer: 1, others: 5)
        #expect(!one && !five)
    }

    @Test func peersOfOneSubnetShareAPieceOnlyOnce() {
        // Sixteen choked peers on one /24 all have the same set and ask for the same piece at once.
        var ration = AllowedFastRation()
        let admitted = (1...16).filter { admits(&ration, piece: 3, peer: $0) }
        #expect(admitted == [1])
        // Its other blocks still go to the first peer; other pieces of the set go to others.
        let moreOfIt = admits(&ration, piece: 3, peer: 1, at: 1)
        let another = admits(&ration, piece: 7, peer: 2, at: 1)
        let thatToTheFirst = admits(&ration, piece: 7, peer: 1, at: 1)
        #expect(moreOfIt && another && !thatToTheFirst)
    }

    @Test func onceThePieceSpreadNobodyElseGetsItFromUs() {
        var ration = AllowedFastRation()
        let first = admits(&ration, piece: 3, peer: 1)
        // Peer 1 announced it: for peer 2 one other peer has it now.
        let second = admits(&ration, piece: 3, peer: 2, others: 1, at: 20)
        #expect(first && !second)
        #expect(ration.grants[3] == nil)
    }

    @Test func aStalledGrantLapses() {
        var ration = AllowedFastRation(grantTimeout: .seconds(10))
        let first = admits(&ration, piece: 3, peer: 1)
        let tooEarly = admits(&ration, piece: 3, peer: 2, at: 9)
        let lapsed = admits(&ration, piece: 3, peer: 2, at: 10)
        #expect(first && !tooEarly && lapsed)
        #expect(ration.grants[3] == .init(peer: 2, since: .seconds(10)))
        let backToTheFirst = admits(&ration, piece: 3, peer: 1, at: 11)
        #expect(!backToTheFirst)
    }

    @Test func aGrantEndsWithItsPeer() {
        var ration = AllowedFastRation()
        _ = admits(&ration, piece: 3, peer: 1)
        _ = admits(&ration, piece: 4, peer: 2)
        ration.peerLeft(1)
        let freed = admits(&ration, piece: 3, peer: 2, at: 1)
        #expect(freed)
        #expect(ration.grants.count == 2)
    }
}
