import TorrentModel

extension PiecePicker {
    /// Recomputes every incrementally kept count from scratch and describes each disagreement.
    /// Empty when the picker is consistent. For tests; O(pieces × peers).
    func invariantViolations() -> [String] {
        var problems: [String] = []
        let count = geometry.pieceCount
        var wantedMissing = 0
        var unrequested = 0
        var inFlightByPeer: [PeerKey: Set<BlockRequest>] = [:]
        for piece in 0..<count {
            let available = peers.values.filter { $0.has[piece] }.count
            if available != Int(availabilityCounts[piece]) {
                problems.append("piece \(piece): availability \(availabilityCounts[piece]), peers say \(available)")
            }
            let wanted = priorities[piece] > 0 && !have[piece]
            if wanted { wantedMissing += 1 }
            let slot = Int(partialSlot[piece])
            let shouldBeCandidate = wanted && slot < 0
            if candidates.contains(piece) != shouldBeCandidate {
                problems.append(
                    "piece \(piece): candidate \(candidates.contains(piece)), expected \(shouldBeCandidate)")
            }
            if slot < 0 {
                if wanted { unrequested += geometry.blockCount(ofPiece: piece) }
                continue
            }
            let partial = partials[slot]
            if partial.piece != piece { problems.append("piece \(piece): slot \(slot) holds \(partial.piece)") }
            if have[piece] { problems.append("piece \(piece): verified but in progress") }
            let missing = partial.blocks.filter(\.isMissing).count
            let received = partial.blocks.filter { $0.sender != nil }.count
            if missing != partial.missing {
                problems.append("piece \(piece): missing \(partial.missing) != \(missing)")
            }
            if received != partial.received {
                problems.append("piece \(piece): received \(partial.received) != \(received)")
            }
            if wanted { unrequested += missing }
            for (index, block) in partial.blocks.enumerated() {
                if block.sender != nil && !block.requesters.isEmpty {
                    problems.append("piece \(piece) block \(index): received and still requested")
                }
                if Set(block.requesters).count != block.requesters.count {
                    problems.append("piece \(piece) block \(index): requested twice from one peer")
                }
                if block.requesters.count > max(1, endgameRequestLimit) {
                    problems.append("piece \(piece) block \(index): \(block.requesters.count) requesters")
                }
                for requester in block.requesters {
                    let request = BlockRequest(
                        piece: piece, begin: index * PieceGeometry.blockSize,
                        length: geometry.length(ofBlock: index, inPiece: piece))
                    inFlightByPeer[requester, default: []].insert(request)
                }
            }
        }
        if wantedMissing != wantedMissingPieces {
            problems.append("wanted missing \(wantedMissingPieces) != \(wantedMissing)")
        }
        if unrequested != unrequestedBlocks { problems.append("unrequested \(unrequestedBlocks) != \(unrequested)") }
        if candidates.count != (0..<count).filter({ candidates.contains($0) }).count {
            problems.append("candidate count \(candidates.count) disagrees with membership")
        }
        for level in candidates.levels {
            for (availability, bucket) in level.buckets.enumerated() {
                for (rank, piece) in bucket.enumerated() {
                    if candidates.rank(of: piece) != rank { problems.append("piece \(piece): rank out of date") }
                    if Int(availabilityCounts[piece]) != availability || priorities[piece] != level.priority {
                        problems.append("piece \(piece): in bucket (\(level.priority), \(availability))")
                    }
                }
            }
        }
        for (key, state) in peers {
            let expected = inFlightByPeer[key, default: []]
            if state.inFlight != expected {
                problems.append("peer \(key): in flight \(state.inFlight.count), blocks say \(expected.count)")
            }
            let wanted = (0..<count).filter { state.has[$0] && priorities[$0] > 0 && !have[$0] }.count
            if wanted != state.wantedPieces {
                problems.append("peer \(key): wanted \(state.wantedPieces) != \(wanted)")
            }
        }
        for key in inFlightByPeer.keys where peers[key] == nil {
            problems.append("peer \(key) left but still has requests")
        }
        return problems
    }
}
