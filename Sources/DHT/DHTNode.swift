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
    private var socket: DHTSocket?
    private var tasks: [Task<Void, Never>] = []
    private var pending: [[UInt8]: PendingQuery] = [:]
    private var nextTransaction: UInt16 = UInt16.random(in: 0...UInt16.max)
    private let epoch = ContinuousClock.now
    private var lastBootstrap: Duration?
    private var lastSave: Duration = .zero
    /// Saved nodes from the state file, pinged at start.
    private var savedNodes: [NodeInfo] = []
    private var random = SystemRandomNumberGenerator()
    private var lookupsRunning = 0
    private var lookupsDone = 0
    private var peersFound = 0
    private var stopped = false
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

    public init(configuration: DHTConfiguration, group: any EventLoopGroup, logger: Logger = Logger(label: "swarm.dht")) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
        let id = NodeID.random()
        self.ownID = id
        self.table = RoutingTable(ownID: id, now: .zero)
        self.tokens = TokenIssuer(now: .zero)
        self.limiter = SourceRateLimiter(rate: configuration.answerRate, burst: configuration.answerRate * 2)
    }

    var now: Duration { ContinuousClock.now - epoch }
    private var usesIPv6: Bool { configuration.bindHost.contains(":") }

    /// Loads the saved state, binds the socket and starts the loops. Returns the UDP port.
    @discardableResult
    public func start() async throws -> Int {
        if let url = configuration.stateFile, let state = await Self.load(url) {
            ownID = state.id
            table = RoutingTable(ownID: state.id, now: now)
            savedNodes = state.nodes.filter { $0.address.isIPv6 == usesIPv6 }
        }
        let socket = try await DHTSocket.bind(host: configuration.bindHost, port: configuration.port, group: group)
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

    /// What a get_peers lookup (and announce) came to.
    public struct PeersResult: Sendable {
        /// Peers from the nodes asked, and those announced to this node itself (it is part of the DHT).
        public var peers: [PeerAddress]
        /// Nodes that answered; none means the table was empty or nobody replied, so try again soon.
        public var nodesResponded: Int
        /// Nodes that took our announce_peer.
        public var announcedTo: Int
    }

    /// Peers of the info-hash found with an iterative get_peers lookup.
    public func getPeers(_ infoHash: InfoHash) async -> PeersResult {
        let target = NodeID(unchecked: infoHash.bytes)
        let lookup = await lookup(target, kind: .getPeers)
        return PeersResult(peers: merged(lookup.peers, target), nodesResponded: lookup.respondedCount, announcedTo: 0)
    }

    /// get_peers, then announce_peer to the closest nodes that gave a token. `port` is our TCP port; nil
    /// announces the UDP source port (`implied_port`).
    public func announce(_ infoHash: InfoHash, port: UInt16?) async -> PeersResult {
        let target = NodeID(unchecked: infoHash.bytes)
        let result = await lookup(target, kind: .getPeers)
        let accepted = await withTaskGroup(of: Bool.self) { group -> Int in
            for (node, token) in result.announceTargets {
                let query = KRPCQuery.announcePeer(
                    infoHash: target, port: port ?? 0, token: token, impliedPort: port == nil)
                group.addTask { await self.query(query, to: node.address, expecting: node.id) != nil }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        return PeersResult(peers: merged(result.peers, target), nodesResponded: result.respondedCount, announcedTo: accepted)
    }

    private func merged(_ found: [PeerAddress], _ target: NodeID) -> [PeerAddress] {
        var seen = Set(found)
        var out = found
        for peer in store.peers(for: target, now: now) where seen.insert(peer).inserted { out.append(peer) }
        peersFound += out.count
        return out
    }

    // MARK: Lookups

    func lookup(_ target: NodeID, kind: Lookup.Kind) async -> Lookup {
        lookupsRunning += 1
        defer {
            lookupsRunning -= 1
            lookupsDone += 1
        }
        var lookup = Lookup(
            target: target, kind: kind, ownID: ownID, seeds: table.closest(to: target, count: Lookup.k * 2, now: now))
        let query: KRPCQuery = kind == .getPeers
            ? .getPeers(infoHash: target, want: []) : .findNode(target: target, want: [])
        let ipv6 = usesIPv6
        await withTaskGroup(of: (NodeInfo, KRPCResponse?).self) { group in
            var running = 0
            while true {
                if !stopped && !lookup.isDone {
                    for node in lookup.nextQueries() {
                        running += 1
                        group.addTask { (node, await self.query(query, to: node.address, expecting: node.id)) }
                    }
                }
                guard running > 0, let (node, response) = await group.next() else { break }
                running -= 1
                if let response {
                    lookup.responded(node, nodes: ipv6 ? response.nodes6 : response.nodes, values: response.values,
                                     token: response.token)
                } else {
                    lookup.failed(node)
                }
            }
        }
        return lookup
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
    private func ping(_ node: NodeInfo) {
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

    // MARK: Upkeep

    /// First contact: the saved nodes and the bootstrap nodes, then a lookup of our own id.
    private func join() async {
        await withTaskGroup(of: Void.self) { group in
            for node in savedNodes.prefix(64) {
                group.addTask { _ = await self.query(.ping, to: node.address) }
            }
        }
        savedNodes = []
        await bootstrap()
    }

    /// Asks every bootstrap node for the nodes near our id, then looks our id up.
    public func bootstrap() async {
        lastBootstrap = now
        let addresses = await Self.resolve(configuration.bootstrap, ipv6: usesIPv6)
        await withTaskGroup(of: Void.self) { group in
            for address in addresses {
                let target = ownID
                group.addTask { _ = await self.query(.findNode(target: target, want: []), to: address) }
            }
        }
        if table.count > 0 { _ = await lookup(ownID, kind: .findNode) }
    }

    private func maintain() async {
        guard !stopped else { return }
        let now = self.now
        store.expire(now: now)
        if table.count < Lookup.k, !configuration.bootstrap.isEmpty,
            lastBootstrap.map({ now - $0 >= configuration.maintenanceInterval }) ?? true
        {
            await bootstrap()
        }
        for node in table.questionableNodes(now: now).prefix(8) { ping(node) }
        if let stale = table.staleBuckets(now: now).first {
            table.touchBucket(stale, now: now)
            let target = table.refreshTarget(bucket: stale, using: &random)
            _ = await lookup(target, kind: .findNode)
        }
        if now - lastSave >= configuration.saveInterval { await save() }
    }

    /// Writes the id and the good nodes to the state file, off the actor's executor.
    func save() async {
        lastSave = now
        guard let url = configuration.stateFile else { return }
        let bytes = DHTState(id: ownID, nodes: table.goodNodes(now: now)).encoded
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                try? FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? Data(bytes).write(to: url, options: .atomic)
                done.resume()
            }
        }
    }

    private static func load(_ url: URL) async -> DHTState? {
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                let state = (try? Data(contentsOf: url)).flatMap { DHTState(decoding: [UInt8]($0)) }
                done.resume(returning: state)
            }
        }
    }

    /// Numeric `host:port` entries as they are; host names through the resolver, off the actor.
    static func resolve(_ entries: [String], ipv6: Bool) async -> [NodeAddress] {
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                var out: [NodeAddress] = []
                for entry in entries {
                    guard let parsed = NodeAddress(entry) else { continue }
                    if parsed.addressBytes != nil {
                        if parsed.isIPv6 == ipv6 { out.append(parsed) }
                        continue
                    }
                    guard let resolved = try? SocketAddress.makeAddressResolvingHost(parsed.host, port: Int(parsed.port)),
                        let host = resolved.ipAddress
                    else { continue }
                    let address = NodeAddress(host: host, port: parsed.port)
                    if address.isIPv6 == ipv6 { out.append(address) }
                }
                done.resume(returning: out)
            }
        }
    }
}
