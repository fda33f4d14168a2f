import Testing
import TorrentModel

@testable import Strategy

/// Drives a picker through whole downloads the way the engine would, with random deliveries, timeouts,
/// chokes, departures and a corrupt piece, checking the contract on every step and every count at the end.
@Suite struct SwarmSimulationTests {
    @Test(arguments: UInt64(1)...6)
    func downloadsEverythingThroughChaos(seed: UInt64) {
        let pieceCount = 40
        // 5 full blocks and a short one per piece, and a short last piece.
        let geometry = PieceGeometry(
            pieceLength: 5 * 16_384 + 1000, totalLength: Int64(39 * (5 * 16_384 + 1000) + 20_000))
        #expect(geometry.pieceCount == pieceCount)
        var random = SplitMix64(seed: seed ^ 0xABCD)
        var p = PiecePicker(geometry: geometry, have: Bitfield(count: pieceCount), seed: seed)
        var inFlight: [PeerKey: Set<BlockRequest>] = [:]
        var received: Set<BlockRequest> = []
        var corrupted = false
        var banned: Set<PeerKey> = []

        func join(_ peer: PeerKey) {
            var has = Bitfield(count: pieceCount, allSet: peer == 1)  // peer 1 is a seed, so all is reachable
            for piece in 0..<pieceCount where Bool.random(using: &random) { has[piece] = true }
            p.peerJoined(peer, has: has)
            inFlight[peer] = []
        }
        for peer in 1...5 { join(peer) }

        var steps = 0
        while !p.isComplete && steps < 20_000 {
            steps += 1
            let peer = PeerKey.random(in: 1...5, using: &random)
            switch Int.random(in: 0..<100, using: &random) {
            case 0..<40:  // refill the pipeline
                let wanted = max(0, 8 - inFlight[peer]!.count)
                for block in p.pickBlocks(for: peer, count: wanted) {
                    #expect(p.peerBitfield(peer)![block.piece], "peer \(peer) lacks \(block)")
                    #expect(!p.have[block.piece] && !received.contains(block), "\(block) is already ours")
                    #expect(inFlight[peer]!.insert(block).inserted, "\(block) asked twice of \(peer)")
                    #expect(geometry.isValidBlock(piece: block.piece, begin: block.begin, length: block.length))
                }
            case 40..<85:  // a block arrives
                guard let block = inFlight[peer]!.randomElement(using: &random) else { break }
                inFlight[peer]!.remove(block)
                switch p.blockReceived(block, from: peer) {
                case .notRequested:
                    Issue.record("\(block) from \(peer) was requested")
                case .accepted(let complete, let cancelPeers):
                    #expect(received.insert(block).inserted)
                    for other in cancelPeers { #expect(inFlight[other]!.remove(block) != nil) }
                    guard complete else { break }
                    let blocksOfPiece = received.filter { $0.piece == block.piece }
                    #expect(blocksOfPiece.count == geometry.blockCount(ofPiece: block.piece))
                    if !corrupted && block.piece % 2 == 1 {
                        corrupted = true
                        banned = p.pieceFailed(block.piece)
                        #expect(!banned.isEmpty)
                        received.subtract(blocksOfPiece)
                    } else {
                        p.pieceVerified(block.piece)
                    }
                }
            case 85..<93:  // a request times out
                guard let block = inFlight[peer]!.randomElement(using: &random) else { break }
                inFlight[peer]!.remove(block)
                p.requestFailed(block, peer: peer)
            case 93..<97:  // choked
                #expect(Set(p.peerChoked(peer)) == inFlight[peer]!)
                inFlight[peer] = []
            default:  // leaves and comes back (the seed stays)
                guard peer != 1 else { break }
                p.peerLeft(peer)
                #expect(p.inFlight(for: peer) == 0)
                join(peer)
            }
            for key in 1...5 { #expect(p.inFlight(for: key) == inFlight[key]!.count) }
            if steps % 50 == 0 { expectConsistent(p) }
        }
        let verified = p.have.setCount
        #expect(verified == pieceCount, "\(verified) of \(pieceCount) pieces after \(steps) steps")
        #expect(p.isComplete == (verified == pieceCount))
        #expect(corrupted)
        expectConsistent(p)
    }
}
