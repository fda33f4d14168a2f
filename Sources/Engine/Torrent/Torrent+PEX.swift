import NIOCore
import PeerWire
import Strategy
import TorrentModel

/// Peer exchange (BEP 11, `ut_pex`): we tell each peer that offers it which peers we are connected to,
/// about once a minute (`PexState`), and dial the peers it tells us of. Never on private torrents
/// (BEP 27): we do not offer it and ignore what arrives.
extension Torrent {
    /// Our extended-message id for `ut_pex` (ut_metadata uses 2).
    static let pexMessageID: UInt8 = 1
    /// Peers learned from PEX are not added beyond this many known peers.
    static let maxKnownPeersFromPex = 2000

    /// The extensions we offer in our extension handshake, by our local message id.
    var offeredExtensions: [String: Int] {
        metainfo.isPrivate ? [:] : [PexMessage.extensionName: Int(Self.pexMessageID)]
    }

    /// The peer's extension handshake: its listen port, and peer exchange when it offers `ut_pex`
    /// (id 0 switches it off again, BEP 10).
    func extensionHandshakeReceived(_ handshake: ExtensionHandshake, from key: PeerKey) {
        if let port = handshake.listenPort { peers[key]!.state.listenPort = port }
        guard !metainfo.isPrivate, let id = handshake.extensions[PexMessage.extensionName] else { return }
        if id == 0 {
            peers[key]!.state.pex = nil
        } else if peers[key]!.state.pex?.messageID != UInt8(id) {
            peers[key]!.state.pex = PexState(messageID: UInt8(id))
        }
    }

    /// Extended messages with one of our local ids other than 0 (the handshake).
    func extendedMessageReceived(id: UInt8, payload: ByteBuffer, from key: PeerKey) {
        if id == Self.pexMessageID { pexReceived(payload, from: key) }
    }

    /// A `ut_pex` message: its added peers become known peers with source `.pex`. Ignored on private
    /// torrents, from peers that did not offer PEX, when malformed or oversized, and when it comes sooner
    /// than a sixth of the PEX interval after the previous one.
    private func pexReceived(_ payload: ByteBuffer, from key: PeerKey) {
        guard !metainfo.isPrivate, peers[key]?.state.pex != nil else { return }
        guard peers[key]!.state.pex!.acceptMessage(now: now, minimumGap: configuration.pexInterval / 6) else { return }
        let message: PexMessage
        do {
            message = try PexMessage(payload: payload)
        } catch {
            logger.debug("\(peers[key]!.link.address): ignoring a bad PEX message: \(error)")
            return
        }
        // Peers we are already connected to (an incoming one by its listen address) are not dialled again.
        let connected = Set(peers.compactMap { key, peer in pexEntry(peer, key: key)?.address })
        var fresh: [PeerAddress] = []
        for peer in message.added where knownPeers.count + fresh.count < Self.maxKnownPeersFromPex {
            let address = peer.address.normalized
            guard knownPeers[address] == nil, !connected.contains(address), !fresh.contains(address) else { continue }
            fresh.append(address)
        }
        guard !fresh.isEmpty else { return }
        addPeers(fresh, source: .pex)
        for peer in message.added where peer.flags.contains(.seed) {
            knownPeers[peer.address.normalized]?.isSeed = true
        }
    }

    /// Sends each PEX peer the message that is due (see `PexState`).
    func sendPexMessages(now: Duration) {
        guard !metainfo.isPrivate else { return }
        var entries: [(key: PeerKey, peer: PexMessage.Peer)] = []
        for (key, peer) in peers {
            if let entry = pexEntry(peer, key: key) { entries.append((key, entry)) }
        }
        for key in peers.keys where peers[key]!.state.pex != nil {
            let others = entries.filter { $0.key != key }.map { $0.peer }
            guard let message = peers[key]!.state.pex!.nextMessage(
                connected: others, now: now, interval: configuration.pexInterval)
            else { continue }
            peers[key]!.link.send(.extended(id: peers[key]!.state.pex!.messageID, payload: message.payload))
        }
    }

    /// How other peers reach a connected peer: the address we dialled, or an incoming peer's address with
    /// the listen port from its extension handshake. Nil when we do not know its port.
    private func pexEntry(_ peer: ConnectedPeer, key: PeerKey) -> PexMessage.Peer? {
        var flags: PexMessage.Flags = []
        if picker.peerBitfield(key)?.isComplete == true { flags.insert(.seed) }
        if !peer.link.isIncoming {
            flags.insert(.reachable)
            return PexMessage.Peer(peer.link.address, flags: flags)
        }
        guard let port = peer.state.listenPort, port != 0 else { return nil }
        return PexMessage.Peer(PeerAddress(host: peer.link.address.host, port: port), flags: flags)
    }
}
