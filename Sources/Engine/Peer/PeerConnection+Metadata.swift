import NIOCore
import PeerWire
import TorrentModel

extension PeerConnection {
    /// Runs a connection that serves a magnet link's metadata fetch, after the handshake: messages go to the
    /// fetch in batches until either side closes. Returns whether the peer offered the metadata.
    static func fetchMetadata(
        _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, _ stream: inout MessageStream,
        link: PeerLink, handshake: Handshake, fetch: MetadataFetch
    ) async -> Bool {
        guard let key = await fetch.attach(link, handshake: handshake) else { return false }
        var reason = "closed by peer"
        do {
            while true {
                var messages: [PeerMessage] = []
                while let message = try stream.next() { messages.append(message) }
                if !messages.isEmpty, let close = await fetch.handle(messages, from: key) {
                    reason = close
                    break
                }
                guard let chunk = try await iterator.next() else { break }
                stream.append(chunk)
            }
        } catch let error as WireError {
            reason = error.description
        } catch {
            reason = "connection error: \(error)"
        }
        link.close()
        return await fetch.detach(key, reason: reason)
    }
}
