import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import PeerWire
import Strategy
import TorrentModel
import Tracker

/// Settings of one torrent.
public struct TorrentConfiguration: Sendable {
    public var maxPeers = 60
    public var unchokeSlots = 4
    /// Wait before dialling a peer again after a failed attempt; doubles with each further failure.
    public var reconnectDelay: Duration = .seconds(15)
    /// Upload limit in bytes per second for a new torrent; nil for none. `TorrentSettings` changes it live.
    public var uploadRateLimit: Double?
    /// Seeding stops (the torrent pauses) once uploaded / size reaches this; nil to seed on.
    /// A torrent's own `TorrentSettings.seedRatioLimit` wins.
    public var seedRatioLimit: Double?
    /// Seeding stops after this many seconds spent seeding; nil to seed on.
    public var seedTimeLimit: Double?
    /// Super-seed (BEP 16) when the torrent starts out complete.
    public var superSeeding = false
    /// How often each peer hears which peers we connected to and dropped (BEP 11's once a minute).
    public var pexInterval: Duration = PexState.interval
    /// Experiment knob for benchmarks: never unchoke anyone (a free rider). Not for real use.
    public var freeRide = false

    public init() {}
}

/// One torrent in the session: its pieces, its peers and the loops that drive them.
///
/// All state lives in this actor. Peer connections run as separate tasks and call in with batches of
/// messages; disk work and hashing happen in `Storage` on its thread pool. After every `await` the state is
/// checked again, since other calls may have run in between.
public actor Torrent {
    public nonisolated let metainfo: Metainfo
    public nonisolated let storage: Storage
    public nonisolated var infoHash: InfoHash { metainfo.infoHash }
    var configuration: TorrentConfiguration
    /// The user's choices for this torrent (see `Torrent+Settings.swift`).
    var settings: TorrentSettings {
        didSet {
            rowMayHaveChanged()
            publishQueueFacts()
        }
    }
    /// Rate limits the connections read without a hop to this actor.
    nonisolated let limits: TransferLimits
    /// Pieces of files that are not skipped.
    var wantedPieces: Bitfield {
        didSet {
            rowMayHaveChanged()
            finishMayHaveChanged()
        }
    }
    /// Time spent seeding, for `seedTimeLimit`.
    var seedingTime: Duration = .zero {
        didSet { rowMayHaveChanged() }
    }
    var lastTickAt: Duration? {
        didSet { rowMayHaveChanged() }
    }
    /// The user resumed a torrent that had reached its seeding limit: seed on regardless.
    var ignoresSeedLimits = false
    let connector: PeerConnector
    let logger: Logger
    /// This torrent's list row and save mark while they cannot change, read without a hop
    /// (`Torrent+RowCache.swift`).
    nonisolated let rowCache: RowCache
    /// `rowCache` holds something (a flag read on every change, so that changes cost no lock when it does not).
    var rowCached = false
    private let epoch = ContinuousClock.now

    var activity: TorrentActivity = .stopped {
        didSet {
            rowMayHaveChanged()
            publishQueueFacts()
        }
    }
    /// Where the session's queue reads this torrent's priority, completeness and activity (nil outside a
    /// session), and what it last read there.
    nonisolated let queueBoard: QueueBoard?
    var publishedQueueFacts: QueueFacts
    var picker: PiecePicker {
        didSet {
            rowMayHaveChanged()
            pickerIsUntouched = false
        }
    }
    /// `picker` is still the one made at init, at the normal priority, with no peer and no piece since.
    var pickerIsUntouched = true
    var choker: Choker
    var peers: [PeerKey: ConnectedPeer] = [:] {
        didSet { rowMayHaveChanged() }
    }
    var nextPeerKey: PeerKey = 1
    /// Blocks of pieces being downloaded, assembled in memory until the piece is complete and hashed.
    var pieceBuffers: [Int: PieceBuffer] = [:]
    var spareBuffers: [[UInt8]] = []
    var knownPeers: [PeerAddress: KnownPeer] = [:]
    var strikes: [String: Int] = [:]
    var bannedHosts: Set<String> = []
    var optimisticPeer: PeerKey?
    /// A peer we unchoked left or lost interest: the choker runs at the next tick to hand its upload slot
    /// on, not at the next rechoke up to ten seconds later.
    var uploadSlotFreed = false
    var download = RateMeter()
    var upload = RateMeter()
    var wasted: Int64 = 0
    var hashFailures = 0
    var tickTask: Task<Void, Never>?
    var checkProgress: Counter? {
        didSet { rowMayHaveChanged() }
    }
    var pendingConnections = 0
    let announcer: TrackerAnnouncer?
    var trackerTask: Task<Void, Never>?
    var trackerStatuses: [TrackerStatus] = [] {
        didSet {
            trackerStatusesAt = now
            rowMayHaveChanged()
        }
    }
    /// When `trackerStatuses` was taken: their countdowns are brought up to date from it.
    var trackerStatusesAt: Duration = .zero
    /// The tracker loop's wait for the next announce; cancelled to announce at once.
    var trackerWait: Task<Void, Never>?
    /// The tick has stopped because there is nothing to do (see `Torrent+Idle.swift`).
    var tickParked = false
    var reannounceRequested = false
    /// Set while super-seeding (see `Torrent+SuperSeeding.swift`).
    var superSeeder: SuperSeeder?
    /// Which allowed-fast requests from choked peers are served (see `Torrent+Fast.swift`).
    var allowedFastRation = AllowedFastRation()
    /// Whether the pieces we give peers go on from them: the seed's evidence against free riders.
    var spreadLedger: SpreadLedger
    /// Files being renamed from `.part` to their final names; the torrent is not complete before that.
    var pendingRenames = 0 {
        didSet {
            rowMayHaveChanged()
            finishMayHaveChanged()
        }
    }
    /// Callers of `untilFinished()` waiting, by a number of their own (see `Torrent+Finish.swift`).
    var finishWaiters: [Int: CheckedContinuation<Void, Never>] = [:]
    var nextFinishWaiter = 0
    /// Pieces being hashed and written.
    var pendingWrites = 0
    /// The wanted files exist at full length (see `prepareFiles`).
    var filesPrepared = false
    /// When `tick` last made sure the files are still where we write them.
    var lastStorageCheck: Duration = .zero
    var piecesHave: Int { picker.have.setCount }
    /// Saved-state bookkeeping (see `Torrent+Resume.swift`).
    var addedAt = Date()
    var completedAt: Date? {
        didSet { rowMayHaveChanged() }
    }
    /// The pieces known verified while a check runs (the picker knows none until it ends).
    var lastKnownHave: Bitfield? {
        didSet { rowMayHaveChanged() }
    }
    /// Running, paused or queued: what to come back as after a restart, kept while checking or in error.
    var steadyState: TorrentRecord.State = .active {
        didSet { if steadyState != oldValue { rowMayHaveChanged() } }
    }

    init(metainfo: Metainfo, configuration: TorrentConfiguration, settings: TorrentSettings = TorrentSettings(),
         sessionLimits: (download: RateLimiter, upload: RateLimiter) = (RateLimiter(), RateLimiter()),
         storage: Storage, connector: PeerConnector, announcer: TrackerAnnouncer?, logger: Logger,
         savedHave: Bitfield? = nil, listRevision: ListRevision = ListRevision(), queueBoard: QueueBoard? = nil) {
        self.metainfo = metainfo
        self.rowCache = RowCache(revision: listRevision)
        self.announcer = announcer
        self.configuration = configuration
        self.storage = storage
        self.connector = connector
        self.logger = logger
        // Until `start` checks the disk: nothing, or what a restored torrent had saved (so that a seed's
        // picker is not filled with every piece only to be replaced).
        let have = savedHave.flatMap { $0.count == metainfo.pieceCount ? $0 : nil } ?? Bitfield(count: metainfo.pieceCount)
        self.picker = PiecePicker(geometry: metainfo.geometry, have: have, priority: FilePriority.normal.rawValue)
        self.choker = Choker(regularSlots: configuration.unchokeSlots)
        self.spreadLedger = SpreadLedger(pieceCount: metainfo.pieceCount)
        var settings = settings
        if settings.uploadLimit == nil { settings.uploadLimit = configuration.uploadRateLimit }
        self.settings = settings
        self.limits = TransferLimits(
            torrentDownload: RateLimiter(bytesPerSecond: settings.downloadLimit),
            torrentUpload: RateLimiter(bytesPerSecond: settings.uploadLimit),
            sessionDownload: sessionLimits.download, sessionUpload: sessionLimits.upload)
        self.wantedPieces = Bitfield(count: metainfo.pieceCount, allSet: true)
        self.queueBoard = queueBoard
        let facts = QueueFacts(priority: settings.priority, isComplete: picker.isComplete, activity: .stopped)
        self.publishedQueueFacts = facts
        queueBoard?.register(metainfo.infoHash, owner: ObjectIdentifier(self), facts)
    }

    var now: Duration { ContinuousClock.now - epoch }

    static let version = "0.1.0"
    /// Our listening port, told to peers in the extension handshake.
    var listenPort: UInt16? { connector.listenPort }

    /// Verifies what is on disk, creates missing files, then starts downloading or seeding; or, with
    /// `holding` (paused or queued), stays so until resumed. With `resume`, the pieces saved as verified
    /// are taken as they are where the files did not change since (see `Storage.resume`); `unchanged` is
    /// what that gave already (`Storage.resumeUnchanged`: no file changed), so the disk is not asked again.
    func start(holding: TorrentActivity? = nil, resume: ResumeData? = nil, unchanged: Bitfield? = nil) async throws {
        activity = .checking(0)
        if holding == .paused { steadyState = .paused } else if holding == .queued { steadyState = .queued }
        lastKnownHave = resume?.verified
        let checked = Counter()
        checkProgress = checked
        let have: Bitfield
        do {
            if resume != nil, let unchanged {
                have = unchanged
            } else if let resume {
                have = try await storage.resume(from: resume) { n in checked.add(n) }
            } else {
                have = try await storage.check { n in checked.add(n) }
            }
        } catch {
            checkProgress = nil
            throw error
        }
        checkProgress = nil
        lastKnownHave = nil
        // The files were just looked at: the tick's check that they are still there can wait its 5 s
        // (ten thousand torrents restored at once would otherwise all check on their first tick).
        lastStorageCheck = now
        if have.isComplete && completedAt == nil { completedAt = Date() }
        makePicker(have: have)
        try await checkFreeSpace(have: have)
        // Complete as saved, every file as saved: they are all there at full length, nothing to create
        // (one trip to the disk threads fewer per torrent, when thousands come back at start). Added
        // paused: files are created when it runs, so that the user can skip some first.
        if have.isComplete && resume.map({ $0.verified == have }) == true {
            filesPrepared = true
        } else if holding != .paused {
            try await prepareFiles()
        }
        if let holding {
            activity = holding
            return
        }
        activity = picker.isComplete ? .seeding : .downloading
        startSuperSeedingIfConfigured()
        logger.debug("\(metainfo.name): \(have.setCount) of \(metainfo.pieceCount) pieces on disk")
        startLoops(parkingAtOnce: true)
    }

    /// Starts the twice-a-second tick and the tracker loop. With `parkingAtOnce`, a torrent with nothing
    /// to tick for (see `canParkAtStart`) starts with its tick parked rather than wake once to find that
    /// out, and one without trackers starts no tracker loop: ten thousand restored seeds start no task.
    func startLoops(parkingAtOnce: Bool = false) {
        if parkingAtOnce && canParkAtStart {
            tickTask?.cancel()
            tickTask = nil
            tickParked = true
            lastTickAt = now
        } else {
            startTicking()
        }
        if !parkingAtOnce || metainfo.trackerTiers.contains(where: { !$0.isEmpty }) {
            trackerTask = Task { await self.runTrackers() }
        }
    }

    /// Pauses: closes every connection, tells the trackers we left, and stops the loops. What was
    /// verified stays verified; `resume()` carries on without checking again.
    public func pause() async {
        if activity == .queued { activity = .paused }
        guard isRunning else { return }
        activity = .paused
        await halt()
    }

    /// Starts a paused or queued torrent. The session's queue may queue it again (`Session.resume`).
    public func resume() {
        if case .error = activity {
            Task { try? await recheck() }
            return
        }
        guard activity == .paused || activity == .queued else { return }
        if activity == .paused && reachedSeedLimit { ignoresSeedLimits = true }
        activity = picker.isComplete ? .seeding : .downloading
        lastTickAt = nil
        if !filesPrepared { Task { await self.prepareFilesOnResume() } }
        startLoops()
        connectMore()
    }

    /// Waits in the queue: like a pause, but the session starts it again when a slot frees up.
    func enqueue() async {
        guard isRunning else { return }
        activity = .queued
        await halt()
    }

    /// Closes the connections and stops the tick; the tracker hears that we left. The peers are forgotten
    /// at once, so that messages still in their sockets change nothing.
    func halt() async {
        tickTask?.cancel()
        for (key, peer) in peers {
            peer.link.close()
            releaseRequests(of: key)
            picker.peerLeft(key)
            superSeedPeerLeft(key)
        }
        peers = [:]
        optimisticPeer = nil
        await announceStopped()
    }

    /// Refuses to start a download that cannot fit on the disk. Files are sparse, so only the bytes still
    /// missing will be written.
    private func checkFreeSpace(have: Bitfield) async throws {
        let missing = metainfo.geometry.byteCount(of: wantedPieces) - metainfo.geometry.byteCount(of: have.intersection(wantedPieces))
        guard missing > 0, let free = try await storage.freeSpace() else { return }
        if free < missing {
            throw SessionError.notEnoughSpace(path: storage.directory.path, needed: missing, free: free)
        }
    }

    /// Stops every connection and loop.
    func stop() async {
        noteSteadyState()
        tickTask?.cancel()
        if activity == .downloading || activity == .seeding { await announceStopped() }
        trackerTask?.cancel()
        for peer in peers.values { peer.link.close() }
        if case .error = activity {} else { activity = .stopped }
    }

    /// Peers to try, from trackers, the command line or other sources.
    public func addPeers(_ addresses: [PeerAddress], source: PeerSource) {
        for address in addresses.map(\.normalized) where knownPeers[address] == nil {
            knownPeers[address] = KnownPeer(source: source)
        }
        wakeTicking()
        connectMore()
    }

    /// How long a connection must wait before sending `bytes` of upload, under the upload limits.
    nonisolated func uploadDelay(for bytes: Int) -> Duration { limits.uploadDelay(for: bytes) }

    /// The upload limit that applies to this torrent's connections (bytes per second), or nil for none.
    nonisolated var uploadRate: Double? { limits.uploadRate }

    /// How long a connection must wait before reading on after `bytes` arrived, under the download limits.
    nonisolated func downloadDelay(for bytes: Int) -> Duration { limits.downloadDelay(for: bytes) }

    var isRunning: Bool { activity == .downloading || activity == .seeding }

    public func snapshot() -> TorrentSnapshot {
        let now = self.now
        var peerRows: [PeerSnapshot] = []
        for (key, peer) in peers {
            var state = peer.state
            let bits = picker.peerBitfield(key)
            peerRows.append(PeerSnapshot(
                address: peer.link.address, client: peer.client, isIncoming: peer.link.isIncoming,
                amChoking: state.amChoking, amInterested: state.amInterested, peerChoking: state.peerChoking,
                peerInterested: state.peerInterested, isSnubbed: state.isSnubbed, isOptimistic: key == optimisticPeer,
                downloadRate: state.download.rate(now: now), uploadRate: state.upload.rate(now: now),
                progress: bits.map { Double($0.setCount) / Double(max($0.count, 1)) } ?? 0,
                requestsInFlight: state.inFlight, downloaded: state.download.total, uploaded: state.upload.total,
                source: peer.link.isIncoming ? .incoming : knownPeers[peer.link.address]?.source ?? .unknown))
        }
        peerRows.sort { $0.address.description < $1.address.description }
        let have = picker.have
        let bytes = metainfo.geometry.byteCount(of: have)
        var shownActivity = activity
        if let checkProgress {
            shownActivity = .checking(Double(checkProgress.current) / Double(max(metainfo.pieceCount, 1)))
        }
        return TorrentSnapshot(
            infoHash: metainfo.infoHash, name: metainfo.name, activity: shownActivity,
            totalLength: metainfo.totalLength, pieceCount: metainfo.pieceCount, piecesHave: have.setCount,
            bytesHave: bytes, downloadRate: isRunning ? download.rate(now: now) : 0,
            uploadRate: isRunning ? upload.rate(now: now) : 0,
            downloaded: download.total, uploaded: upload.total, wasted: wasted, hashFailures: hashFailures,
            peers: peerRows, knownPeers: knownPeers.count, bannedPeers: bannedHosts.count, trackers: currentTrackerStatuses,
            filesFinalized: pendingRenames == 0, isSuperSeeding: isSuperSeeding,
            wantedLength: metainfo.geometry.byteCount(of: wantedPieces),
            bytesHaveWanted: metainfo.geometry.byteCount(of: have.intersection(wantedPieces)),
            settings: settings, seedingTime: currentSeedingTime, downloadLimit: limits.torrentDownload.rate,
            uploadLimit: limits.torrentUpload.rate)
    }
}

/// A peer we are connected to.
struct ConnectedPeer {
    let link: PeerLink
    let peerID: [UInt8]
    var client: String
    var state: PeerState
}

/// A peer address we know of, and how connecting to it went.
struct KnownPeer {
    var source: PeerSource
    /// Being dialled or connected.
    var connected = false
    var failures = 0
    var lastAttempt: Duration?
    /// It had every piece when it left; a seed has no reason to dial it again.
    var isSeed = false
}

/// Blocks of one piece, gathered until the piece is complete.
struct PieceBuffer {
    var bytes: [UInt8]

    init(length: Int) {
        bytes = [UInt8](unsafeUninitializedCapacity: length) { _, count in count = length }
    }

    init(reusing buffer: [UInt8]) {
        bytes = buffer
    }
}

/// How a torrent asks the session to dial a peer.
struct PeerConnector: Sendable {
    let listenPort: UInt16?
    let connect: @Sendable (PeerAddress, Torrent) -> Void
    /// Our DHT node's UDP port, sent in PORT messages; nil when the DHT is off or the torrent is private.
    var dhtPort: UInt16?
    /// Hands the DHT a node a peer told us of.
    var heardDHTNode: (@Sendable (PeerAddress) -> Void)?
}

/// A thread-safe counter for progress reported from the storage pool.
final class Counter: Sendable {
    private let value = NIOLockedValueBox(0)
    func add(_ n: Int) { value.withLockedValue { $0 += n } }
    var current: Int { value.withLockedValue { $0 } }
}
