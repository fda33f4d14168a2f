import Engine
import Foundation
import TorrentModel

/// Carries out control requests on a running `Session`: what `swarm daemon` answers on its socket.
public struct EngineController: ControlHandler {
    public let session: Session
    /// Where torrents go when a request names no directory.
    public let downloadDirectory: URL
    /// Set while the daemon restores its saved torrents (answering lists meanwhile).
    public let restoreStatus: RestoreStatus?
    private let shutdownRequested: @Sendable () -> Void
    /// Runs after a request that changes torrents or options succeeded, before the answer, with the
    /// torrent it named or added (none for all torrents' options): the daemon saves that torrent and the
    /// session's values then, so that a kill right after a change does not lose it.
    public var afterChange: (@Sendable (Set<InfoHash>) async -> Void)?

    /// `onShutdown` runs after a `shutdown` request has been answered; the daemon stops then.
    public init(
        session: Session, downloadDirectory: URL, restoreStatus: RestoreStatus? = nil, onShutdown: @escaping @Sendable () -> Void
    ) {
        self.session = session
        self.downloadDirectory = downloadDirectory
        self.restoreStatus = restoreStatus
        self.shutdownRequested = onShutdown
    }

    public func handle(_ request: ControlRequest) async -> ControlReply {
        if request.onlyReads {
            // Reads answer from what is restored so far; one naming a torrent not back yet waits for the rest.
            if let restoreStatus, let selector = request.torrentSelector, (try? await resolve(selector)) == nil {
                await restoreStatus.waitUntilFinished()
            }
        } else if request != .shutdown {
            // Changes wait for the restore: an add must not race the saved copy of the same torrent.
            await restoreStatus?.waitUntilFinished()
        }
        do {
            // Resolved before the change: a removal or an add moves the list positions that name torrents.
            var touched = Set<InfoHash>()
            var request = request
            if Self.changes(request), let selector = request.torrentSelector, let hash = try? await resolve(selector) {
                touched.insert(hash)
                request = request.naming(hash.hex)
            }
            let reply = try await perform(request)
            if case .failure = reply { return reply }
            if case .added(let hash, _) = reply { touched.insert(hash) }
            if Self.changes(request) { await afterChange?(touched) }
            return reply
        } catch {
            return .failure(message: "\(error)")
        }
    }

    private func perform(_ request: ControlRequest) async throws -> ControlReply {
        switch request {
        case .add(let source, let directory, let paused, let stopAfterMetadata):
            let folder = directory.map { URL(fileURLWithPath: $0) } ?? downloadDirectory
            switch source {
            case .torrent(let bytes):
                let torrent = try await session.add(try Metainfo(bytes: bytes), directory: folder, paused: paused)
                return .added(infoHash: torrent.metainfo.infoHash, name: torrent.metainfo.name)
            case .magnet(let text):
                let link = try MagnetLink(parsing: text)
                let hash = try await session.addMagnet(
                    link, directory: folder, paused: paused, stopAfterMetadata: stopAfterMetadata ?? false)
                return .added(infoHash: hash, name: link.displayName ?? hash.hex)
            }
        case .list:
            return .snapshot(await snapshot(selected: nil))
        case .overview:
            return .overview(await view(selected: nil, reusing: nil))
        case .pause(let selector):
            let hash = try await resolve(selector)
            try await session.pause(hash)
            return .done(message: "paused \(await name(hash))")
        case .resume(let selector):
            let hash = try await resolve(selector)
            try await session.resume(hash)
            return .done(message: "resumed \(await name(hash))")
        case .recheck(let selector):
            let hash = try await resolve(selector)
            try await session.recheck(hash)
            return .done(message: "checking \(await name(hash)) again")
        case .remove(let selector, let deleteData):
            let hash = try await resolve(selector)
            let name = await name(hash)
            try await session.remove(hash, deleteData: deleteData)
            return .done(message: deleteData ? "removed \(name) and deleted its data" : "removed \(name) (its data is kept)")
        case .limit(let selector, let download, let upload):
            return .done(message: try await limit(selector, download: download, upload: upload))
        case .setPriority(let selector, let priority):
            let hash = try await resolve(selector)
            try await session.setPriority(priority, of: hash)
            return .done(message: "\(await name(hash)): priority \(priority.label)")
        case .setFilePriority(let selector, let file, let priority):
            let hash = try await resolve(selector)
            guard let torrent = await session.torrent(for: hash) else { throw Session.ControlError.noSuchTorrent(selector) }
            try await torrent.setPriority(priority, ofFile: file)
            return .done(message: "\(await name(hash)): file \(file) priority \(priority.label)")
        case .setFilePriorities(let selector, let files, let priority):
            return .done(message: try await setFilePriorities(selector, files: files, priority: priority))
        case .files(let selector):
            return .files(try await files(selector))
        case .move(let selector, let directory):
            return .done(message: try await move(selector, to: directory))
        case .setTorrentOptions(let selector, let change):
            return .done(message: try await setOptions(change, of: selector))
        case .setSessionOptions(let change):
            return .done(message: try await setSessionOptions(change))
        case .shutdown:
            shutdownRequested()
            return .done(message: "the daemon is stopping")
        case .hello, .subscribe, .select:
            return .failure(message: "the server answers that itself")
        }
    }

    private func limit(_ selector: String?, download: RateLimitSetting?, upload: RateLimitSetting?) async throws -> String {
        guard let selector else {
            let current = await session.limits
            let newDownload = download.map(\.bytesPerSecond) ?? current.download
            let newUpload = upload.map(\.bytesPerSecond) ?? current.upload
            await session.setLimits(download: newDownload, upload: newUpload)
            return "all torrents: download \(RateText.limit(newDownload)), upload \(RateText.limit(newUpload))"
        }
        let hash = try await resolve(selector)
        guard let torrent = await session.torrent(for: hash) else { throw Session.ControlError.noSuchTorrent(selector) }
        var settings = await torrent.currentSettings()
        if let download { settings.downloadLimit = download.bytesPerSecond }
        if let upload { settings.uploadLimit = upload.bytesPerSecond }
        if download != nil || upload != nil { try await session.apply(settings, to: hash) }
        return "\(torrent.metainfo.name): download \(RateText.limit(settings.downloadLimit)), upload \(RateText.limit(settings.uploadLimit))"
    }

    /// Every torrent in full, with the detail of `selected`: the answer to `list`.
    public func snapshot(selected: String?) async -> EngineSnapshot {
        let torrents = await session.snapshots()
        var detail: TorrentDetailSnapshot?
        var detailHash: InfoHash?
        if let selected, let hash = try? TorrentSelector.resolve(selected, in: torrents.map(Self.candidate)) {
            detail = await session.detail(of: hash)
            detailHash = hash
        }
        return EngineSnapshot(torrents: torrents, detail: detail, detailInfoHash: detailHash, summary: await summary())
    }

    /// Every torrent's list row and `selected` in full: the answer to `overview`, and what subscribers get.
    public func view(selected: String?, reusing rows: [TorrentListItem]?) async -> EngineView {
        let rows = if let rows { rows } else { await session.listItems() }
        var chosen: SelectedTorrent?
        if let selected, let hash = try? TorrentSelector.resolve(selected, in: rows.map(Self.candidate)) {
            if let torrent = await session.torrent(for: hash) {
                chosen = SelectedTorrent(snapshot: await torrent.snapshot(), detail: await torrent.detail())
            } else if let snapshot = await session.snapshot(of: hash) {
                chosen = SelectedTorrent(snapshot: snapshot, detail: nil)
            }
        }
        let restoring = restoreStatus?.total.map { RestoreProgress(listed: rows.count, total: $0) }
        return EngineView(rows: rows, selected: chosen, summary: await summary(), restoring: restoring)
    }

    /// While restoring, the end of the restore cuts the wait short: an attached UI shows the torrents
    /// ready at once, not up to an interval later.
    public func waitBeforeNextPush(_ interval: Duration) async throws {
        guard let restoreStatus, restoreStatus.total != nil else { return try await Task.sleep(for: interval) }
        let end = ContinuousClock.now + interval
        while ContinuousClock.now < end, restoreStatus.total != nil {
            try await Task.sleep(for: min(.milliseconds(20), end - ContinuousClock.now))
        }
    }

    private func summary() async -> EngineSummary {
        let limits = await session.limits
        var summary = EngineSummary(
            downloadLimit: limits.download, uploadLimit: limits.upload,
            freeDiskBytes: await session.freeSpace(at: downloadDirectory), listenPort: await session.listenPort,
            downloadDirectory: downloadDirectory.path)
        summary.dht = await session.dhtHealth()
        summary.options = await session.options
        return summary
    }

    /// Whether the request changes what the store keeps.
    static func changes(_ request: ControlRequest) -> Bool {
        switch request {
        case .list, .overview, .files, .shutdown, .hello, .subscribe, .select, .limit(_, nil, nil): false
        case .add, .pause, .resume, .recheck, .remove, .limit, .setPriority, .setFilePriority, .setFilePriorities, .move,
            .setTorrentOptions, .setSessionOptions:
            true
        }
    }

    func resolve(_ selector: String) async throws -> InfoHash {
        // A whole info-hash is looked up, not matched against every torrent's.
        if selector.utf8.count == 40, let hash = InfoHash(hex: selector.lowercased()), await session.contains(hash) { return hash }
        // So is a list position (as `TorrentSelector` reads one first).
        if !selector.isEmpty, selector.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let position = Int(selector),
            let hash = await session.infoHash(atPosition: position)
        {
            return hash
        }
        return try TorrentSelector.resolve(selector, in: await session.names().map(TorrentSelector.Candidate.init))
    }

    func name(_ hash: InfoHash) async -> String {
        await session.torrent(for: hash)?.metainfo.name ?? hash.hex
    }

    private static func candidate(_ snapshot: TorrentSnapshot) -> TorrentSelector.Candidate {
        TorrentSelector.Candidate(infoHash: snapshot.infoHash, name: snapshot.name)
    }

    private static func candidate(_ row: TorrentListItem) -> TorrentSelector.Candidate {
        TorrentSelector.Candidate(infoHash: row.infoHash, name: row.name)
    }
}

/// Rates as the command line shows them.
public enum RateText {
    public static func limit(_ bytesPerSecond: Double?) -> String {
        guard let rate = bytesPerSecond, rate > 0 else { return "unlimited" }
        return rate >= 1_048_576 ? String(format: "%.1f MiB/s", rate / 1048576) : String(format: "%.0f KiB/s", rate / 1024)
    }

    /// Parses a limit given on the command line: `0` or `none` for none; a number in KiB/s, or with a
    /// `K`, `M` or `G` suffix (KiB/s, MiB/s, GiB/s).
    public static func parseLimit(_ text: String) -> RateLimitSetting? {
        switch RateLimitInput.parse(text) {
        case .unlimited: .unlimited
        case .bytesPerSecond(let rate): .bytesPerSecond(rate)
        case nil: nil
        }
    }
}
