import NIOCore
import PeerWire
import TorrentModel

/// The sending side of one peer connection. Writes are queued on the channel's event loop in call order.
public final class PeerLink: Sendable {
    let channel: Channel
    public let address: PeerAddress
    public let isIncoming: Bool

    init(channel: Channel, address: PeerAddress, isIncoming: Bool) {
        self.channel = channel
        self.address = address
        self.isIncoming = isIncoming
    }

    func send(_ messages: [PeerMessage]) {
        guard !messages.isEmpty else { return }
        var size = 0
        for case .piece(_, _, let data) in messages { size += data.readableBytes + 13 }
        var buffer = channel.allocator.buffer(capacity: size + messages.count * 17)
        for message in messages { MessageEncoder.write(message, into: &buffer) }
        channel.writeAndFlush(buffer, promise: nil)
    }

    func send(_ message: PeerMessage) { send([message]) }

    func sendRaw(_ bytes: [UInt8]) {
        channel.writeAndFlush(channel.allocator.buffer(bytes: bytes), promise: nil)
    }

    func close() {
        channel.close(promise: nil)
    }
}
