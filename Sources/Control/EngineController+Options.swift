import Engine
import Foundation
import TorrentModel

/// The requests beyond pause and resume: files, moving data, per-torrent and session options.
extension EngineController {
    /// A request value the daemon refuses (the command line checks them first; other clients may not).
    struct BadValue: Error, CustomStringConvertible {
        var description: String
    }

    func setFilePriorities(_ selector: String, files: [Int], priority: FilePriority) async throws -> String {
        guard !files.isEmpty else { throw BadValue(description: "no file numbers given") }
        let torrent = try await existingTorrent(selector)
        try await torrent.setPriority(priority, ofFiles: files)
        let numbers = files.map(String.init).joined(separator: ", ")
        return "\(torrent.metainfo.name): \(files.count == 1 ? "file" : "files") \(numbers) \(priority.label)"
    }

    func files(_ selector: String) async throws -> TorrentFileList {
        let torrent = try await existingTorrent(selector)
        let detail = await torrent.detail()
        return TorrentFileList(
            infoHash: torrent.infoHash, name: torrent.metainfo.name, directory: torrent.storage.directory.path,
            files: detail.files)
    }

    func move(_ selector: String, to directory: String) async throws -> String {
        guard directory.hasPrefix("/") else { throw BadValue(description: "the new directory must be an absolute path") }
        let target = URL(fileURLWithPath: directory).standardizedFileURL
        let hash = try await resolve(selector)
        if await session.torrent(for: hash) == nil, let fetch = await session.metadataFetch(for: hash) {
            let name = await session.snapshot(of: hash)?.name ?? hash.hex
            guard target.path != (await fetch.directory).standardizedFileURL.path else { return "\(name) already goes to \(target.path)" }
            try await session.move(hash, to: target)
            return "\(name) will be saved in \(target.path) (its metadata is still coming)"
        }
        let torrent = try await existingTorrent(selector)
        guard target.path != torrent.storage.directory.standardizedFileURL.path else {
            return "\(torrent.metainfo.name) is already in \(target.path)"
        }
        try await session.move(torrent.infoHash, to: target)
        return "moved \(torrent.metainfo.name) to \(target.path)"
    }

    func setOptions(_ change: TorrentOptionsChange, of selector: String) async throws -> String {
        let torrent = try await existingTorrent(selector)
        var settings = await torrent.currentSettings()
        if let sequential = change.sequential { settings.sequential = sequential }
        if let firstLast = change.firstAndLastPiecesFirst { settings.firstAndLastPiecesFirst = firstLast }
        if let ratio = change.seedRatioLimit {
            settings.seedRatioLimit = ratio == .unlimited ? TorrentSettings.noSeedLimit : try Self.checkedRatio(ratio)
        }
        if let time = change.seedTimeLimit {
            settings.seedTimeLimit = time == .unlimited ? TorrentSettings.noSeedLimit : try Self.checkedSeconds(time)
        }
        if let peers = change.maxPeers { settings.maxPeers = try Self.checkedCount(peers, "peers", minimum: 1) }
        if !change.isEmpty { try await session.apply(settings, to: torrent.infoHash) }
        return "\(torrent.metainfo.name): " + OptionsText.torrent(settings, session: await session.options)
    }

    func setSessionOptions(_ change: SessionOptionsChange) async throws -> String {
        var options = await session.options
        if let ratio = change.seedRatioLimit { options.seedRatioLimit = try Self.checkedRatio(ratio) }
        if let time = change.seedTimeLimit { options.seedTimeLimit = try Self.checkedSeconds(time) }
        if let connections = change.maxConnections {
            options.maxConnections = try Self.checkedCount(connections, "connections", minimum: 1) ?? Self.builtInMaxConnections
        }
        if let peers = change.maxPeersPerTorrent {
            options.maxPeersPerTorrent = try Self.checkedCount(peers, "peers per torrent", minimum: 1) ?? Self.builtInMaxPeers
        }
        if let downloads = change.maxActiveDownloads {
            options.maxActiveDownloads = try Self.checkedCount(downloads, "active downloads", minimum: 0)
        }
        if let seeds = change.maxActiveSeeds { options.maxActiveSeeds = try Self.checkedCount(seeds, "active seeds", minimum: 0) }
        if change != SessionOptionsChange() { await session.setOptions(options) }
        return "all torrents: " + OptionsText.session(options)
    }

    /// What a cleared connection limit goes back to: `SessionConfiguration`'s and `TorrentConfiguration`'s own.
    static let builtInMaxConnections = SessionConfiguration().maxConnections
    static let builtInMaxPeers = TorrentConfiguration().maxPeers

    private func existingTorrent(_ selector: String) async throws -> Torrent {
        let hash = try await resolve(selector)
        if let torrent = await session.torrent(for: hash) { return torrent }
        if await session.metadataFetch(for: hash) != nil {
            throw Session.ControlError.noMetadataYet(await session.snapshot(of: hash)?.name ?? hash.hex)
        }
        throw Session.ControlError.noSuchTorrent(selector)
    }

    private static func checkedRatio(_ setting: NumberSetting) throws -> Double? {
        guard let ratio = setting.value else { return nil }
        guard ratio.isFinite, ratio >= 0 else { throw BadValue(description: "a seed ratio must be a number from 0 up") }
        return ratio
    }

    private static func checkedSeconds(_ setting: NumberSetting) throws -> Double? {
        guard let seconds = setting.value else { return nil }
        guard seconds.isFinite, seconds >= 0 else { throw BadValue(description: "a seeding time must be from 0 up") }
        return seconds
    }

    private static func checkedCount(_ setting: NumberSetting, _ what: String, minimum: Int) throws -> Int? {
        guard let value = setting.value else { return nil }
        guard value.isFinite, value == value.rounded(), value >= Double(minimum), value <= 1_000_000 else {
            throw BadValue(description: "\(what) must be a whole number from \(minimum) up")
        }
        return Int(value)
    }
}

/// Options as the command line shows them.
public enum OptionsText {
    public static func torrent(_ settings: TorrentSettings, session: Session.Options) -> String {
        func own<T>(_ value: T?, _ fallback: T?, _ text: (T?) -> String) -> String {
            value != nil ? text(value) : text(fallback) + " (all torrents')"
        }
        return [
            "sequential \(settings.sequential ? "on" : "off")",
            "first and last pieces first \(settings.firstAndLastPiecesFirst ? "on" : "off")",
            "seed ratio " + own(settings.seedRatioLimit, session.seedRatioLimit, ratio),
            "seed time " + own(settings.seedTimeLimit, session.seedTimeLimit, minutes),
            "peers " + own(settings.maxPeers, session.maxPeersPerTorrent) { "\($0 ?? 0)" },
        ].joined(separator: ", ")
    }

    public static func session(_ options: Session.Options) -> String {
        func count(_ value: Int?) -> String { value.map(String.init) ?? "unlimited" }
        return [
            "seed ratio \(ratio(options.seedRatioLimit))", "seed time \(minutes(options.seedTimeLimit))",
            "connections \(options.maxConnections)", "peers per torrent \(options.maxPeersPerTorrent)",
            "active downloads \(count(options.maxActiveDownloads))", "active seeds \(count(options.maxActiveSeeds))",
        ].joined(separator: ", ")
    }

    static func ratio(_ value: Double?) -> String {
        guard let value, value >= 0 else { return "none" }
        return String(format: "%.2f", value)
    }

    static func minutes(_ seconds: Double?) -> String {
        guard let seconds, seconds >= 0 else { return "none" }
        return String(format: "%.0f min", seconds / 60)
    }
}
