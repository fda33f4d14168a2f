import NIOCore
import NIOPosix
import PeerWire
import TorrentModel

/// A peer for tests that speaks the wire protocol by script: the test sends exactly the messages it wants
/// and reads what the engine sends back, one message at a time. It dials a session on loopback.
public final class ScriptedPeer: Sendable {
    public let peerID: [UInt8]
    /// The handshake the engine answered with.
    public let remoteHandshake: Handshake
    private let channel: Channel
    private let writer: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private let inbox: Inbox

    /// Connects, sends our handshake (with the reserved bits given) and reads the engine's.
    public static func connect(
        to address: PeerAddress, infoHash: InfoHash, group: EventLoopGroup,
        reserved: [UInt8] = Handshake.defaultReserved, bindHost: String? = nil
    ) async throws -> ScriptedPeer {
        var bootstrap = ClientBootstrap(group: group).connectTimeout(.seconds(5))
        if let bindHost { bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: bindHost, port: 0)) }
        let channel = try await bootstrap.connect(host: address.host, port: Int(address.port)) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        let peerID = Array("-SP0001-".utf8) + (0..<12).map { _ in UInt8.random(in: 0x61...0x7a) }
        let inbox = Inbox()
        let (writers, handOver) = AsyncStream.makeStream(of: NIOAsyncChannelOutboundWriter<ByteBuffer>.self)
        Task {
            try? await channel.executeThenClose { inbound, outbound in
                handOver.yield(outbound)
                handOver.finish()
                for try await chunk in inbound { await inbox.append(chunk) }
            }
            handOver.finish()
            await inbox.finish()
        }
        var iterator = writers.makeAsyncIterator()
        guard let writer = await iterator.next() else { throw ScriptedPeerError.closed }
        try await writer.write(ByteBuffer(bytes: Handshake(infoHash: infoHash, peerID: peerID, reserved: reserved).encoded))
        let bytes = try await inbox.readBytes(Handshake.length, timeout: .seconds(10))
        let handshake = try Handshake(decoding: bytes)
        return ScriptedPeer(
            peerID: peerID, remoteHandshake: handshake, channel: channel.channel, writer: writer, inbox: inbox)
    }

    private init(
        peerID: [UInt8], remoteHandshake: Handshake, channel: Channel,
        writer: NIOAsyncChannelOutboundWriter<ByteBuffer>, inbox: Inbox
    ) {
        self.peerID = peerID
        self.remoteHandshake = remoteHandshake
        self.channel = channel
        self.writer = writer
        self.inbox = inbox
    }

    public func send(_ messages: PeerMessage...) async throws {
        var buffer = ByteBuffer()
        for message in messages { MessageEncoder.write(message, into: &buffer) }
        try await writer.write(buffer)
    }

    /// The next message, or nil when none came within `timeout` or the connection closed.
    public func next(timeout: Duration = .seconds(10)) async -> PeerMessage? {
        await inbox.nextMessage(timeout: timeout)
    }

    /// Reads messages until one satisfies `match`; returns it, or nil on timeout or close. The messages
    /// read before it are passed to `skipped`.
    public func next(
        timeout: Duration = .seconds(10), skipped: (PeerMessage) -> Void = { _ in }, where match: (PeerMessage) -> Bool
    ) async -> PeerMessage? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard let message = await inbox.nextMessage(timeout: deadline - ContinuousClock.now) else { return nil }
            if match(message) { return message }
            skipped(message)
        }
        return nil
    }

    /// Every message read so far, in order.
    public func history() async -> [PeerMessage] {
        await inbox.history
    }

    /// Whether the engine closed the connection (waits up to `timeout` for it).
    public func isClosed(within timeout: Duration) async -> Bool {
        await inbox.waitClosed(timeout: timeout)
    }

    public func close() {
        channel.close(promise: nil)
    }
}

/// Bytes received so far, parsed on demand.
private actor Inbox {
    private var buffer = ByteBuffer()
    private var finished = false
    private let decoder = MessageDecoder(maxMessageLength: 1 << 20)
    private(set) var history: [PeerMessage] = []

    func append(_ chunk: ByteBuffer) {
        var chunk = chunk
        buffer.writeBuffer(&chunk)
    }

    func finish() { finished = true }

    func readBytes(_ count: Int, timeout: Duration) async throws -> [UInt8] {
        let deadline = ContinuousClock.now + timeout
        while buffer.readableBytes < count {
            guard !finished, ContinuousClock.now < deadline else { throw ScriptedPeerError.closed }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return buffer.readBytes(length: count)!
    }

    func nextMessage(timeout: Duration) async -> PeerMessage? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if var message = try? decoder.next(from: &buffer) {
                // Copy block data out of the shared buffer, so that later reads cannot move it.
                if case .piece(let piece, let begin, let data) = message {
                    message = .piece(piece: piece, begin: begin, data: ByteBuffer(bytes: data.readableBytesView))
                }
                history.append(message)
                return message
            }
            guard !finished, ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func waitClosed(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !finished && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
        return finished
    }
}

public enum ScriptedPeerError: Error {
    case closed
}
