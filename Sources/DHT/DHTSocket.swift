import NIOCore
import NIOPosix

/// The node's UDP socket: datagrams out, and datagrams in as an async stream of (bytes, sender).
/// Datagrams larger than `KRPCCodec.maxPacketSize` are dropped here; when the node falls behind, the
/// oldest waiting datagrams are dropped rather than memory growing.
struct DHTSocket: Sendable {
    struct Datagram: Sendable {
        let bytes: [UInt8]
        let from: NodeAddress
    }

    let channel: any Channel
    let datagrams: AsyncStream<Datagram>

    static func bind(host: String, port: Int, group: any EventLoopGroup) async throws -> DHTSocket {
        let (stream, continuation) = AsyncStream.makeStream(of: Datagram.self, bufferingPolicy: .bufferingNewest(512))
        // No SO_REUSEADDR: on Linux it would let two processes share a UDP port and split its datagrams.
        let channel = try await DatagramBootstrap(group: group)
            // Big enough that an oversized datagram is seen whole (and dropped), not silently truncated.
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Receiver(continuation: continuation))
                }
            }
            .bind(host: host, port: port).get()
        return DHTSocket(channel: channel, datagrams: stream)
    }

    var localPort: Int { channel.localAddress?.port ?? 0 }

    func send(_ bytes: [UInt8], to address: NodeAddress) {
        guard let remote = try? SocketAddress(ipAddress: address.host, port: Int(address.port)) else { return }
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: bytes)), promise: nil)
    }

    func close() async {
        try? await channel.close()
    }

    final class Receiver: ChannelInboundHandler, Sendable {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>
        let continuation: AsyncStream<Datagram>.Continuation

        init(continuation: AsyncStream<Datagram>.Continuation) {
            self.continuation = continuation
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard envelope.data.readableBytes <= KRPCCodec.maxPacketSize,
                let host = envelope.remoteAddress.ipAddress, let port = envelope.remoteAddress.port,
                let port16 = UInt16(exactly: port), port16 != 0
            else { return }
            continuation.yield(Datagram(bytes: Array(envelope.data.readableBytesView), from: NodeAddress(host: host, port: port16)))
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // ICMP port unreachable and the like: the query times out.
        }

        func channelInactive(context: ChannelHandlerContext) {
            continuation.finish()
            context.fireChannelInactive()
        }
    }
}
