import NIOCore
import PeerWire
import Strategy
import TorrentModel

extension MetadataFetch {
    /// A peer finished the handshake. Returns its key, or nil when it is no use or not welcome: it does
    /// not speak the extension protocol, it is banned, a duplicate, or we are full or not fetching.
    func attach(_ link: PeerLink, handshake: Handshake) -> PeerKey? {
        guard phase == .fetching, handshake.supportsExtensionProtocol, !bannedHosts.contains(link.address.host),
            peers.count < maxPeers, !peers.values.contains(where: { $0.peerID == handshake.peerID })
        else { return nil }
        let key = nextPeerKey
        nextPeerKey += 1
        let now = self.now
        peers[key] = FetchPeer(
            link: link, peerID: handshake.peerID, client: PeerID.clientName(handshake.peerID), connectedAt: now,
            lastKeepAliveAt: now)
        // No bitfield or have_none yet: the torrent sends one if the connection is handed over to it (BEP 6
        // wants exactly one); without the metadata we have nothing anyway.
        link.send(.extended(id: 0, payload: ExtensionHandshake(
            extensions: [MetadataMessage.extensionName: Int(LocalExtension.metadata)],
            client: "Swarm \(Torrent.version)", listenPort: connector.listenPort
        ).payload))
        return key
    }

    /// The connection ended. Returns whether the peer offered the metadata: one that did not is dialled
    /// again only after a failure's wait.
    @discardableResult
    func detach(_ key: PeerKey, reason: String) -> Bool {
        guard let peer = peers.removeValue(forKey: key) else { return false }
        assembler.peerLeft(key)
        logger.debug("\(peer.link.address) left the metadata fetch: \(reason)")
        if phase == .fetching { connectMore() }
        return peer.metadataID != nil
    }

    /// Handles a batch of messages from one peer.
    func handle(_ messages: [PeerMessage], from key: PeerKey) async -> FetchReply {
        guard peers[key] != nil else { return .close("detached") }
        for (index, message) in messages.enumerated() {
            switch message {
            case .extended(0, let payload):
                if let reason = receiveHandshake(payload, from: key) { return .close(reason) }
                peers[key]!.extensionHandshake = message
            case .extended(LocalExtension.metadata, let payload):
                if let reason = await receiveMetadata(payload, from: key) { return .close(reason) }
            case .extended:
                break
            default:
                peers[key]!.record(message)
            }
            if phase == .done, handOverKey == key, let peer = peers.removeValue(forKey: key) {
                assembler.peerLeft(key)
                let source = peer.link.isIncoming ? .incoming : knownPeers[peer.link.address]?.source ?? .unknown
                return .handOver(FetchHandOver(peer: peer, source: source, pending: Array(messages[(index + 1)...])))
            }
            guard phase == .fetching, peers[key] != nil else { return .close("metadata fetch ended") }
        }
        requestPieces(from: key)
        return .keepGoing
    }

    private func receiveHandshake(_ payload: ByteBuffer, from key: PeerKey) -> String? {
        guard let handshake = ExtensionHandshake(payload: payload) else { return "malformed extension handshake" }
        if let client = handshake.client, !client.isEmpty { peers[key]!.client = String(client.prefix(64)) }
        guard let id = handshake.extensions[MetadataMessage.extensionName], id > 0, id < 256,
            let size = handshake.metadataSize
        else { return "the peer does not offer the metadata" }
        guard assembler.peerJoined(key, metadataSize: size) else { return "the peer claims metadata of \(size) bytes" }
        peers[key]!.metadataID = UInt8(id)
        return nil
    }

    private func receiveMetadata(_ payload: ByteBuffer, from key: PeerKey) async -> String? {
        let message: MetadataMessage
        do {
            message = try MetadataMessage(payload: payload)
        } catch {
            if case .unknownType = error { return nil }
            return error.description
        }
        switch message {
        case .request(let piece):
            // We have nothing to give yet.
            if let id = peers[key]!.metadataID {
                peers[key]!.link.send(.extended(id: id, payload: MetadataMessage.reject(piece: piece).payload))
            }
        case .reject(let piece):
            assembler.rejected(piece, by: key)
        case .data(let piece, let totalSize, let data):
            peers[key]!.metadataBytes += Int64(data.count)
            switch assembler.received(piece, totalSize: totalSize, data: data, from: key) {
            case .accepted:
                break
            case .ignored(let why):
                logger.debug("\(peers[key]!.link.address): metadata piece ignored: \(why)")
            case .hashFailed(let contributors, let banned):
                logger.info("\(displayName): metadata from \(contributors.count) peer(s) did not hash")
                if let banned, let peer = peers[banned] {
                    bannedHosts.insert(peer.link.address.host)
                    peer.link.close()
                    if banned == key { return "sent metadata that does not match the info-hash" }
                }
            case .complete(let bytes):
                await finish(bytes, lastFrom: key)
            }
        }
        return nil
    }

    /// The metadata is verified: stop fetching and let the session start the torrent. The connection to
    /// the peer that sent the last piece is handed over to the torrent; the others close (the torrent
    /// dials them again).
    private func finish(_ bytes: [UInt8], lastFrom key: PeerKey) async {
        guard phase == .fetching else { return }
        phase = .done
        handOverKey = key
        logger.info("\(displayName): metadata complete (\(bytes.count) bytes)")
        tickTask?.cancel()
        trackerTask?.cancel()
        for (other, peer) in peers where other != key {
            peer.link.close()
            peers[other] = nil
        }
        await onComplete?(bytes)
    }

    /// Sends the requests the assembler hands out for this peer.
    func requestPieces(from key: PeerKey) {
        guard phase == .fetching, let peer = peers[key], let id = peer.metadataID else { return }
        let pieces = assembler.requests(for: key, now: now)
        guard !pieces.isEmpty else { return }
        peer.link.send(pieces.map { .extended(id: id, payload: MetadataMessage.request(piece: $0).payload) })
    }

    /// Dials known peers up to the limit, waiting longer before each new attempt at a peer that failed.
    func connectMore() {
        guard phase == .fetching else { return }
        let now = self.now
        let slots = maxPeers - pendingConnections - peers.values.filter(\.link.isIncoming).count
        let due = knownPeers.takeDue(
            slots: slots, now: now, banned: bannedHosts,
            wait: { $0.failures > 0 ? .seconds(5) * (1 << min($0.failures - 1, 5)) : .seconds(2) })
        for address in due {
            pendingConnections += 1
            connector.connect(address, self)
        }
    }

    /// The session reports that an outgoing connection ended; `failed` when it never got past the handshake.
    func connectionEnded(_ address: PeerAddress, failed: Bool) {
        pendingConnections -= 1
        knownPeers[address]?.connected = false
        if failed { knownPeers[address]?.failures += 1 } else { knownPeers[address]?.failures = 0 }
        connectMore()
    }
}

/// What a fetch's connection does after a batch of messages.
enum FetchReply: Sendable {
    case keepGoing
    case close(String)
    /// The metadata is complete and this connection goes on for the torrent.
    case handOver(FetchHandOver)
}

/// A connection passed from a finished fetch to its torrent: what the peer told us so far, and the
/// messages of its last batch not handled yet.
struct FetchHandOver: Sendable {
    let peer: FetchPeer
    let source: PeerSource
    let pending: [PeerMessage]

    /// The peer's extension handshake, pieces and choke state as messages, for the torrent to handle as if
    /// they came now.
    var replay: [PeerMessage] {
        var messages: [PeerMessage] = peer.extensionHandshake.map { [$0] } ?? []
        if let announcement = peer.pieceAnnouncement { messages.append(announcement) }
        messages += peer.haves.sorted().map { .have(piece: $0) }
        if !peer.peerChoking { messages.append(.unchoke) }
        if peer.peerInterested { messages.append(.interested) }
        return messages + pending
    }
}

extension FetchPeer {
    /// Keeps what the torrent will need of a message that means nothing before the metadata is known.
    mutating func record(_ message: PeerMessage) {
        switch message {
        case .bitfield, .haveAll, .haveNone:
            pieceAnnouncement = message
            haves = []
        case .have(let piece):
            if haves.count < 1 << 17 { haves.insert(piece) }
        case .choke: peerChoking = true
        case .unchoke: peerChoking = false
        case .interested: peerInterested = true
        case .notInterested: peerInterested = false
        default: break
        }
    }
}
