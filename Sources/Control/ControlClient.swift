import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// Why talking to the daemon failed.
public enum ControlClientError: Error, CustomStringConvertible, Sendable, Equatable {
    /// No daemon listens at the socket (none there, or a stale one left by a daemon that died).
    case noDaemon(socket: String)
    case permissionDenied(socket: String)
    /// The daemon answered a request with an error.
    case failed(String)
    /// The connection ended before the reply.
    case disconnected(String)

    public var description: String {
        switch self {
        case .noDaemon(let socket): "no swarm daemon is running (no answer at \(socket)); start one with swarm daemon"
        case .permissionDenied(let socket): "permission denied on \(socket): the daemon belongs to another user"
        case .failed(let message): message
        case .disconnected(let why): "the daemon closed the connection: \(why)"
        }
    }
}

/// The front ends' end of the control socket. Requests may run concurrently; each waits for the reply
/// with its id. One connection may also carry a snapshot subscription.
public final class ControlClient: Sendable {
    public let socketPath: String
    private let outbound: AsyncStream<ByteBuffer>.Continuation
    private let state = NIOLockedValueBox(State())
    private let pid = NIOLockedValueBox<Int32>(0)

    private struct State {
        var nextID = 1
        var waiting: [Int: CheckedContinuation<ControlReply, Error>] = [:]
        var subscriptions: [Int: Subscription] = [:]
        /// Set once the connection has ended; later requests fail with it.
        var ended: ControlClientError?
        /// A failure the daemon sent about the connection itself (no request id).
        var lastProblem: String?
    }

    /// A subscription's stream and the view its pushes have built so far.
    private struct Subscription {
        let continuation: AsyncThrowingStream<EngineView, Error>.Continuation
        var view: EngineView?
    }

    /// Connects and says hello. `clientName` shows in the daemon's log.
    public static func connect(socketPath: String, clientName: String = "swarm") async throws -> ControlClient {
        let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connect(unixDomainSocketPath: socketPath) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            switch errnoCode(of: error) {
            case EACCES, EPERM: throw ControlClientError.permissionDenied(socket: socketPath)
            case ENOENT, ECONNREFUSED, ENOTDIR: throw ControlClientError.noDaemon(socket: socketPath)
            default: throw ControlClientError.disconnected("cannot connect to \(socketPath): \(error)")
            }
        }
        let (stream, continuation) = AsyncStream<ByteBuffer>.makeStream()
        let client = ControlClient(socketPath: socketPath, outbound: continuation)
        Task { await client.run(channel, writes: stream) }
        let reply = try await client.request(.hello(version: ControlProtocol.version, client: clientName))
        guard case .welcome(let version, let daemon) = reply else {
            client.close()
            if case .failure(let message) = reply { throw ControlClientError.failed(message) }
            throw ControlClientError.failed("the daemon did not greet us: \(reply)")
        }
        guard version == ControlProtocol.version else {
            client.close()
            throw ControlClientError.failed(VersionMismatch(client: ControlProtocol.version, daemon: version).description)
        }
        client.pid.withLockedValue { $0 = daemon }
        return client
    }

    private init(socketPath: String, outbound: AsyncStream<ByteBuffer>.Continuation) {
        self.socketPath = socketPath
        self.outbound = outbound
    }

    /// The daemon's process id, from its welcome.
    public var daemonPID: Int32 { pid.withLockedValue { $0 } }

    /// Sends `request` and waits for its reply; a `failure` reply throws `ControlClientError.failed`.
    @discardableResult
    public func send(_ request: ControlRequest) async throws -> ControlReply {
        let reply = try await self.request(request)
        if case .failure(let message) = reply { throw ControlClientError.failed(message) }
        return reply
    }

    private func request(_ request: ControlRequest) async throws -> ControlReply {
        try await withCheckedThrowingContinuation { continuation in
            let id = state.withLockedValue { state -> Int? in
                if let ended = state.ended {
                    continuation.resume(throwing: ended)
                    return nil
                }
                let id = state.nextID
                state.nextID += 1
                state.waiting[id] = continuation
                return id
            }
            if let id { write(RequestEnvelope(id: id, request: request)) }
        }
    }

    /// The daemon's view, whole each time: its first push, then that view with each push of changes
    /// applied; at most one per `intervalMilliseconds`, only when something changed, until `close()`.
    public func subscribe(intervalMilliseconds: Int, selected: String?) -> AsyncThrowingStream<EngineView, Error> {
        let (stream, continuation) = AsyncThrowingStream<EngineView, Error>.makeStream()
        let id = state.withLockedValue { state -> Int? in
            if let ended = state.ended {
                continuation.finish(throwing: ended)
                return nil
            }
            let id = state.nextID
            state.nextID += 1
            state.subscriptions[id] = Subscription(continuation: continuation)
            return id
        }
        if let id { write(RequestEnvelope(id: id, request: .subscribe(intervalMilliseconds: intervalMilliseconds, selected: selected))) }
        return stream
    }

    /// Changes the torrent whose detail the subscription carries.
    public func select(_ torrent: String?) {
        let id = state.withLockedValue { state -> Int in
            defer { state.nextID += 1 }
            return state.nextID
        }
        write(RequestEnvelope(id: id, request: .select(torrent: torrent)))
    }

    /// Hangs up; pending requests fail.
    public func close() { outbound.finish() }

    private func write(_ envelope: RequestEnvelope) {
        outbound.yield(ByteBuffer(bytes: ControlCodec.encode(envelope)))
    }

    private func run(_ channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, writes: AsyncStream<ByteBuffer>) async {
        var endReason = "connection closed"
        do {
            try await channel.executeThenClose { inbound, outbound in
                let writer = Task {
                    for await buffer in writes { try? await outbound.write(buffer) }
                    // `close()` ends the writes: hang up, so the daemon forgets this client at once.
                    outbound.finish()
                    channel.channel.close(promise: nil)
                }
                defer { writer.cancel() }
                var framer = LineFramer(maxLength: ControlProtocol.maxReplyLine)
                for try await buffer in inbound {
                    framer.append(buffer.readableBytesView)
                    while let line = try framer.nextLine() {
                        guard !line.isEmpty else { continue }
                        deliver(try ControlCodec.decodeReply(line))
                    }
                }
            }
        } catch {
            endReason = "\(error)"
        }
        outbound.finish()
        let (waiting, subscriptions, problem) = state.withLockedValue { state in
            let reason = ControlClientError.disconnected(state.lastProblem ?? endReason)
            state.ended = state.lastProblem.map { .failed($0) } ?? reason
            defer {
                state.waiting = [:]
                state.subscriptions = [:]
            }
            return (state.waiting, state.subscriptions, state.ended!)
        }
        for continuation in waiting.values { continuation.resume(throwing: problem) }
        for subscription in subscriptions.values { subscription.continuation.finish(throwing: problem) }
    }

    private func deliver(_ envelope: ReplyEnvelope) {
        guard let id = envelope.id else {
            if case .failure(let message) = envelope.reply { state.withLockedValue { $0.lastProblem = message } }
            return
        }
        // An overview or changes with a subscription's id are pushes; an `overview` reply answers a request.
        if push(envelope.reply, to: id) { return }
        if let subscription = state.withLockedValue({ $0.subscriptions.removeValue(forKey: id) }) {
            if case .failure(let message) = envelope.reply {
                subscription.continuation.finish(throwing: ControlClientError.failed(message))
            } else {
                subscription.continuation.finish()
            }
            return
        }
        state.withLockedValue { $0.waiting.removeValue(forKey: id) }?.resume(returning: envelope.reply)
    }
}

extension ControlClient {
    /// Applies an `overview` or `changes` to the view of subscription `id` and hands on the result; false
    /// when `id` is no subscription or `reply` no push. Changes before an overview end the subscription.
    private func push(_ reply: ControlReply, to id: Int) -> Bool {
        typealias Outcome = (continuation: AsyncThrowingStream<EngineView, Error>.Continuation, view: EngineView?)
        let outcome = state.withLockedValue { state -> Outcome? in
            guard var subscription = state.subscriptions[id] else { return nil }
            switch reply {
            case .overview(let view):
                subscription.view = view
            case .changes(let changes):
                guard let base = subscription.view else {
                    state.subscriptions[id] = nil
                    return (subscription.continuation, nil)
                }
                subscription.view = base.applying(changes)
            default:
                return nil
            }
            state.subscriptions[id] = subscription
            return (subscription.continuation, subscription.view)
        }
        guard let outcome else { return false }
        if let view = outcome.view {
            outcome.continuation.yield(view)
        } else {
            outcome.continuation.finish(throwing: ControlClientError.failed("the daemon sent changes before the list they change"))
        }
        return true
    }
}

/// The errno behind a NIO connect error, if there is one.
private func errnoCode(of error: Error) -> Int32? {
    if let io = error as? IOError { return io.errnoCode }
    if let connection = error as? NIOConnectionError {
        for failure in connection.connectionErrors { if let code = errnoCode(of: failure.error) { return code } }
    }
    return nil
}
