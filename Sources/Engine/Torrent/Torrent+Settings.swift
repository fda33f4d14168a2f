import Strategy
import TorrentModel

extension Torrent {
    /// The user's current choices for this torrent.
    public func currentSettings() -> TorrentSettings { settings }

    /// Applies new settings while the torrent runs: file priorities (a newly wanted file is created and
    /// downloaded, a skipped one is no longer requested), piece order, rate limits and seeding limits.
    public func apply(_ new: TorrentSettings) async throws {
        var new = new
        if !new.filePriorities.isEmpty {
            guard new.filePriorities.count == metainfo.files.count else {
                throw TorrentControlError.wrongFileCount(given: new.filePriorities.count, files: metainfo.files.count)
            }
        }
        if new.filePriorities.allSatisfy({ $0 == .normal }) { new.filePriorities = [] }
        let old = settings
        settings = new
        limits.torrentDownload.setRate(new.downloadLimit)
        limits.torrentUpload.setRate(new.uploadLimit)
        if new.seedRatioLimit != old.seedRatioLimit || new.seedTimeLimit != old.seedTimeLimit {
            ignoresSeedLimits = false
            wakeTicking()
        }
        guard new.filePriorities != old.filePriorities || new.sequential != old.sequential
            || new.firstAndLastPiecesFirst != old.firstAndLastPiecesFirst
        else { return }
        applyPiecePriorities()
        switch activity {
        case .checking, .error: return
        default: break
        }
        // A torrent that never ran since it was added paused creates its files when it does.
        if filesPrepared { try await prepareFiles() }
        wantedChanged()
    }

    /// Changes the priority of one file.
    public func setPriority(_ priority: FilePriority, ofFile index: Int) async throws {
        guard metainfo.files.indices.contains(index) else {
            throw TorrentControlError.fileIndexOutOfRange(index, files: metainfo.files.count)
        }
        var new = settings
        if new.filePriorities.isEmpty { new.filePriorities = Array(repeating: .normal, count: metainfo.files.count) }
        new.filePriorities[index] = priority
        try await apply(new)
    }

    /// Sets this torrent's own rate limits (bytes per second, nil for none) at once.
    public func setLimits(download: Double?, upload: Double?) {
        settings.downloadLimit = download
        settings.uploadLimit = upload
        limits.torrentDownload.setRate(download)
        limits.torrentUpload.setRate(upload)
    }

    /// Creates the wanted files that are missing (sparse, at full length); writes create the others' on demand.
    func prepareFiles() async throws {
        try await storage.prepare(files: wantedFiles)
        filesPrepared = true
    }

    /// A torrent added paused is resumed: its files are created now, in the background (writes that come
    /// first create their file themselves); a failure puts it in Error like a failed write.
    func prepareFilesOnResume() async {
        do { try await prepareFiles() } catch { storageFailed(error) }
    }

    /// Indices of the files that are not skipped (padding files never count).
    var wantedFiles: Set<Int> {
        Set(metainfo.files.indices.filter { !metainfo.files[$0].isPadding && settings.priority(ofFile: $0) != .skip })
    }

    /// Feeds the picker the piece priorities that follow from the file priorities and the order options.
    func applyPiecePriorities() {
        let priorities = PiecePriorities.compute(
            metainfo: metainfo, filePriorities: metainfo.files.indices.map { settings.priority(ofFile: $0).rawValue },
            firstAndLastFirst: settings.firstAndLastPiecesFirst)
        var wanted = Bitfield(count: metainfo.pieceCount)
        for (piece, priority) in priorities.enumerated() {
            picker.setPriority(priority, ofPiece: piece)
            if priority > 0 { wanted[piece] = true }
        }
        wantedPieces = wanted
        picker.isSequential = settings.sequential
        publishQueueFacts()
    }

    /// After the wanted pieces changed: a torrent that now has everything it wants seeds, one that wants
    /// more downloads again, and every peer hears whether we are still interested.
    private func wantedChanged() {
        if activity == .downloading && picker.isComplete {
            activity = .seeding
            logger.info("\(metainfo.name): every wanted file is complete")
        } else if activity == .seeding && !picker.isComplete {
            activity = .downloading
        }
        for key in peers.keys {
            updateInterest(key)
            requestBlocks(from: key)
        }
    }

    /// Ratio and seeding-time limits: this torrent's own, else the session's.
    var reachedSeedLimit: Bool {
        guard picker.isComplete else { return false }
        let ratioLimit = TorrentSettings.effectiveSeedLimit(own: settings.seedRatioLimit, session: configuration.seedRatioLimit)
        let timeLimit = TorrentSettings.effectiveSeedLimit(own: settings.seedTimeLimit, session: configuration.seedTimeLimit)
        if let ratioLimit, metainfo.totalLength > 0,
            Double(upload.total) / Double(metainfo.totalLength) >= ratioLimit
        {
            return true
        }
        if let timeLimit, seedingTime >= .seconds(timeLimit) { return true }
        return false
    }

    /// Counts seeding time and pauses a torrent that reached its seeding limit (as qBittorrent does).
    func checkSeedLimits() async {
        let now = self.now
        defer { lastTickAt = now }
        guard activity == .seeding else { return }
        if let last = lastTickAt { seedingTime += now - last }
        guard !ignoresSeedLimits, reachedSeedLimit else { return }
        logger.info("\(metainfo.name): seeding limit reached; pausing")
        await pause()
    }
}

/// Why a control request on a torrent was refused.
public enum TorrentControlError: Error, CustomStringConvertible, Sendable {
    case wrongFileCount(given: Int, files: Int)
    case fileIndexOutOfRange(Int, files: Int)
    case busyChecking

    public var description: String {
        switch self {
        case .wrongFileCount(let given, let files): "\(given) file priorities given for a torrent of \(files) files"
        case .fileIndexOutOfRange(let index, let files): "no file \(index) (the torrent has \(files) files)"
        case .busyChecking: "the torrent is being checked; try again when that is done"
        }
    }
}

extension Torrent {
    /// Tells the session's queue of a change of priority, completeness or activity. Called wherever one
    /// of them may change (a change of `activity` or `settings` calls it itself).
    func publishQueueFacts() {
        let facts = QueueFacts(priority: settings.priority, isComplete: picker.isComplete, activity: activity)
        guard facts != publishedQueueFacts else { return }
        publishedQueueFacts = facts
        queueBoard?.update(infoHash, owner: ObjectIdentifier(self), facts)
    }

    /// A paused torrent the user resumed while the queue is limited: it waits for the queue's decision.
    func markQueued() {
        if activity == .paused {
            if reachedSeedLimit { ignoresSeedLimits = true }
            activity = .queued
        }
    }

    /// The queue gave this torrent a slot.
    func leaveQueue() {
        if activity == .queued { resume() }
    }
}

extension Torrent {
    /// Connected peers at most: the torrent's own setting, else the configuration's.
    var peerLimit: Int { settings.maxPeers ?? configuration.maxPeers }
}
