import NIOCore
import PeerWire
import Strategy
import TorrentModel

/// The extended-message ids we ask peers to use when they write to us (our BEP 10 handshake's `m`).
enum LocalExtension {
    static let metadata: UInt8 = 2
}

extension Torrent {
    /// The BEP 9 part of our extension handshake. Nothing for a private torrent: its peers get the
    /// .torrent from its site, and libtorrent and Transmission do not serve such metadata either.
    var metadataExtensions: [String: Int] {
        metainfo.isPrivate ? [:] : [MetadataMessage.extensionName: Int(LocalExtension.metadata)]
    }

    var advertisedMetadataSize: Int? { metainfo.isPrivate ? nil : metainfo.infoBytes.count }

    /// Answers a peer's `ut_metadata` message (BEP 9): pieces of our info dictionary for requests.
    /// Returns a reason to close the connection when the message is malformed.
    func serveMetadata(_ payload: ByteBuffer, to key: PeerKey) -> String? {
        guard let peer = peers[key], !metainfo.isPrivate else { return nil }
        let message: MetadataMessage
        do {
            message = try MetadataMessage(payload: payload)
        } catch {
            // BEP 9: message types we do not know are ignored.
            if case .unknownType = error { return nil }
            return error.description
        }
        // We have the metadata: data and reject messages are not for us.
        guard case .request(let piece) = message else { return nil }
        guard let theirID = peer.state.peerExtensions[MetadataMessage.extensionName], theirID > 0, theirID < 256 else {
            return "ut_metadata request from a peer that did not offer ut_metadata"
        }
        let metadata = metainfo.infoBytes
        // A peer needs each piece once; a few repeats are fine, an endless stream of requests is not.
        let allowance = 4 * MetadataMessage.pieceCount(forSize: metadata.count) + 8
        let reply: MetadataMessage
        if let bytes = MetadataMessage.piece(piece, of: metadata), peer.state.metadataPiecesServed < allowance {
            peers[key]!.state.metadataPiecesServed += 1
            reply = .data(piece: piece, totalSize: metadata.count, payload: Array(bytes))
        } else {
            reply = .reject(piece: piece)
        }
        peer.link.send(.extended(id: UInt8(theirID), payload: reply.payload))
        return nil
    }
}

extension Torrent {
    /// Takes over a connection from the fetch that found this torrent's metadata: attaches the peer as if
    /// it had just connected, then handles what it told the fetch (its extension handshake, its pieces,
    /// whether it unchoked us) and the messages the fetch left unread. Nil when the peer is not welcome (the
    /// torrent is paused or full) or broke the protocol.
    func adopt(_ link: PeerLink, handshake: Handshake, localPeerID: [UInt8], from handOver: FetchHandOver) -> PeerKey? {
        guard let key = attach(link, handshake: handshake, localPeerID: localPeerID) else { return nil }
        if !link.isIncoming {
            // Counted as a connection we dialled, as `connectMore` would have.
            knownPeers[link.address, default: KnownPeer(source: handOver.source)].connected = true
            pendingConnections += 1
        }
        peers[key]!.client = handOver.peer.client
        let reply = handle(handOver.replay, from: key)
        if let reason = reply.close {
            link.close()
            detach(key, reason: reason)
            if !link.isIncoming { connectionEnded(link.address, failed: true) }
            return nil
        }
        return key
    }
}
