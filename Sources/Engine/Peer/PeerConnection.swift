import NIOCore
import PeerWire
import TorrentModel

/// Runs one peer connection from handshake to close: reads the socket, splits it into messages and hands
/// them to the torrent in batches (one actor call per read, not per message), and serves the blocks the
/// torrent says to upload.
enum PeerConnection {
    static let handshakeTimeout: TimeAmount = .seconds(15)

    /// `torrent` is set for connections we dialled; incoming ones find their torrent from the handshake.
    /// Returns whether the peer got past the handshake and was attached to a torrent.
    static func run(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, address: PeerAddress, torrent: Torrent?,
        session: Session
    ) async -> Bool {
        var attached = false
        let channel = connection.channel
        let link = PeerLink(channel: channel, address: address, isIncoming: torrent == nil)
        let deadline = channel.eventLoop.scheduleTask(in: handshakeTimeout) { channel.close(promise: nil) }
        try? await connection.executeThenClose { inbound, _ in
            var iterator = inbound.makeAsyncIterator()
            var buffer = channel.allocator.buffer(capacity: 0)
            if let torrent {
                link.sendRaw(Handshake(infoHash: torrent.infoHash, peerID: session.peerID).encoded)
            }
            while buffer.readableBytes < Handshake.length {
                guard let chunk = try await iterator.next() else { return }
                buffer.writeImmutableBuffer(chunk)
            }
            let handshake = try Handshake(decoding: buffer.readBytes(length: Handshake.length)!)
            guard handshake.peerID != session.peerID else { return }
            let target: Torrent
            if let torrent {
                guard handshake.infoHash == torrent.infoHash else { return }
                target = torrent
            } else {
                guard let found = await session.torrent(for: handshake.infoHash) else { return }
                target = found
                link.sendRaw(Handshake(infoHash: target.infoHash, peerID: session.peerID).encoded)
            }
            deadline.cancel()
            guard let key = await target.attach(link, handshake: handshake) else { return }
            attached = true
            let reason = await readLoop(
                iterator: &iterator, buffer: &buffer, key: key, torrent: target, link: link)
            await target.detach(key, reason: reason)
        }
        deadline.cancel()
        return attached
    }

    private static func readLoop(
        iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, buffer: inout ByteBuffer,
        key: Int, torrent: Torrent, link: PeerLink
    ) async -> String {
        let decoder = MessageDecoder(maxMessageLength: max(1 << 17, torrent.metainfo.pieceCount / 8 + 16))
        do {
            while true {
                var messages: [PeerMessage] = []
                while let message = try decoder.next(from: &buffer) { messages.append(message) }
                if !messages.isEmpty {
                    let reply = await torrent.handle(messages, from: key)
                    if let reason = reply.close { return reason }
                    if !reply.uploads.isEmpty {
                        let blocks = reply.uploads.map { (piece: $0.piece, begin: $0.begin, length: $0.length) }
                        let data = try await torrent.storage.read(blocks: blocks)
                        let delay = await torrent.uploadDelay(for: data.reduce(0) { $0 + $1.readableBytes })
                        if delay > .zero { try await Task.sleep(for: delay) }
                        link.send(zip(reply.uploads, data).map { .piece(piece: $0.piece, begin: $0.begin, data: $1) })
                    }
                }
                guard let chunk = try await iterator.next() else { return "closed by peer" }
                if buffer.readableBytes == 0 {
                    buffer = chunk
                } else {
                    buffer.discardReadBytes()
                    buffer.writeImmutableBuffer(chunk)
                }
            }
        } catch let error as WireError {
            return error.description
        } catch {
            return "connection error: \(error)"
        }
    }
}
