import NIOCore
import PeerWire
import TorrentModel

extension PeerConnection {
    /// Runs a connection that serves a magnet link's metadata fetch, after the handshake: messages go to the
    /// fetch in batches until either side closes, or until the metadata is complete, when the connection
    /// goes on for the new torrent. Returns whether the peer offered the metadata.
    static func fetchMetadata(
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, _ stream: inout MessageStream,
        link: PeerLink, handshake: Handshake, fetch: MetadataFetch, session: Session
    ) async -> Bool {
        guard let key = await fetch.attach(link, handshake: handshake) else { return false }
        var reason = "closed by peer"
        var handOver: FetchHandOver?
        do {
            reading: while true {
                var messages: [PeerMessage] = []
                while let message = try stream.next() { messages.append(message) }
                if !messages.isEmpty {
                    switch await fetch.handle(messages, from: key) {
                    case .keepGoing: break
                    case .close(let why):
                        reason = why
                        break reading
                    case .handOver(let passed):
                        handOver = passed
                        break reading
                    }
                }
                guard let chunk = try await iterator.next() else { break }
                stream.append(chunk)
            }
        } catch let error as WireError {
            reason = error.description
        } catch {
            reason = "connection error: \(error)"
        }
        guard let handOver else {
            link.close()
            return await fetch.detach(key, reason: reason)
        }
        await continueForTorrent(&iterator, &stream, link: link, handshake: handshake, handOver: handOver, session: session)
        return true
    }

    /// Hands a connection from a finished fetch to its torrent and runs it there.
    private static func continueForTorrent(
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, _ stream: inout MessageStream,
        link: PeerLink, handshake: Handshake, handOver: FetchHandOver, session: Session
    ) async {
        guard let torrent = await session.torrent(for: handshake.infoHash) else {
            link.close()
            return
        }
        guard let key = await torrent.adopt(link, handshake: handshake, localPeerID: session.peerID, from: handOver) else {
            // Paused (stop after metadata) or full: the torrent may dial the peer later.
            link.close()
            if !link.isIncoming { await torrent.addPeers([link.address], source: handOver.source) }
            return
        }
        let reason = await readLoop(iterator: &iterator, stream: &stream, key: key, torrent: torrent, link: link)
        await torrent.detach(key, reason: reason)
        if !link.isIncoming { await torrent.connectionEnded(link.address, failed: false) }
    }
}
