import PeerWire
import Strategy
import TorrentModel

/// The fast extension (BEP 6) beyond have_all/have_none: allowed-fast sets both ways, suggestions and
/// rejects. The rules are in `FastState` and `AllowedFast`; this applies them to the torrent's peers.
extension Torrent {
    /// Tells a fast peer, just after the handshake, which of our pieces it may request while we choke it:
    /// its BEP 6 allowed-fast set, less the pieces we do not have (those follow as we get them). Not while
    /// super-seeding, which hides what we have.
    func sendAllowedFast(to key: PeerKey) {
        guard let peer = peers[key], peer.state.supportsFastExtension, !isSuperSeeding else { return }
        let have = picker.have
        let set = AllowedFast.pieces(
            forHost: peer.link.address.host, infoHash: metainfo.infoHash.bytes, pieceCount: metainfo.pieceCount)
        let pieces = peers[key]!.state.fast.assignAllowedSet(set) { have[$0] }
        guard !pieces.isEmpty else { return }
        peer.link.send(pieces.map { PeerMessage.allowedFast($0) })
    }

    /// A piece was verified: peers whose allowed-fast set holds it may now have it while choked.
    func allowFastAfterVerifying(_ piece: Int) {
        guard !isSuperSeeding else { return }
        for key in peers.keys where peers[key]!.state.fast.pieceArrived(piece) {
            peers[key]!.link.send(.allowedFast(piece))
        }
    }

    /// A request from the peer: queued for upload, rejected (fast peers) or dropped. Returns a reason to
    /// close when the request is malformed.
    func peerRequested(_ block: BlockRef, from key: PeerKey, reply: inout PeerReply) -> String? {
        guard metainfo.geometry.isValidRequest(piece: block.piece, begin: block.begin, length: block.length) else {
            return "invalid request \(block)"
        }
        let state = peers[key]!.state
        let answer = state.fast.answer(
            toRequestFor: block.piece, have: picker.have[block.piece], amChoking: state.amChoking,
            queueFull: reply.uploads.count >= PeerState.maxRequestsFromPeer, supportsFast: state.supportsFastExtension)
        switch answer {
        case .serve where state.amChoking && !admitAllowedFast(block.piece, to: key):
            peers[key]!.link.send(.rejectRequest(block))
        case .serve:
            reply.uploads.append(block)
            spreadLedger.sent(block.piece, to: key)
        case .reject: peers[key]!.link.send(.rejectRequest(block))
        case .ignore: break
        }
        return nil
    }

    /// A choked peer asks for a piece of its allowed-fast set: served only as the swarm's first copy of it
    /// (`AllowedFastRation` says why).
    private func admitAllowedFast(_ piece: Int, to key: PeerKey) -> Bool {
        let others = picker.availability(ofPiece: piece) - (picker.peerBitfield(key)?[piece] == true ? 1 : 0)
        return allowedFastRation.admit(piece: piece, peer: key, othersHaving: others, now: now)
    }

    /// The peer cancelled a request. One still in this batch is dropped, and a fast peer hears
    /// `reject_request` for it (BEP 6: every request is answered by a block or a reject); one already
    /// queued for upload is sent.
    func peerCancelled(_ block: BlockRef, from key: PeerKey, reply: inout PeerReply) {
        let before = reply.uploads.count
        reply.uploads.removeAll { $0 == block }
        if reply.uploads.count < before && peers[key]!.state.supportsFastExtension {
            peers[key]!.link.send(.rejectRequest(block))
        }
    }

    /// The peer choked us. Without the fast extension every request is void; a fast peer rejects what it
    /// will not serve, and serves its allowed-fast pieces while choking, so those requests stay.
    func peerChokedUs(_ key: PeerKey) {
        peers[key]!.state.peerChoking = true
        guard peers[key]!.state.supportsFastExtension else {
            releaseRequests(of: key)
            return
        }
        let allowed = peers[key]!.state.fast.allowedByPeer
        for block in peers[key]!.state.requestsToPeer.keys where !allowed.contains(block.piece) {
            peers[key]!.state.forget(block)
            picker.requestFailed(block, peer: key)
        }
    }

    /// suggest_piece, allowed_fast and reject_request. Fast messages from a peer that did not offer the
    /// extension are ignored; so is a reject for a block we did not ask for.
    func handleFastMessage(_ message: PeerMessage, from key: PeerKey) {
        guard peers[key]!.state.supportsFastExtension else { return }
        let pieceCount = metainfo.pieceCount
        switch message {
        case .suggestPiece(let piece):
            guard piece >= 0, piece < pieceCount, !picker.have[piece] else { return }
            peers[key]!.state.fast.peerSuggested(piece, pieceCount: pieceCount)
        case .allowedFast(let piece):
            peers[key]!.state.fast.peerAllowed(piece, pieceCount: pieceCount)
        case .rejectRequest(let block):
            guard peers[key]!.state.requestsToPeer[block] != nil else { return }
            peers[key]!.state.forget(block)
            // The block is free for any peer again; this one is not asked for the piece again until it
            // unchokes us anew, so a peer that keeps rejecting cannot keep us busy. While it chokes us, a
            // reject says something only about an allowed-fast piece (it serves those to choked peers
            // only as first copies); the others were forgotten with the choke.
            let state = peers[key]!.state
            if !state.peerChoking || state.fast.allowedByPeer.contains(block.piece) {
                peers[key]!.state.fast.peerRejected(block.piece, now: now)
            }
            picker.requestFailed(block, peer: key)
        default:
            break
        }
    }

    /// Up to `count` blocks to ask the peer for. While it chokes us, only from its allowed-fast pieces;
    /// otherwise from the pieces it suggested first, then as the picker likes. Pieces it rejected lately
    /// while unchoking us are left out (see `FastState.rejectedPieces`).
    func blocksToRequest(from key: PeerKey, count: Int) -> [BlockRequest] {
        let rejected = peers[key]!.state.fast.rejectedPieces(now: now)
        let state = peers[key]!.state
        let pieceCount = metainfo.pieceCount
        func bits(_ pieces: some Sequence<Int>) -> Bitfield {
            var field = Bitfield(count: pieceCount)
            for piece in pieces where !rejected.contains(piece) { field[piece] = true }
            return field
        }
        if state.peerChoking {
            guard state.supportsFastExtension, !state.fast.allowedByPeer.isEmpty else { return [] }
            return picker.pickBlocks(for: key, count: count, onlyFrom: bits(state.fast.allowedByPeer))
        }
        var blocks: [BlockRequest] = []
        if !state.fast.suggested.isEmpty {
            peers[key]!.state.fast.forgetSuggestions { picker.have[$0] }
            blocks = picker.pickBlocks(for: key, count: count, onlyFrom: bits(peers[key]!.state.fast.suggested))
        }
        let restriction = rejected.isEmpty ? nil : bits(0..<pieceCount)
        return blocks + picker.pickBlocks(for: key, count: count - blocks.count, onlyFrom: restriction)
    }
}
