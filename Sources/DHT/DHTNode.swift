import Foundation
import Logging
import NIOCore
import NIOPosix
import TorrentModel

/// A DHT node (BEP 5, BEP 32 for IPv6): one UDP socket, a routing table, the peers announced to it.
///
/// It answers ping, find_node, get_peers and announce_peer (each source rate-limited), joins through the
/// configured bootstrap nodes only, keeps its table fresh, and looks up and announces info-hashes for the
/// engine. Every bad packet is dropped (and a bad query answered with a KRPC error); none can crash it.
public actor DHTNode {
    public nonisolated let configuration: DHTConfiguration
    public private(set) var ownID: NodeID
    var table: RoutingTable
    var tokens: TokenIssuer
    var store = PeerStore()
    var limiter: SourceRateLimiter
    let logger: Logger
    private let group: any EventLoopGroup
    /// Where file I/O and name resolution run, off the cooperative pool.
    let pool: NIOThreadPool
    private let ownsPool: Bool
    var socket: DHTSocket?
    var tasks: [Task<Void, Never>] = []
    var pending: [[UInt8]: PendingQuery] = [:]
    private var nextTransaction: UInt16 = UInt16.random(in: 0...UInt16.max)
    private let epoch = ContinuousClock.now
    var lastBootstrap: Duration?
    var lastSave: Duration = .zero
    /// Saved nodes from the state file, pinged at start.
    var savedNodes: [NodeInfo] = []
    var random = SystemRandomNumberGenerator()
    var lookupsRunning = 0
    var lookupsDone = 0
    var peersFound = 0
    var stopped = false
    private var lastPinged: [NodeID: Duration] = [:]
    /// Packets dropped as malformed, for tests and debugging.
    public private(set) var droppedPackets = 0
    public private(set) var port = 0

    struct PendingQuery {
        let continuation: CheckedContinuation<KRPCResponse?, Never>
        let address: NodeAddress
        let expectedID: NodeID?
        let deadline: Duration
    }

    public static let version: [UInt8] = Array("SW".utf8) + [0, 1]

    /// `pool` runs the state file's I/O and name lookups; without one the node starts (and later stops) a
    /// one-thread pool of its own.
    public init(
        configuration: DHTConfiguration, group: any EventLoopGroup, pool: NIOThreadPool? = nil,
        logger: Logger = Logger(label: "swarm.dht")
    ) {
        self.configuration = configuration
        self.group = group
        if let pool {
            self.pool = pool
            ownsPool = false
        } else {
            self.pool = NIOThreadPool(numberOfThreads: 1)
            self.pool.start()
            ownsPool = true
        }
        self.logger = logger
        let id = NodeID.random()
        self.ownID = id
        self.table = RoutingTable(ownID: id, now: .zero)
        self.tokens = TokenIssuer(now: .zero)
        self.limiter = SourceRateLimiter(rate: configuration.answerRate, burst: configuration.answerRate * 2)
    }

    var now: Duration { ContinuousClock.now - epoch }
    var usesIPv6: Bool { configuration.bindHost.contains(":") }

    /// Loads the saved state, binds the socket and starts the loops. Returns the UDP port.
    @discardableResult
    public func start() async throws -> Int {
        if let url = configuration.stateFile, let state = await load(url) {
            ownID = state.id
            table = RoutingTable(ownID: state.id, now: now)
            savedNodes = state.nodes.filter { $0.address.isIPv6 == usesIPv6 }
        }
        let socket: DHTSocket
        do {
            socket = try await DHTSocket.bind(host: configuration.bindHost, port: configuration.port, group: group)
        } catch {
            if ownsPool { try? await pool.shutdownGracefully() }
            throw error
        }
        self.socket = socket
        port = socket.localPort
        tasks.append(Task { [weak self] in
            for await datagram in socket.datagrams {
                await self?.receive(datagram.bytes, from: datagram.from)
            }
        })
        tasks.append(Task { [weak self] in
            while !Task.isCancelled {
                await self?.expireQueries()
                try? await Task.sleep(for: .milliseconds(100))
            }
        })
        tasks.append(Task { [weak self] in
            await self?.join()
            while !Task.isCancelled {
                try? await Task.sleep(for: self?.configuration.maintenanceInterval ?? .seconds(5))
                await self?.maintain()
            }
        })
        return port
    }

    /// Saves the state, closes the socket, and fails every query still waiting.
    public func stop() async {
        guard !stopped else { return }
        stopped = true
        for task in tasks { task.cancel() }
        for query in pending.values { query.continuation.resume(returning: nil) }
        pending = [:]
        await save()
        await socket?.close()
        if ownsPool { try? await pool.shutdownGracefully() }
    }

    public func status() -> DHTStatus {
        DHTStatus(port: port, nodes: table.count, lookupsRunning: lookupsRunning, lookupsDone: lookupsDone,
                  peersFound: peersFound, torrentsStored: store.torrentCount)
    }

    public var nodeCount: Int { table.count }
    public var knownNodes: [NodeInfo] { table.allNodes }

    /// A node someone told us of (a peer's PORT message): pinged, and added to the table if it answers.
    public func addNode(_ address: NodeAddress) {
        guard address.isIPv6 == usesIPv6, address.port != 0 else { return }
        Task { _ = await self.query(.ping, to: address) }
    }

    // MARK: Queries out

    /// Sends a query and waits for its answer: nil on timeout, error reply, or shutdown.
    func query(_ query: KRPCQuery, to address: NodeAddress, expecting id: NodeID? = nil) async -> KRPCResponse? {
        guard let socket, !stopped else { return nil }
        nextTransaction &+= 1
        let tid = [UInt8(nextTransaction >> 8), UInt8(nextTransaction & 0xff)]
        let message = KRPCMessage(transactionID: tid, body: .query(sender: ownID, query), version: Self.version)
        socket.send(KRPCCodec.encode(message), to: address)
        let deadline = now + configuration.queryTimeout
        return await withCheckedContinuation { continuation in
            if let old = pending.updateValue(
                PendingQuery(continuation: continuation, address: address, expectedID: id, deadline: deadline), forKey: tid)
            {
                old.continuation.resume(returning: nil)
            }
        }
    }

    private func expireQueries() {
        let now = self.now
        for (tid, query) in pending where query.deadline <= now {
            pending[tid] = nil
            if let id = query.expectedID { table.failed(id, now: now) }
            query.continuation.resume(returning: nil)
        }
    }

    // MARK: Packets in

    func receive(_ bytes: [UInt8], from address: NodeAddress) {
        guard !stopped else { return }
        let message: KRPCMessage
        do {
            message = try KRPCCodec.decode(bytes)
        } catch {
            droppedPackets += 1
            logger.trace("dropped a packet from \(address): \(error.reason)")
            if error.wasQuery, let tid = error.transactionID, limiter.allow(address.host, now: now) {
                reply(.error(code: error.code.rawValue, message: error.reason), tid: tid, to: address)
            }
            return
        }
        switch message.body {
        case .query(let sender, let query):
            answer(query, from: NodeInfo(id: sender, address: address), tid: message.transactionID,
                   readOnly: message.readOnly)
        case .response(let response):
            guard let query = pending[message.transactionID], query.address == address else {
                droppedPackets += 1
                return
            }
            pending[message.transactionID] = nil
            if let expected = query.expectedID, expected != response.id {
                // Another node answers from that address now: the old entry is stale.
                table.remove(expected)
            }
            heard(NodeInfo(id: response.id, address: address))
            query.continuation.resume(returning: response)
        case .error:
            guard let query = pending[message.transactionID], query.address == address else { return }
            pending[message.transactionID] = nil
            query.continuation.resume(returning: nil)
        }
    }

    private func heard(_ node: NodeInfo) {
        guard node.address.isIPv6 == usesIPv6 else { return }
        if case .full(let questionable) = table.heard(from: node, now: now) {
            for stale in questionable.prefix(2) { ping(stale) }
        }
    }

    /// Pings a table node to learn whether it is still there, at most once per `queryTimeout * 5`, so that
    /// a stream of newcomers cannot make us ping the same nodes over and over.
    func ping(_ node: NodeInfo) {
        let now = self.now
        if let last = lastPinged[node.id], now - last < configuration.queryTimeout * 5 { return }
        if lastPinged.count > 4096 { lastPinged = lastPinged.filter { now - $0.value < configuration.queryTimeout * 5 } }
        lastPinged[node.id] = now
        Task { _ = await self.query(.ping, to: node.address, expecting: node.id) }
    }

    private func answer(_ query: KRPCQuery, from node: NodeInfo, tid: [UInt8], readOnly: Bool) {
        let now = self.now
        guard limiter.allow(node.address.host, now: now) else { return }
        if !readOnly { heard(node) }
        var response = KRPCResponse(id: ownID)
        func closeNodes(_ target: NodeID, want: NodeFamilies) {
            let nodes = table.closest(to: target, count: Lookup.k, now: now)
            if usesIPv6 { response.nodes6 = nodes } else { response.nodes = nodes }
            _ = want  // Only our own family's table exists; a request for the other gets what we have.
        }
        switch query {
        case .ping:
            break
        case .findNode(let target, let want):
            closeNodes(target, want: want)
        case .getPeers(let infoHash, let want):
            response.token = tokens.token(for: node.address.host, now: now)
            response.values = store.peers(for: infoHash, now: now)
            closeNodes(infoHash, want: want)
        case .announcePeer(let infoHash, let port, let token, let implied):
            guard tokens.isValid(token, for: node.address.host, now: now) else {
                reply(.error(code: KRPCErrorCode.protocolError.rawValue, message: "bad token"), tid: tid, to: node.address)
                return
            }
            let peerPort = implied ? node.address.port : port
            store.add(PeerAddress(host: node.address.host, port: peerPort), for: infoHash, now: now)
        }
        reply(.response(response), tid: tid, to: node.address)
    }

    private func reply(_ body: KRPCMessage.Body, tid: [UInt8], to address: NodeAddress) {
        socket?.send(KRPCCodec.encode(KRPCMessage(transactionID: tid, body: body, version: Self.version)), to: address)
    }


}
