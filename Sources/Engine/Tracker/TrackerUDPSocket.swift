import NIOCore
import NIOPosix

/// A UDP socket for one request/response conversation with one remote address: send datagrams, and wait
/// for the next datagram from that address with a timeout. Datagrams from other addresses are dropped.
struct TrackerUDPSocket: Sendable {
    let channel: any Channel
    let remote: SocketAddress
    private let handler: NIOLoopBound<ReplyHandler>

    static func open(group: any EventLoopGroup, local: String, remote: SocketAddress) async throws -> TrackerUDPSocket {
        let channel = try await DatagramBootstrap(group: group)
            .bind(host: local, port: 0).get()
        do {
            let handler = try await channel.eventLoop.submit {
                let handler = ReplyHandler(remote: remote)
                try channel.pipeline.syncOperations.addHandler(handler)
                return NIOLoopBound(handler, eventLoop: channel.eventLoop)
            }.get()
            return TrackerUDPSocket(channel: channel, remote: remote, handler: handler)
        } catch {
            try? await channel.close()
            throw error
        }
    }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: bytes)))
    }

    /// The next datagram from the remote, or nil after `timeout` (or when the task is cancelled).
    func receive(timeout: Duration) async -> [UInt8]? {
        let loop = channel.eventLoop
        let promise = loop.makePromise(of: [UInt8]?.self)
        let handler = self.handler
        loop.execute {
            handler.value.wait(promise: promise, timeout: TimeAmount(timeout), loop: loop)
        }
        return await withTaskCancellationHandler {
            (try? await promise.futureResult.get()) ?? nil
        } onCancel: {
            loop.execute { handler.value.cancelWait() }
        }
    }

    func close() {
        channel.close(promise: nil)
    }

    /// Lives on the channel's event loop.
    final class ReplyHandler: ChannelInboundHandler {
        typealias InboundIn = AddressedEnvelope<ByteBuffer>

        let remote: SocketAddress
        private var queue: [[UInt8]] = []
        private var waiter: (promise: EventLoopPromise<[UInt8]?>, timer: Scheduled<Void>)?

        init(remote: SocketAddress) {
            self.remote = remote
        }

        func wait(promise: EventLoopPromise<[UInt8]?>, timeout: TimeAmount, loop: any EventLoop) {
            cancelWait()
            if !queue.isEmpty {
                promise.succeed(queue.removeFirst())
                return
            }
            let bound = NIOLoopBound(self, eventLoop: loop)
            let timer = loop.scheduleTask(in: timeout) { bound.value.cancelWait() }
            waiter = (promise, timer)
        }

        /// Completes the pending wait with nil.
        func cancelWait() {
            guard let waiter else { return }
            self.waiter = nil
            waiter.timer.cancel()
            waiter.promise.succeed(nil)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let envelope = unwrapInboundIn(data)
            guard envelope.remoteAddress == remote else { return }
            let bytes = Array(envelope.data.readableBytesView.prefix(64 * 1024))
            if let waiter {
                self.waiter = nil
                waiter.timer.cancel()
                waiter.promise.succeed(bytes)
            } else if queue.count < 32 {
                queue.append(bytes)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            // ICMP errors and the like: the retry schedule handles silence.
        }

        func channelInactive(context: ChannelHandlerContext) {
            cancelWait()
            context.fireChannelInactive()
        }
    }
}
