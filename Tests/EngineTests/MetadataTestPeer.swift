import Engine
import NIOCore
import NIOPosix
import PeerWire
import TorrentModel

/// A peer on loopback that follows a script instead of the protocol: a hostile seeder, or a client that
/// sends malformed messages. Each accepted or dialled connection runs `script`.
struct MetadataTestPeer {
    /// One connection, after the 68-byte handshake both ways.
    final class Connection: @unchecked Sendable {
        private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
        var stream = MessageStream(decoder: MessageDecoder())
        let theirHandshake: Handshake

        init(
            iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
            outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>, handshake: Handshake
        ) {
            self.iterator = iterator
            self.outbound = outbound
            self.theirHandshake = handshake
        }

        func send(_ messages: [PeerMessage]) async throws {
            var buffer = ByteBuffer()
            for message in messages { MessageEncoder.write(message, into: &buffer) }
            try await outbound.write(buffer)
        }

        /// The next message, or nil once the other side closed.
        func next() async throws -> PeerMessage? {
            while true {
                if let message = try stream.next() { return message }
                guard let chunk = try await iterator.next() else { return nil }
                stream.append(chunk)
            }
        }

        static func handshake(
            _ iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, stream: inout MessageStream
        ) async throws -> Handshake? {
            var received: [UInt8] = []
            while received.count < Handshake.length {
                guard let chunk = try await iterator.next() else { return nil }
                stream.append(chunk)
                received += stream.readBytes(min(Handshake.length - received.count, stream.bufferedBytes)) ?? []
            }
            return try Handshake(decoding: received)
        }
    }

    let group: MultiThreadedEventLoopGroup
    let port: Int
    private let task: Task<Void, Never>

    /// Listens on `host` and answers every connection for `infoHash` with `script`.
    static func listen(
        host: String, infoHash: InfoHash, script: @escaping @Sendable (Connection) async throws -> Void
    ) async throws -> MetadataTestPeer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? 0
        let task = Task<Void, Never> {
            try? await withThrowingDiscardingTaskGroup { tasks in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        tasks.addTask {
                            try? await connection.executeThenClose { input, output in
                                var iterator = input.makeAsyncIterator()
                                var stream = MessageStream(decoder: MessageDecoder())
                                guard let theirs = try await Connection.handshake(&iterator, stream: &stream) else { return }
                                try await output.write(ByteBuffer(bytes: Handshake(
                                    infoHash: infoHash, peerID: PeerID.generate()).encoded))
                                let connection = Connection(iterator: iterator, outbound: output, handshake: theirs)
                                connection.stream = stream
                                try await script(connection)
                            }
                        }
                    }
                }
            }
        }
        return MetadataTestPeer(group: group, port: port, task: task)
    }

    /// Dials `address`, sends a handshake for `infoHash`, and runs `script` once the peer answered.
    static func dial(
        _ address: PeerAddress, infoHash: InfoHash, script: @escaping @Sendable (Connection) async throws -> Void
    ) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await dial(address, infoHash: infoHash, group: group, script: script)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try? await group.shutdownGracefully()
    }

    private static func dial(
        _ address: PeerAddress, infoHash: InfoHash, group: MultiThreadedEventLoopGroup,
        script: @escaping @Sendable (Connection) async throws -> Void
    ) async throws {
        let channel = try await ClientBootstrap(group: group).connect(host: address.host, port: Int(address.port)) {
            channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        try await channel.executeThenClose { input, output in
            try await output.write(ByteBuffer(bytes: Handshake(infoHash: infoHash, peerID: PeerID.generate()).encoded))
            var iterator = input.makeAsyncIterator()
            var stream = MessageStream(decoder: MessageDecoder())
            guard let theirs = try await Connection.handshake(&iterator, stream: &stream) else { return }
            let connection = Connection(iterator: iterator, outbound: output, handshake: theirs)
            connection.stream = stream
            try await script(connection)
        }
    }

    func stop() async {
        task.cancel()
        try? await group.shutdownGracefully()
    }
}
