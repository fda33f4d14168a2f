import NIOCore
import NIOHTTP1
import NIOPosix
import TorrentModel
import Tracker

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the built-in tracker could not start.
public enum TrackerServerError: Error, Sendable, CustomStringConvertible {
    case addressInUse(host: String, port: Int)
    case bindFailed(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .addressInUse(let host, let port):
            "cannot start tracker: port \(port) on \(host) is already in use (the tracker needs it for both TCP and UDP)"
        case .bindFailed(let host, let port, let reason):
            "cannot start tracker on \(host):\(port): \(reason)"
        }
    }
}

/// The built-in tracker: HTTP (`GET /announce`, `GET /scrape`) and UDP (BEP 15) on the same port number.
///
/// All its channels run on one event loop, which owns the registry: no locks, no tasks per request.
public final class TrackerServer: Sendable {
    public let host: String
    /// The bound port (the one chosen by the system when 0 was asked for).
    public let port: Int
    private let tcp: any Channel
    private let udp: any Channel
    private let expiryTask: NIOLoopBound<RepeatedTask>

    private init(host: String, port: Int, tcp: any Channel, udp: any Channel, expiryTask: NIOLoopBound<RepeatedTask>) {
        self.host = host
        self.port = port
        self.tcp = tcp
        self.udp = udp
        self.expiryTask = expiryTask
    }

    /// Starts listening on `host:port` (port 0: any free port, the same for TCP and UDP). `interval` is the
    /// announce interval told to clients, in seconds; peers silent for twice that are dropped.
    public static func start(host: String, port: Int, group: any EventLoopGroup, interval: Int = 30) async throws -> TrackerServer {
        guard (0...65535).contains(port) else {
            throw TrackerServerError.bindFailed(host: host, port: port, reason: "invalid port")
        }
        let loop = group.next()
        let state = try await loop.submit {
            NIOLoopBoundBox(TrackerServerState(registry: TrackerRegistry(interval: interval)), eventLoop: loop)
        }.get()
        // With port 0 the TCP port is chosen first; if its UDP twin is taken, try again with another.
        let attempts = port == 0 ? 8 : 1
        for attempt in 1...attempts {
            let tcp: any Channel
            do {
                tcp = try await ServerBootstrap(group: loop)
                    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                    .serverChannelOption(.backlog, value: 256)
                    .childChannelOption(.maxMessagesPerRead, value: 1)
                    .childChannelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            let sync = channel.pipeline.syncOperations
                            try sync.addHandler(IdleStateHandler(readTimeout: .seconds(30)))
                            try sync.configureHTTPServerPipeline(withPipeliningAssistance: false, withErrorHandling: true)
                            try sync.addHandler(TrackerHTTPHandler(state: state))
                        }
                    }
                    .bind(host: host, port: port).get()
            } catch {
                throw mapBindError(error, host: host, port: port)
            }
            let bound = tcp.localAddress?.port ?? port
            do {
                let udp = try await DatagramBootstrap(group: loop)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(TrackerUDPHandler(state: state))
                        }
                    }
                    .bind(host: host, port: bound).get()
                let expiry = try await loop.submit {
                    let task = loop.scheduleRepeatedTask(
                        initialDelay: .seconds(Int64(max(1, interval))), delay: .seconds(Int64(max(1, interval)))
                    ) { _ in
                        state.value.registry.expire(now: state.value.now)
                        state.value.connections.expire(now: state.value.now)
                    }
                    return NIOLoopBound(task, eventLoop: loop)
                }.get()
                return TrackerServer(host: host, port: bound, tcp: tcp, udp: udp, expiryTask: expiry)
            } catch {
                try? await tcp.close()
                let mapped = mapBindError(error, host: host, port: bound)
                if case TrackerServerError.addressInUse = mapped, attempt < attempts { continue }
                throw mapped
            }
        }
        throw TrackerServerError.addressInUse(host: host, port: port)
    }

    /// Stops listening and closes all connections.
    public func stop() async {
        let task = expiryTask
        try? await udp.eventLoop.submit { task.value.cancel() }.get()
        try? await tcp.close()
        try? await udp.close()
    }

    private static func mapBindError(_ error: any Error, host: String, port: Int) -> any Error {
        if let io = error as? IOError, io.errnoCode == EADDRINUSE {
            return TrackerServerError.addressInUse(host: host, port: port)
        }
        return TrackerServerError.bindFailed(host: host, port: port, reason: String(describing: error))
    }
}

/// Everything the server's handlers share; confined to the server's event loop.
struct TrackerServerState {
    var registry: TrackerRegistry
    var connections = TrackerUDPConnectionTable()
    let origin = ContinuousClock.now
    var now: Duration { ContinuousClock.now - origin }
}

/// BEP 15 connection ids handed out by the server: random, tied to the client's IP address (not its port:
/// clients may announce from a new socket with a cached id), valid 2 minutes.
struct TrackerUDPConnectionTable {
    static let lifetime: Duration = .seconds(120)
    static let capacity = 100_000
    private var issued: [UInt64: (endpoint: String, at: Duration)] = [:]

    mutating func issue(for endpoint: String, now: Duration) -> UInt64 {
        if issued.count >= Self.capacity { expire(now: now) }
        if issued.count >= Self.capacity { issued.removeAll() }
        var id = UInt64.random(in: 1 ... .max)
        while id == UDPTrackerCodec.protocolID || issued[id] != nil { id = UInt64.random(in: 1 ... .max) }
        issued[id] = (endpoint, now)
        return id
    }

    func isValid(_ id: UInt64, for endpoint: String, now: Duration) -> Bool {
        guard let entry = issued[id] else { return false }
        return entry.endpoint == endpoint && now - entry.at <= Self.lifetime
    }

    mutating func expire(now: Duration) {
        issued = issued.filter { now - $0.value.at <= Self.lifetime }
    }
}

/// `GET /announce` and `GET /scrape`; anything else gets 404. One request per connection.
final class TrackerHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: NIOLoopBoundBox<TrackerServerState>
    private var head: HTTPRequestHead?
    private var bodyBytes = 0
    private var responded = false

    init(state: NIOLoopBoundBox<TrackerServerState>) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
        case .body(let buffer):
            bodyBytes += buffer.readableBytes
            if bodyBytes > 16 * 1024 { context.close(promise: nil) }
        case .end:
            guard let head, !responded else { return }
            responded = true
            let (status, body) = respond(to: head, from: context.channel.remoteAddress)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/plain")
            headers.add(name: "Content-Length", value: String(body.count))
            headers.add(name: "Connection", value: "close")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    private func respond(to head: HTTPRequestHead, from remote: SocketAddress?) -> (HTTPResponseStatus, [UInt8]) {
        guard head.method == .GET else { return (.methodNotAllowed, Array("GET only\n".utf8)) }
        let uri = head.uri
        let path: Substring
        let query: Substring
        if let q = uri.firstIndex(of: "?") {
            path = uri[..<q]
            query = uri[uri.index(after: q)...]
        } else {
            path = Substring(uri)
            query = ""
        }
        switch path {
        case "/announce":
            guard let ip = remote?.ipAddress else { return (.ok, HTTPTrackerCodec.encodeFailure("unknown source address")) }
            do {
                let received = try HTTPTrackerCodec.parseAnnounceQuery(String(query))
                let now = state.value.now
                let (response, ids) = try state.value.registry.announce(received.request, from: ip, now: now)
                return (
                    .ok,
                    HTTPTrackerCodec.encodeAnnounceResponse(
                        response, compact: received.request.compact, peerIDs: received.noPeerID ? [:] : ids)
                )
            } catch {
                return (.ok, HTTPTrackerCodec.encodeFailure(Self.message(error)))
            }
        case "/scrape":
            let now = state.value.now
            var hashes = HTTPTrackerCodec.parseScrapeQuery(String(query))
            if hashes.isEmpty { hashes = state.value.registry.allInfoHashes() }
            var results: [InfoHash: ScrapeResult] = [:]
            for hash in hashes.prefix(1000) { results[hash] = state.value.registry.scrape(hash, now: now) }
            return (.ok, HTTPTrackerCodec.encodeScrapeResponse(results))
        default:
            return (.notFound, Array("not found\n".utf8))
        }
    }

    static func message(_ error: TrackerError) -> String {
        if case .invalidRequest(let why) = error { return why }
        return error.description
    }
}

/// BEP 15 server side. Garbage is dropped silently (no answers to spoofable junk).
final class TrackerUDPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let state: NIOLoopBoundBox<TrackerServerState>

    init(state: NIOLoopBoundBox<TrackerServerState>) {
        self.state = state
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.data.readableBytes <= 2048, let ip = envelope.remoteAddress.ipAddress,
            let request = try? UDPTrackerCodec.Request.decode(Array(envelope.data.readableBytesView))
        else { return }
        let endpoint = IPAddressText.normalize(ip)
        let now = state.value.now
        let reply: UDPTrackerCodec.Response
        switch request {
        case .connect(let tid):
            reply = .connect(transactionID: tid, connectionID: state.value.connections.issue(for: endpoint, now: now))
        case .announce(let cid, let tid, let announce, _):
            guard state.value.connections.isValid(cid, for: endpoint, now: now) else {
                reply = .error(transactionID: tid, message: "invalid connection id")
                break
            }
            do {
                let (response, _) = try state.value.registry.announce(announce, from: ip, now: now)
                reply = .announce(transactionID: tid, response: response)
            } catch {
                reply = .error(transactionID: tid, message: TrackerHTTPHandler.message(error))
            }
        case .scrape(let cid, let tid, let hashes):
            guard state.value.connections.isValid(cid, for: endpoint, now: now) else {
                reply = .error(transactionID: tid, message: "invalid connection id")
                break
            }
            reply = .scrape(transactionID: tid, results: hashes.map { state.value.registry.scrape($0, now: now) })
        }
        // IPv4-mapped IPv6 sources (dual-stack sockets) are IPv4 clients.
        let bytes = reply.encode(ipv6: IPAddressText.normalize(ip).contains(":"))
        context.writeAndFlush(
            wrapOutboundOut(AddressedEnvelope(remoteAddress: envelope.remoteAddress, data: ByteBuffer(bytes: bytes))),
            promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A datagram socket survives errors (for example ICMP unreachable from a vanished client).
    }
}
