import Foundation
import Logging
import PeerWire
import Strategy
import TorrentModel
import Tracker

/// How a magnet link's metadata is fetched.
public struct MagnetConfiguration: Sendable {
    /// While no peer that has the metadata is connected, the trackers are asked again this often.
    public var retryInterval: Duration = .seconds(20)
    /// A metadata request unanswered for this long goes to another peer.
    public var requestTimeout: Duration = .seconds(10)
    /// A peer that has not offered metadata this long after connecting is dropped for another.
    public var offerTimeout: Duration = .seconds(20)

    public init() {}
}

/// A magnet link whose info dictionary is being fetched from peers (BEP 9). Finds peers through the
/// link's trackers and `x.pe` addresses and through incoming connections, asks the ones that offer
/// `ut_metadata` for pieces, and once the pieces hash to the info-hash hands the bytes to the session,
/// which turns the fetch into a `Torrent` with the same info-hash.
///
/// State lives in this actor; connections call in with batches of messages, as they do for `Torrent`.
public actor MetadataFetch {
    public nonisolated let link: MagnetLink
    public nonisolated var infoHash: InfoHash { link.infoHash }
    /// Where the torrent's files will go; `swarm move` may change it while the metadata is coming.
    public private(set) var directory: URL
    nonisolated let settings: TorrentSettings
    nonisolated let stopAfterMetadata: Bool
    /// When the user added the link (kept across restarts).
    nonisolated let addedAt: Date
    let configuration: MagnetConfiguration
    let maxPeers: Int
    /// The session's DHT looks for peers too.
    let usesDHT: Bool
    let announcer: TrackerAnnouncer?
    let connector: FetchConnector
    let logger: Logger
    private let epoch = ContinuousClock.now

    enum Phase: Equatable {
        case fetching, paused, done, stopped
        case failed(String)
    }

    var phase: Phase = .stopped
    var assembler: MetadataAssembler<PeerKey>
    var peers: [PeerKey: FetchPeer] = [:]
    var nextPeerKey: PeerKey = 1
    var knownPeers: [PeerAddress: KnownPeer] = [:]
    var bannedHosts: Set<String> = []
    var pendingConnections = 0
    var tickTask: Task<Void, Never>?
    var trackerTask: Task<Void, Never>?
    var trackerStatuses: [TrackerStatus] = []
    /// Announces answered or failed, for the status line.
    var announces = 0
    var onComplete: (@Sendable ([UInt8]) async -> Void)?
    /// The peer whose connection goes on for the torrent once the metadata is complete.
    var handOverKey: PeerKey?
    var reannounceRequested = false

    /// The folder the torrent's files will go to once the metadata is known (nothing is on disk yet).
    func setDirectory(_ new: URL) {
        directory = new
    }

    init(
        link: MagnetLink, directory: URL, settings: TorrentSettings, stopAfterMetadata: Bool, addedAt: Date = Date(),
        configuration: MagnetConfiguration, maxPeers: Int, usesDHT: Bool = false, announcer: TrackerAnnouncer?,
        connector: FetchConnector, logger: Logger
    ) {
        self.link = link
        self.directory = directory
        self.settings = settings
        self.stopAfterMetadata = stopAfterMetadata
        self.addedAt = addedAt
        self.configuration = configuration
        self.maxPeers = maxPeers
        self.usesDHT = usesDHT
        self.announcer = announcer
        self.connector = connector
        self.logger = logger
        self.assembler = MetadataAssembler(infoHash: link.infoHash, requestTimeout: configuration.requestTimeout)
    }

    var now: Duration { ContinuousClock.now - epoch }

    /// The name to show: the link's `dn`, else the info-hash.
    nonisolated var displayName: String { link.displayName ?? link.infoHash.hex }

    /// Starts fetching, or stays paused; `onComplete` gets the verified info dictionary once.
    func start(paused: Bool, onComplete: @escaping @Sendable ([UInt8]) async -> Void) {
        self.onComplete = onComplete
        for peer in link.peers where knownPeers[peer] == nil { knownPeers[peer] = KnownPeer(source: .magnet) }
        if paused {
            phase = .paused
        } else {
            resume()
        }
    }

    /// Fetches again after a pause; after a failure to start the torrent (no space, say), tries that again
    /// with the metadata already verified.
    public func resume() {
        switch phase {
        case .paused, .stopped, .failed: break
        case .fetching, .done: return
        }
        if let bytes = assembler.result, let onComplete {
            phase = .done
            Task { await onComplete(bytes) }
            return
        }
        phase = .fetching
        tickTask = Task { [weak self] in
            while !Task.isCancelled {
                await self?.tick()
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
        trackerTask = Task { await self.runTrackers() }
    }

    /// Closes every connection, stops the loops and tells the trackers we left.
    public func pause() async {
        guard phase == .fetching else { return }
        phase = .paused
        await halt()
    }

    func stop() async {
        let wasFetching = phase == .fetching
        if phase != .done { phase = .stopped }
        if wasFetching { await halt() } else { closeAll() }
    }

    /// Gives up with a reason the user sees (the fetched metadata is not a usable torrent, or it cannot
    /// be added).
    func fail(_ reason: String) async {
        let wasFetching = phase == .fetching
        phase = .failed(reason)
        if wasFetching { await halt() }
    }

    private func halt() async {
        closeAll()
        trackerTask?.cancel()
        if let announcer {
            _ = await announcer.announce(.stopped, stats: announceStats)
            trackerStatuses = await announcer.statuses()
        }
    }

    private func closeAll() {
        tickTask?.cancel()
        for (key, peer) in peers {
            peer.link.close()
            assembler.peerLeft(key)
        }
        peers = [:]
    }

    /// Peers to try.
    public func addPeers(_ addresses: [PeerAddress], source: PeerSource) {
        for address in addresses where knownPeers[address] == nil {
            knownPeers[address] = KnownPeer(source: source)
        }
        connectMore()
    }

    /// The peers worth handing to the torrent the fetch becomes: every address we could dial, but the
    /// one whose connection is handed over.
    func dialablePeers() -> [(PeerAddress, PeerSource)] {
        let live = Set(peers.values.map(\.link.address))
        return knownPeers.filter { !bannedHosts.contains($0.key.host) && !live.contains($0.key) }
            .map { ($0.key, $0.value.source) }
    }

    /// Left is unknown until the metadata arrives; trackers get a token value so that they count us as
    /// a leecher.
    var announceStats: TransferStats { TransferStats(uploaded: 0, downloaded: 0, left: 1) }

    /// Announces `started`, then again on the trackers' schedule, or every `retryInterval` while no
    /// peer that has the metadata is connected, so that a fetch with no peers keeps looking.
    private func runTrackers() async {
        guard let announcer, await announcer.hasTrackers else { return }
        var event: AnnounceEvent = .started
        while !Task.isCancelled && phase == .fetching {
            reannounceRequested = false
            let found = await announcer.announce(event, stats: announceStats, force: event == .none)
            announces += 1
            trackerStatuses = await announcer.statuses()
            guard !Task.isCancelled, phase == .fetching else { return }
            addPeers(found, source: .tracker)
            event = .none
            let regular = ContinuousClock.now + (await announcer.nextAnnounceDelay())
            let retry = ContinuousClock.now + configuration.retryInterval
            while !Task.isCancelled && phase == .fetching {
                let hopeless = !hasMetadataPeer
                if ContinuousClock.now >= regular || (hopeless && ContinuousClock.now >= retry) || reannounceRequested {
                    break
                }
                try? await Task.sleep(for: .milliseconds(250))
                trackerStatuses = await announcer.statuses()
            }
        }
    }

    var isFetching: Bool { phase == .fetching }
    var hasMetadata: Bool { assembler.isComplete }

    /// Asks the trackers for peers now (SIGUSR1 in the command-line tools).
    public func reannounce() {
        reannounceRequested = true
    }

    /// Some connected peer offers the metadata and may still be asked.
    var hasMetadataPeer: Bool { peers.keys.contains { assembler.canAsk($0) } }

    /// Twice a second: re-requests timed-out pieces, drops peers that never offered metadata, dials more.
    func tick() {
        guard phase == .fetching else { return }
        let now = self.now
        for (key, peer) in peers {
            if !assembler.canAsk(key) && now - peer.connectedAt > configuration.offerTimeout {
                peer.link.close()
                continue
            }
            if now - peer.lastKeepAliveAt > .seconds(90) {
                peer.link.send(.keepAlive)
                peers[key]?.lastKeepAliveAt = now
            }
            requestPieces(from: key)
        }
        connectMore()
    }

    public func snapshot() -> TorrentSnapshot {
        let activity: TorrentActivity
        switch phase {
        case .fetching: activity = .fetchingMetadata(assembler.progress)
        case .paused: activity = .paused
        case .done, .stopped: activity = .stopped
        case .failed(let reason): activity = .error(reason)
        }
        let rows = peers.values.map { peer in
            PeerSnapshot(
                address: peer.link.address, client: peer.client, isIncoming: peer.link.isIncoming, amChoking: true,
                amInterested: false, peerChoking: true, peerInterested: false, isSnubbed: false, isOptimistic: false,
                downloadRate: 0, uploadRate: 0, progress: 0, requestsInFlight: 0, downloaded: peer.metadataBytes,
                uploaded: 0,
                source: peer.link.isIncoming ? .incoming : knownPeers[peer.link.address]?.source ?? .unknown)
        }.sorted { $0.address.description < $1.address.description }
        return TorrentSnapshot(
            infoHash: infoHash, name: displayName, activity: activity, totalLength: 0, pieceCount: 0, piecesHave: 0,
            bytesHave: 0, downloadRate: 0, uploadRate: 0, downloaded: rows.reduce(0) { $0 + $1.downloaded },
            uploaded: 0, wasted: 0, hashFailures: assembler.hashFailures, peers: rows, knownPeers: knownPeers.count,
            bannedPeers: bannedHosts.count, trackers: trackerStatuses, filesFinalized: false, settings: settings,
            status: statusLine)
    }

    /// Says what the fetch is waiting for, so that a fetch with no peers does not look hung.
    var statusLine: String? {
        guard phase == .fetching else { return nil }
        let offering = peers.keys.filter { assembler.canAsk($0) }.count
        if offering > 0 {
            return "fetching metadata from \(offering) peer\(offering == 1 ? "" : "s")"
                + (assembler.size.map { " (\($0) bytes)" } ?? "")
        }
        if !peers.isEmpty {
            return "connected to \(peers.count) peer\(peers.count == 1 ? "" : "s"), none offers the metadata yet"
        }
        if link.trackers.isEmpty && knownPeers.isEmpty {
            return usesDHT ? "no trackers or peers in the link: looking in the DHT"
                : "no trackers or peers in the link: waiting for peers to connect"
        }
        let asked = announces == 0 ? "" : "; trackers asked \(announces) time\(announces == 1 ? "" : "s")"
        return "looking for peers: \(knownPeers.count) known, none connected\(asked)"
    }
}

/// A peer connected while fetching metadata.
struct FetchPeer: Sendable {
    let link: PeerLink
    let peerID: [UInt8]
    var client: String
    /// The id the peer wants `ut_metadata` messages sent with; nil until its extension handshake.
    var metadataID: UInt8?
    let connectedAt: Duration
    var lastKeepAliveAt: Duration
    var metadataBytes: Int64 = 0
    /// The peer's extension handshake, and what it said of its pieces and choking, kept for the torrent in
    /// case the connection is handed over (see `FetchHandOver`).
    var extensionHandshake: PeerMessage?
    var pieceAnnouncement: PeerMessage?
    var haves: Set<Int> = []
    var peerChoking = true
    var peerInterested = false
}

/// How a fetch asks the session to dial a peer.
struct FetchConnector: Sendable {
    let listenPort: UInt16?
    let connect: @Sendable (PeerAddress, MetadataFetch) -> Void
}
