import Foundation
import Logging
import NIOCore
import NIOPosix
import Strategy
import TorrentModel
import Tracker

/// Why the session could not start or add a torrent; each names the problem for the user.
public enum SessionError: Error, CustomStringConvertible, Sendable {
    case cannotListen(String, Int, String)
    case directoryUnusable(String, String)
    case duplicateTorrent(String)
    case notEnoughSpace(path: String, needed: Int64, free: Int64)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let why): "cannot listen on \(host):\(port): \(why)"
        case .directoryUnusable(let path, let why): "cannot use download directory \(path): \(why)"
        case .duplicateTorrent(let name): "torrent '\(name)' is already added"
        case .notEnoughSpace(let path, let needed, let free):
            "not enough space in \(path): \(needed) bytes still to download, \(free) bytes free"
        }
    }
}

/// The engine: one listening port, the torrents, and the threads they share.
public actor Session {
    public nonisolated let peerID: [UInt8] = PeerID.generate()
    public nonisolated let configuration: SessionConfiguration
    let group: MultiThreadedEventLoopGroup
    let pool: NIOThreadPool
    let logger: Logger
    let trackerTransport: TrackerTransport
    var torrents: [InfoHash: Torrent] = [:]
    /// Magnet links whose metadata is being fetched (see `Session+Magnet.swift`); each becomes a torrent.
    var fetches: [InfoHash: MetadataFetch] = [:]
    /// Torrents and fetches, in the order they were added.
    var order: [InfoHash] = []
    /// Each one's queue place (see `Session+QueuePlaces.swift`), and the place the next one gets.
    var queuePlaces: [InfoHash: Int] = [:]
    var nextQueuePlace = 0
    /// The session-wide limits every connection obeys besides its torrent's own.
    nonisolated let downloadLimiter: RateLimiter
    nonisolated let uploadLimiter: RateLimiter
    /// How many torrents may transfer at once (see `Session+Control.swift`).
    var queue: QueuePlanner
    var queueTask: Task<Void, Never>?
    /// Every torrent's queue facts, kept up to date by the torrents themselves, and the torrents in queue
    /// order as of the last plan; the limits of that plan (nil: plan again whatever changed).
    nonisolated let queueBoard = QueueBoard()
    var queueRanking = QueueRanking<InfoHash>()
    var plannedQueue: QueuePlanner?
    /// Peer connections of all torrents together at most; `setConnectionLimit` changes it.
    var connectionLimit: Int
    /// Settings new torrents start with: the configuration's, as `setTorrentDefaults` changed them since.
    var torrentDefaults: TorrentConfiguration
    private var listener: Channel?
    private var connections = 0
    /// Every socket to a peer, so that shutdown can close those still in their handshake too.
    private var channels: [ObjectIdentifier: Channel] = [:]
    var isShutDown = false
    private var isClosed = false
    public private(set) var listenPort: Int = 0
    /// The DHT node, when enabled (see `Session+DHT.swift`).
    var dht: SessionDHT?

    public init(configuration: SessionConfiguration, logger: Logger = Logger(label: "swarm")) {
        self.configuration = configuration
        self.logger = logger
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.pool = NIOThreadPool(numberOfThreads: 2)
        pool.start()
        self.trackerTransport = TrackerTransport(group: group)
        self.connectionLimit = configuration.maxConnections
        self.torrentDefaults = configuration.torrent
        self.downloadLimiter = RateLimiter(bytesPerSecond: configuration.downloadLimit)
        self.uploadLimiter = RateLimiter(bytesPerSecond: configuration.uploadLimit)
        self.queue = QueuePlanner(
            maxActiveDownloads: configuration.maxActiveDownloads, maxActiveSeeds: configuration.maxActiveSeeds)
    }

    /// Opens the listening socket.
    public func start() async throws {
        let host = configuration.bindHost ?? "0.0.0.0"
        let port = configuration.listenPort
        let server: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
        do {
            server = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 65536, maximum: 1 << 20))
                .bind(host: host, port: port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SessionError.cannotListen(host, port, Self.reason(error))
        }
        listener = server.channel
        startQueueLoop()
        listenPort = server.channel.localAddress?.port ?? port
        await startDHT()
        Task {
            try? await server.executeThenClose { inbound in
                for try await connection in inbound {
                    let address = PeerAddress(
                        host: connection.channel.remoteAddress?.ipAddress ?? "?",
                        port: UInt16(connection.channel.remoteAddress?.port ?? 0)
                    ).normalized
                    Task { await self.runIncoming(connection, address: address) }
                }
            }
        }
    }

    /// Adds a torrent, verifies what is already on disk, and starts it (or leaves it paused, or queued when
    /// the queue's slots are taken).
    public func add(
        _ metainfo: Metainfo, directory: URL, settings: TorrentSettings = TorrentSettings(), paused: Bool = false
    ) async throws -> Torrent {
        guard torrents[metainfo.infoHash] == nil else { throw SessionError.duplicateTorrent(metainfo.name) }
        // A magnet link becomes this torrent once its metadata is in; before that it is a duplicate.
        if let fetch = fetches[metainfo.infoHash], await !fetch.hasMetadata {
            throw SessionError.duplicateTorrent(metainfo.name)
        }
        let storage = Storage(metainfo: metainfo, directory: directory, pool: pool)
        try await storage.checkDirectory()
        // Checked again: another add of the same torrent may have run while we awaited.
        guard torrents[metainfo.infoHash] == nil else { throw SessionError.duplicateTorrent(metainfo.name) }
        let torrent = makeTorrent(metainfo, storage: storage, settings: settings)
        torrents[metainfo.infoHash] = torrent
        fetches[metainfo.infoHash] = nil
        if queuePlaces[metainfo.infoHash] == nil { appendToOrder(metainfo.infoHash) }
        do {
            // With queue limits, a new torrent waits Queued and the queue decides at once whether it runs.
            try await torrent.start(holding: paused ? .paused : isQueueLimited ? .queued : nil)
        } catch {
            torrents[metainfo.infoHash] = nil
            removeFromOrder(metainfo.infoHash)
            await torrent.stop()
            throw error
        }
        await replanQueue(after: metainfo.infoHash)
        return torrent
    }

    func makeTorrent(_ metainfo: Metainfo, storage: Storage, settings: TorrentSettings, savedHave: Bitfield? = nil) -> Torrent {
        var connector = PeerConnector(listenPort: listenPort > 0 ? UInt16(listenPort) : nil, connect: { [weak self] address, torrent in
            guard let self else { return }
            Task { await self.dial(address, for: torrent) }
        })
        if let dht, !metainfo.isPrivate {
            connector.dhtPort = dht.port
            connector.heardDHTNode = { [weak self] address in Task { await self?.heardDHTNode(address) } }
        }
        let announcer = TrackerAnnouncer(
            tiers: metainfo.trackerTiers, infoHash: metainfo.infoHash, peerID: peerID,
            listenPort: UInt16(listenPort), bindHost: configuration.specificBindHost,
            transport: trackerTransport)
        return Torrent(
            metainfo: metainfo, configuration: torrentDefaults, settings: settings,
            sessionLimits: (downloadLimiter, uploadLimiter), storage: storage,
            connector: connector, announcer: announcer, logger: logger, savedHave: savedHave, queueBoard: queueBoard)
    }

    public func torrent(for infoHash: InfoHash) -> Torrent? { torrents[infoHash] }

    /// A snapshot of every torrent, in the order they were added.
    public func snapshots() async -> [TorrentSnapshot] {
        var result: [TorrentSnapshot] = []
        for hash in order {
            if let torrent = torrents[hash] {
                result.append(await torrent.snapshot())
            } else if let fetch = fetches[hash] {
                result.append(await fetch.snapshot())
            }
        }
        return result
    }

    /// Piece and file detail of one torrent.
    public func detail(of infoHash: InfoHash) async -> TorrentDetailSnapshot? {
        await torrents[infoHash]?.detail()
    }

    /// Asks every torrent's trackers for peers now.
    public func reannounceAll() async {
        for torrent in torrents.values { await torrent.reannounce() }
        for fetch in fetches.values { await fetch.reannounce() }
    }

    /// Closes every connection and the listener, and stops the threads.
    public func shutdown() async {
        await stopTransfers()
        guard !isClosed else { return }
        isClosed = true
        for torrent in torrents.values { torrent.storage.close() }
        await trackerTransport.shutdown()
        try? await group.shutdownGracefully()
        try? await pool.shutdownGracefully()
    }

    /// The first half of `shutdown`: every torrent stops, connections close and pieces on their way to
    /// disk land; the files and threads stay usable, so the torrents can still be saved.
    public func stopTransfers() async {
        guard !isShutDown else { return }
        isShutDown = true
        // Stop accepting first: a connection accepted while the listener closes never reaches our accept
        // loop, and NIO traps on the async channel it made for it (swift-nio #3481). By the time the
        // listener closes below, every connection it accepted has been handed to us.
        _ = try? await listener?.setOption(.autoRead, value: false).get()
        for torrent in torrents.values { await torrent.stop() }
        for fetch in fetches.values { await fetch.stop() }
        queueTask?.cancel()
        await stopDHT()
        try? await listener?.close()
        for channel in channels.values { channel.close(promise: nil) }
        // Let connection tasks see their channels close before the event loop goes away.
        let deadline = ContinuousClock.now + .seconds(3)
        while connections > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for torrent in torrents.values { await torrent.waitForWrites(until: deadline + .seconds(2)) }
    }

    private func runIncoming(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, address: PeerAddress) async {
        guard connections < connectionLimit, !isShutDown else {
            // executeThenClose, not just close: an async channel dropped unfinished traps in NIO.
            try? await connection.executeThenClose { _, _ in }
            return
        }
        let id = ObjectIdentifier(connection.channel)
        connections += 1
        channels[id] = connection.channel
        _ = await PeerConnection.run(connection, address: address, torrent: nil, session: self)
        channels[id] = nil
        connections -= 1
    }

    private func dial(_ address: PeerAddress, for torrent: Torrent) async {
        let attached = await dial(address) { connection in
            await PeerConnection.run(connection, address: address, torrent: torrent, session: self)
        }
        await torrent.connectionEnded(address, failed: !attached)
    }

    /// Opens a connection within the session's limit and runs it; returns what `run` returned, or false
    /// when the connection could not be made.
    func dial(
        _ address: PeerAddress, run: (NIOAsyncChannel<ByteBuffer, ByteBuffer>) async -> Bool
    ) async -> Bool {
        var attached = false
        if connections < connectionLimit && !isShutDown {
            connections += 1
            do {
                var bootstrap = ClientBootstrap(group: group)
                    .connectTimeout(.seconds(10))
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelOption(.recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 1024, initial: 65536, maximum: 1 << 20))
                // The bind address is used only for peers of its own family: an IPv4 bind cannot reach [::1].
                if let host = configuration.specificBindHost, host.contains(":") == address.host.contains(":") {
                    bootstrap = bootstrap.bind(to: try SocketAddress(ipAddress: host, port: 0))
                }
                let connection = try await bootstrap.connect(host: address.host, port: Int(address.port)) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
                let id = ObjectIdentifier(connection.channel)
                channels[id] = connection.channel
                if isShutDown { connection.channel.close(promise: nil) }
                attached = await run(connection)
                channels[id] = nil
            } catch {
                logger.debug("cannot connect to \(address): \(error)")
            }
            connections -= 1
        }
        return attached
    }

    private static func reason(_ error: Error) -> String {
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)) }
        return "\(error)"
    }
}
