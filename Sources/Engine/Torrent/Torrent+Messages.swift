import NIOCore
import PeerWire
import Strategy
import TorrentModel

/// What a connection must do after the torrent handled a batch of messages.
struct PeerReply: Sendable {
    var uploads: [BlockRef] = []
    var close: String?
    /// The peer speaks the fast extension: uploads the connection cannot queue must be rejected, not dropped.
    var rejectsDropped = false
}

extension Torrent {
    /// A peer finished the handshake. Returns its key, or nil when it is not welcome (banned, full, a
    /// duplicate we do not keep, or the torrent is not running).
    func attach(_ link: PeerLink, handshake: Handshake, localPeerID: [UInt8]) -> PeerKey? {
        switch activity {
        case .downloading, .seeding: break
        default: return nil
        }
        guard !bannedHosts.contains(link.address.host), peers.count < peerLimit,
            resolveDuplicate(of: link, peerID: handshake.peerID, localPeerID: localPeerID)
        else { return nil }
        let key = nextPeerKey
        nextPeerKey += 1
        var state = PeerState(now: now)
        state.supportsFastExtension = handshake.supportsFastExtension
        state.supportsExtensionProtocol = handshake.supportsExtensionProtocol
        peers[key] = ConnectedPeer(
            link: link, peerID: handshake.peerID, client: PeerID.clientName(handshake.peerID), state: state)
        picker.peerJoined(key, has: Bitfield(count: metainfo.pieceCount))
        wakeTicking()
        if state.supportsExtensionProtocol {
            link.send(.extended(id: 0, payload: ExtensionHandshake(
                extensions: metadataExtensions.merging(offeredExtensions) { mine, _ in mine },
                client: "Swarm \(Self.version)", maxRequests: PeerState.maxRequestsFromPeer, listenPort: listenPort,
                metadataSize: advertisedMetadataSize
            ).payload))
        }
        if handshake.supportsDHT, let port = connector.dhtPort { link.send(.port(port)) }
        let have = picker.have
        if superSeedGreet(key) {
            // Announces pieces one at a time instead.
        } else if state.supportsFastExtension && have.isComplete {
            link.send(.haveAll)
        } else if state.supportsFastExtension && have.isEmpty {
            link.send(.haveNone)
        } else if !have.isEmpty {
            link.send(.bitfield(have.bytes))
        }
        sendAllowedFast(to: key)
        return key
    }

    func detach(_ key: PeerKey, reason: String) {
        guard let peer = peers[key] else { return }
        if !peer.link.isIncoming, picker.peerBitfield(key)?.isComplete == true {
            knownPeers[peer.link.address]?.isSeed = true
        }
        if !peer.state.amChoking && peer.state.peerInterested { uploadSlotFreed = true }
        peers[key] = nil
        picker.peerLeft(key)
        superSeedPeerLeft(key)
        allowedFastRation.peerLeft(key)
        spreadLedger.peerLeft(key)
        if optimisticPeer == key { optimisticPeer = nil }
        logger.debug("\(peer.link.address) disconnected: \(reason)")
        connectMore()
    }

    /// Handles a batch of messages from one peer, in order.
    func handle(_ messages: [PeerMessage], from key: PeerKey) -> PeerReply {
        guard peers[key] != nil else { return PeerReply(close: "detached") }
        var reply = PeerReply(rejectsDropped: peers[key]!.state.supportsFastExtension)
        let now = self.now
        peers[key]!.state.lastReceivedAt = now
        for message in messages {
            if let reason = handle(message, from: key, now: now, reply: &reply) {
                return PeerReply(close: reason)
            }
        }
        updateInterest(key)
        requestBlocks(from: key)
        return reply
    }

    /// Returns a reason to close the connection when the peer broke the protocol.
    private func handle(_ message: PeerMessage, from key: PeerKey, now: Duration, reply: inout PeerReply) -> String? {
        let pieceCount = metainfo.pieceCount
        switch message {
        case .keepAlive, .unknown:
            break
        case .port(let port):
            if port != 0 { connector.heardDHTNode?(PeerAddress(host: peers[key]!.link.address.host, port: port)) }
        case .extended(let id, let payload):
            if id == 0, let handshake = ExtensionHandshake(payload: payload) {
                peers[key]!.state.peerMaxRequests = handshake.maxRequests
                if let client = handshake.client, !client.isEmpty { peers[key]!.client = String(client.prefix(64)) }
                peers[key]!.state.peerExtensions = handshake.extensions
                extensionHandshakeReceived(handshake, from: key)
            } else if id == LocalExtension.metadata {
                return serveMetadata(payload, to: key)
            } else if id != 0 {
                extendedMessageReceived(id: id, payload: payload, from: key)
            }
        case .choke:
            peerChokedUs(key)
        case .unchoke:
            peers[key]!.state.peerChoking = false
            peers[key]!.state.fast.peerUnchoked()
        case .interested:
            peers[key]!.state.peerInterested = true
            unchokeIfSlotFree(key)
        case .notInterested:
            if !peers[key]!.state.amChoking && peers[key]!.state.peerInterested { uploadSlotFreed = true }
            peers[key]!.state.peerInterested = false
        case .have(let piece):
            guard piece >= 0 && piece < pieceCount else { return "have for piece \(piece) out of range" }
            if picker.peerBitfield(key)?[piece] == false {
                spreadLedger.peerAnnounced(piece, by: key, othersHaving: picker.availability(ofPiece: piece))
            }
            picker.peerHas(key, piece: piece)
            superSeedPeerHas(key, piece: piece)
        case .bitfield(let bytes):
            // BEP 3 wants it first, but aria2 sends one again later: take it as the peer's new state.
            guard let bits = Bitfield(wireBytes: bytes, count: pieceCount) else { return "malformed bitfield" }
            noteSeedArrival(key, complete: bits.isComplete)
            picker.peerJoined(key, has: bits)
            superSeedPeerAnnounced(key)
        case .haveAll, .haveNone:
            guard peers[key]!.state.supportsFastExtension else { return "have_all/have_none without the fast extension" }
            noteSeedArrival(key, complete: message == .haveAll)
            picker.peerJoined(key, has: Bitfield(count: pieceCount, allSet: message == .haveAll))
            superSeedPeerAnnounced(key)
        case .request(let block):
            if let reason = peerRequested(block, from: key, reply: &reply) { return reason }
        case .cancel(let block):
            peerCancelled(block, from: key, reply: &reply)
        case .suggestPiece, .rejectRequest, .allowedFast:
            handleFastMessage(message, from: key)
        case .piece(let piece, let begin, let data):
            receiveBlock(BlockRef(piece: piece, begin: begin, length: data.readableBytes), data: data, from: key, now: now)
        }
        return nil
    }

    private func receiveBlock(_ block: BlockRef, data: ByteBuffer, from key: PeerKey, now: Duration) {
        download.add(block.length, now: now)
        rowMayHaveChanged()
        _ = peers[key]!.state.received(block, now: now)
        guard metainfo.geometry.isValidBlock(piece: block.piece, begin: block.begin, length: block.length) else {
            wasted += Int64(block.length)
            return
        }
        guard case .accepted(let complete, let cancelPeers) = picker.blockReceived(block, from: key)
        else {
            wasted += Int64(block.length)
            return
        }
        for other in cancelPeers where other != key {
            peers[other]?.state.forget(block)
            peers[other]?.link.send(.cancel(block))
        }
        let length = metainfo.geometry.length(ofPiece: block.piece)
        if pieceBuffers[block.piece] == nil {
            if length == metainfo.pieceLength, let spare = spareBuffers.popLast() {
                pieceBuffers[block.piece] = PieceBuffer(reusing: spare)
            } else {
                pieceBuffers[block.piece] = PieceBuffer(length: length)
            }
        }
        pieceBuffers[block.piece]!.bytes.withUnsafeMutableBytes { target in
            data.withUnsafeReadableBytes { source in
                (target.baseAddress! + block.begin).copyMemory(from: source.baseAddress!, byteCount: source.count)
            }
        }
        if complete, let buffer = pieceBuffers.removeValue(forKey: block.piece) {
            verify(piece: block.piece, data: buffer.bytes)
        }
    }

    /// Blocks went out to a peer: they count for its upload rate and ours once they are sent (not when
    /// requested), so rates and ratios follow the upload limit.
    func sent(_ bytes: Int, to key: PeerKey) {
        let now = self.now
        peers[key]?.state.upload.add(bytes, now: now)
        upload.add(bytes, now: now)
        rowMayHaveChanged()
    }

    /// Forgets every request in flight at a peer and makes the blocks pickable again.
    func releaseRequests(of key: PeerKey) {
        _ = peers[key]?.state.forgetAllRequests()
        _ = picker.peerChoked(key)
    }

    /// The peer told us its pieces; before any other word on them, a full set means it came as a seed
    /// (the spread ledger leaves those out of a piece's holders).
    private func noteSeedArrival(_ key: PeerKey, complete: Bool) {
        if complete && picker.peerBitfield(key)?.isEmpty != false { spreadLedger.peerCameAsSeed(key) }
    }

    /// Sends `interested` or `not interested` when that changed.
    func updateInterest(_ key: PeerKey) {
        guard let peer = peers[key] else { return }
        let interesting = picker.isInteresting(key)
        if interesting != peer.state.amInterested {
            peers[key]!.state.amInterested = interesting
            peer.link.send(interesting ? .interested : .notInterested)
        }
    }

    /// Fills the peer's request pipeline (while it chokes us, with its allowed-fast pieces only).
    func requestBlocks(from key: PeerKey) {
        guard let peer = peers[key], peer.state.amInterested, peer.state.inFlight < peer.state.pipelineDepth
        else { return }
        let wanted = peer.state.pipelineDepth - peer.state.inFlight
        let blocks = blocksToRequest(from: key, count: wanted)
        guard !blocks.isEmpty else { return }
        let now = self.now
        var messages: [PeerMessage] = []
        messages.reserveCapacity(blocks.count)
        for block in blocks {
            peers[key]!.state.requested(block, now: now)
            messages.append(.request(block))
        }
        peer.link.send(messages)
    }
}
