import Engine
import Foundation
import TerminalUI
import TorrentModel

/// A path as typed in the UI: `~` is the home folder, relative paths start where swarm was started.
enum TypedPath {
    static func absolute(_ typed: String) -> String {
        let expanded = (typed as NSString).expandingTildeInPath
        return URL(fileURLWithPath: expanded).standardizedFileURL.path
    }
}

/// Carries out the UI's commands on the engine. What the engine cannot do yet gets a reason for the
/// status bar instead of silence.
struct SessionCommands: CommandSink {
    let session: Session
    /// Where torrents added from the UI are saved.
    let downloadDirectory: URL

    func perform(_ command: UICommand) async -> String? {
        do {
            switch command {
            case .pause(let id):
                try await session.pause(try hash(id))
            case .resume(let id):
                try await session.resume(try hash(id))
            case .add(.torrentFile(let path), let paused, _, let directory):
                guard let data = FileManager.default.contents(atPath: path) else { return "cannot read \(path)" }
                _ = try await session.add(try Metainfo(bytes: data), directory: folder(directory), paused: paused)
            case .add(.magnet(let text), let paused, let stopAfterMetadata, let directory):
                try await session.addMagnet(
                    try MagnetLink(parsing: text), directory: folder(directory), paused: paused, stopAfterMetadata: stopAfterMetadata)
            case .setSequential(let id, let on):
                try await changeSettings(id) { $0.sequential = on }
            case .setFirstAndLastPiecesFirst(let id, let on):
                try await changeSettings(id) { $0.firstAndLastPiecesFirst = on }
            case .setRateLimits(let id?, let download, let upload):
                try await changeSettings(id) {
                    $0.downloadLimit = download
                    $0.uploadLimit = upload
                }
            case .setSessionOptions(let edits):
                var options = await session.options
                for (option, edit) in edits {
                    let number: Double? = if case .value(let number) = edit { number } else { nil }
                    switch option {
                    case .seedRatio: options.seedRatioLimit = number
                    case .seedTime: options.seedTimeLimit = number
                    case .maxConnections: options.maxConnections = number.map { Int($0) } ?? SessionConfiguration().maxConnections
                    case .maxPeers: options.maxPeersPerTorrent = number.map { Int($0) } ?? TorrentConfiguration().maxPeers
                    case .maxActiveDownloads: options.maxActiveDownloads = number.map { Int($0) }
                    case .maxActiveSeeds: options.maxActiveSeeds = number.map { Int($0) }
                    }
                }
                await session.setOptions(options)
            case .setMaxPeers(let id, let peers):
                try await changeSettings(id) { $0.maxPeers = peers }
            case .setSeedLimits(let id, let ratio, let seconds):
                try await changeSettings(id) {
                    $0.seedRatioLimit = ratio
                    $0.seedTimeLimit = seconds
                }
            case .setRateLimits(nil, let download, let upload):
                await session.setLimits(download: download, upload: upload)
            case .move(let id, let directory):
                try await session.move(try hash(id), to: URL(fileURLWithPath: TypedPath.absolute(directory)))
            case .remove(let id, let deleteData):
                try await session.remove(try hash(id), deleteData: deleteData)
            case .setPriority(let id, let priority):
                try await session.setPriority(priority, of: try hash(id))
            case .setFilePriority(let id, let index, let priority):
                guard let torrent = await session.torrent(for: try hash(id)) else { return "that torrent is gone" }
                try await torrent.setPriority(priority, ofFile: index)
            case .recheck(let id):
                try await session.recheck(try hash(id))
            case .quit, .detach:
                break
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// A folder typed in the UI, else the download directory.
    private func folder(_ typed: String?) -> URL {
        typed.map { URL(fileURLWithPath: TypedPath.absolute($0)) } ?? downloadDirectory
    }

    private func changeSettings(_ id: TorrentID, _ change: (inout TorrentSettings) -> Void) async throws {
        let hash = try hash(id)
        guard let torrent = await session.torrent(for: hash) else { throw Session.ControlError.noSuchTorrent(id.rawValue) }
        var settings = await torrent.currentSettings()
        change(&settings)
        try await session.apply(settings, to: hash)
    }

    private func hash(_ id: TorrentID) throws -> InfoHash {
        guard let hash = InfoHash(hex: id.rawValue) else { throw Session.ControlError.noSuchTorrent(id.rawValue) }
        return hash
    }

    /// What the UI shows of the session as a whole: limits, port, free space where downloads go.
    static func summary(of session: Session, downloadDirectory: URL) async -> SessionSummary {
        let limits = await session.limits
        var summary = SessionSummary(
            downloadLimit: limits.download, uploadLimit: limits.upload,
            freeDiskBytes: await session.freeSpace(at: downloadDirectory), listenPort: await session.listenPort)
        if let dht = await session.dhtHealth() {
            summary.dhtNodes = dht.nodes
            summary.dht = dht
        }
        summary.options = await session.options
        return summary
    }
}
