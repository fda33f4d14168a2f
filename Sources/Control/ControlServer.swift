import Engine
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// What the server asks of the engine side (`EngineController` in the daemon, fakes in tests).
public protocol ControlHandler: Sendable {
    /// Carries out a request other than `hello`, `subscribe` and `select`.
    func handle(_ request: ControlRequest) async -> ControlReply
    /// The torrents' rows (`reusing` these when given, to save building them again), `selected` in full
    /// and session facts, for subscribers.
    func view(selected: String?, reusing rows: [TorrentListItem]?) async -> EngineView
    /// Waits `interval` between two pushes to a subscriber, or less when something worth showing at once
    /// happened; throws when cancelled.
    func waitBeforeNextPush(_ interval: Duration) async throws
}

extension ControlHandler {
    public func waitBeforeNextPush(_ interval: Duration) async throws {
        try await Task.sleep(for: interval)
    }
}

/// The daemon's end of the control socket: a Unix socket, mode 0600, in a 0700 directory, that answers
/// only processes of the user running the daemon (checked again with `SO_PEERCRED` on every connection).
public final class ControlServer: Sendable {
    public let socketPath: String
    private let channel: Channel
    private let connections: NIOLockedValueBox<[ObjectIdentifier: Channel]>

    private init(socketPath: String, channel: Channel, connections: NIOLockedValueBox<[ObjectIdentifier: Channel]>) {
        self.socketPath = socketPath
        self.channel = channel
        self.connections = connections
    }

    /// Binds the socket and starts answering. The caller must hold the `DaemonLock`: any file already at
    /// the path is a stale socket of a daemon that died, and is removed.
    public static func start(socketPath: String, handler: some ControlHandler, group: EventLoopGroup) async throws -> ControlServer {
        var info = stat()
        if lstat(socketPath, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else {
                throw UnsafeDirectoryError(path: socketPath, reason: "a file that is not a socket is in the way")
            }
            unlink(socketPath)
        }
        let server = try await ServerBootstrap(group: group)
            .bind(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        // The directory is 0700, so nobody else can reach the socket between bind and chmod.
        guard chmod(socketPath, 0o600) == 0 else {
            let reason = String(cString: strerror(errno))
            try? await server.channel.close()
            throw UnsafeDirectoryError(path: socketPath, reason: "cannot set its mode: \(reason)")
        }
        let connections = NIOLockedValueBox<[ObjectIdentifier: Channel]>([:])
        let result = ControlServer(socketPath: socketPath, channel: server.channel, connections: connections)
        Task {
            try? await server.executeThenClose { inbound in
                for try await connection in inbound {
                    let id = ObjectIdentifier(connection.channel)
                    connections.withLockedValue { $0[id] = connection.channel }
                    Task {
                        await ControlConnection(handler: handler).serve(connection)
                        _ = connections.withLockedValue { $0.removeValue(forKey: id) }
                    }
                }
            }
        }
        return result
    }

    /// Stops accepting, closes every connection and removes the socket file.
    public func close() async {
        try? await channel.close()
        for connection in connections.withLockedValue({ Array($0.values) }) { connection.close(promise: nil) }
        unlink(socketPath)
    }
}

/// The uid of the process at the other end of a Unix socket, from `SO_PEERCRED`. Glibc's `struct ucred`
/// (pid, uid, gid: three 32-bit fields) is not imported without `_GNU_SOURCE`, so a tuple of the same
/// layout receives it.
func peerUID(of channel: Channel) async -> uid_t? {
    guard let provider = channel as? SocketOptionProvider else { return nil }
    let credentials: (UInt32, UInt32, UInt32)? = try? await provider.unsafeGetSocketOption(
        level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)).get()
    return credentials.map { uid_t($0.1) }
}

/// One client: hello, then requests until it hangs up.
///
/// A connection does not answer its requests strictly one after the other: a change can wait a long time
/// (while the daemon restores its saved torrents), and an attached UI must meanwhile still get its lists.
/// Every request carries an id that its reply repeats, and clients match replies by id (they have since
/// the first version), so no protocol change is needed:
/// - requests that only read (`ControlRequest.onlyReads`) are answered at once, each on its own;
/// - all other requests are carried out one at a time in the order they came, as a user typing
///   `pause` then `resume` expects, and as a client that pipelines an `add` and a `shutdown` needs.
/// Reads do not wait for earlier changes: a client that wants to see its change waits for its reply first.
/// A client that hangs up still has the changes it sent carried out.
struct ControlConnection<Handler: ControlHandler> {
    let handler: Handler
    /// Requests of one connection in progress at once at most (see `RequestSlots`).
    static var requestsInProgress: Int { 32 }

    func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let owner = geteuid()
        let peer = await peerUID(of: connection.channel)
        try? await connection.executeThenClose { inbound, outbound in
            let send: @Sendable (Int?, ControlReply) async throws -> Void = { id, reply in
                try await outbound.write(ByteBuffer(bytes: ControlCodec.encode(ReplyEnvelope(id: id, reply: reply))))
            }
            guard let peer, peer == owner else {
                let who = peer.map { "uid \($0)" } ?? "a process whose user cannot be checked"
                try await send(nil, .failure(message: "refused: this swarm daemon belongs to uid \(owner); \(who) may not control it"))
                return
            }
            let session = ConnectionSession(handler: handler, send: send)
            defer { session.end() }
            let slots = RequestSlots(limit: Self.requestsInProgress)
            let (changes, changeQueue) = AsyncStream<RequestEnvelope>.makeStream()
            defer { changeQueue.finish() }
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask {
                    for await envelope in changes {
                        await session.answer(envelope)
                        slots.release()
                    }
                }
                var framer = LineFramer(maxLength: ControlProtocol.maxRequestLine)
                reading: for try await buffer in inbound {
                    framer.append(buffer.readableBytesView)
                    while true {
                        let line: [UInt8]
                        do {
                            guard let next = try framer.nextLine() else { break }
                            line = next
                        } catch {
                            try await send(nil, .failure(message: "\(error); closing the connection"))
                            break reading
                        }
                        guard !line.isEmpty else { continue }
                        switch try await session.receive(line) {
                        case .close: break reading
                        case .answered: continue
                        case .toAnswer(let envelope):
                            await slots.acquire()
                            if envelope.request.onlyReads {
                                group.addTask {
                                    await session.answer(envelope)
                                    slots.release()
                                }
                            } else {
                                changeQueue.yield(envelope)
                            }
                        }
                    }
                }
                // No more requests: the queued changes are still carried out, then the connection closes.
                changeQueue.finish()
            }
        }
    }
}

/// The state of one connection: greeted or not, and its snapshot subscription.
final class ConnectionSession<Handler: ControlHandler>: Sendable {
    let handler: Handler
    let send: @Sendable (Int?, ControlReply) async throws -> Void
    private let state = NIOLockedValueBox(State())

    private struct State {
        var greeted = false
        var selected: String?
        var pusher: Task<Void, Never>?
        /// A request was handled: the next push builds the rows again, whenever they were last built.
        var rowsStale = false
    }

    /// What became of a line.
    enum Outcome: Sendable {
        /// The connection must close.
        case close
        /// Dealt with here (hello, select, subscribe, an unreadable line).
        case answered
        /// A request for the handler: `answer(_:)` it.
        case toAnswer(RequestEnvelope)
    }

    /// Rows are built again at most this often however cheap, and at least this often however costly.
    static var rowBudget: Int { 100 }
    static var slowestRowRefresh: Duration { .seconds(3) }

    init(handler: Handler, send: @escaping @Sendable (Int?, ControlReply) async throws -> Void) {
        self.handler = handler
        self.send = send
    }

    /// Reads one line and deals with what the connection handles itself.
    func receive(_ line: [UInt8]) async throws -> Outcome {
        let envelope: RequestEnvelope
        do {
            envelope = try ControlCodec.decode(RequestEnvelope.self, from: line)
        } catch {
            try await send(nil, .failure(message: "\(error)"))
            return state.withLockedValue { $0.greeted } ? .answered : .close
        }
        let id = envelope.id
        guard state.withLockedValue({ $0.greeted }) else {
            guard case .hello(let version, _) = envelope.request else {
                try await send(id, .failure(message: "say hello first (control protocol version \(ControlProtocol.version))"))
                return .close
            }
            guard version == ControlProtocol.version else {
                try await send(id, .failure(message: VersionMismatch(client: version, daemon: ControlProtocol.version).description))
                return .close
            }
            state.withLockedValue { $0.greeted = true }
            try await send(id, .welcome(version: ControlProtocol.version, pid: getpid()))
            return .answered
        }
        switch envelope.request {
        case .hello:
            try await send(id, .failure(message: "hello was already said"))
        case .select(let torrent):
            state.withLockedValue { $0.selected = torrent }
        case .subscribe(let interval, let selected):
            subscribe(id: id, interval: max(interval, ControlProtocol.minimumSnapshotInterval), selected: selected)
        default:
            return .toAnswer(envelope)
        }
        return .answered
    }

    /// Has the handler carry out a request and sends the reply (dropped when the client is gone).
    func answer(_ envelope: RequestEnvelope) async {
        let reply = await handler.handle(envelope.request)
        if !envelope.request.onlyReads { state.withLockedValue { $0.rowsStale = true } }
        try? await send(envelope.id, reply)
    }

    private func subscribe(id: Int, interval: Int, selected: String?) {
        state.withLockedValue { $0.selected = selected }
        let pusher = Task { [handler, send, state] in
            // The first push is the whole view; later ones only what changed, and nothing when nothing
            // did (an idle engine's rows stay equal), so neither end encodes or decodes much. Building
            // every torrent's row is what costs with thousands of torrents: the rows are built again
            // only once `rowBudget` times their last cost has passed (so they take at most 1% of a core;
            // the requested interval with a few hundred torrents), at once after a request on this
            // connection, and every time while the daemon restores. The selected torrent and the
            // summary are fresh on every push.
            var last: EngineView?
            var rowsBuilt = ContinuousClock.now
            var rowInterval = Duration.milliseconds(interval)
            while !Task.isCancelled {
                let (chosen, stale) = state.withLockedValue { state in
                    defer { state.rowsStale = false }
                    return (state.selected, state.rowsStale)
                }
                let began = ContinuousClock.now
                let reuse = last.flatMap { last in
                    stale || last.restoring != nil || began - rowsBuilt >= rowInterval ? nil : last.rows
                }
                do {
                    let view = await handler.view(selected: chosen, reusing: reuse)
                    if reuse == nil {
                        rowsBuilt = began
                        let cost = ContinuousClock.now - began
                        rowInterval = min(max(.milliseconds(interval), cost * Self.rowBudget), Self.slowestRowRefresh)
                    }
                    if let last {
                        let changes = EngineChanges(from: last, to: view)
                        if !changes.changesNothing(in: last) { try await send(id, .changes(changes)) }
                    } else {
                        try await send(id, .overview(view))
                    }
                    last = view
                    try await handler.waitBeforeNextPush(.milliseconds(interval))
                } catch {
                    return
                }
            }
        }
        let previous = state.withLockedValue { value -> Task<Void, Never>? in
            defer { value.pusher = pusher }
            return value.pusher
        }
        previous?.cancel()
    }

    func end() {
        state.withLockedValue { $0.pusher }?.cancel()
    }
}

/// The message a client of another protocol version gets, naming both versions.
public struct VersionMismatch: Error, CustomStringConvertible, Sendable, Equatable {
    public var client: Int
    public var daemon: Int

    public init(client: Int, daemon: Int) {
        self.client = client
        self.daemon = daemon
    }

    public var description: String {
        "control protocol mismatch: this swarm speaks version \(client), the running daemon speaks version \(daemon); "
            + "stop the daemon (swarm shutdown) and start it again with this swarm"
    }
}
