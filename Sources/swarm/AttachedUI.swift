import Control
import Engine
import Foundation
import NIOConcurrencyHelpers
import TerminalUI
import TorrentModel

/// The UI's data from a daemon: the latest snapshot its subscription pushed, turned into rows and detail by
/// the same adapter the in-process UI uses.
final class DaemonFeed: SnapshotSource, Sendable {
    private let client: ControlClient
    private let state = NIOLockedValueBox(State())

    private struct State {
        var latest: EngineSnapshot?
        var selected: String?
        /// Why the subscription ended (the daemon stopped or went away); nil while it runs.
        var ended: String?
    }

    init(client: ControlClient, interval: Duration) {
        self.client = client
        let stream = client.subscribe(intervalMilliseconds: Int(interval / .milliseconds(1)), selected: nil)
        Task { [state] in
            do {
                for try await snapshot in stream { state.withLockedValue { $0.latest = snapshot } }
                state.withLockedValue { $0.ended = "the daemon closed the connection" }
            } catch {
                state.withLockedValue { $0.ended = "\(error)" }
            }
        }
    }

    /// Why the daemon is gone, once it is.
    var ended: String? { state.withLockedValue { $0.ended } }

    func update(selected: TorrentID?) async -> SwarmUpdate {
        let (snapshot, changed) = state.withLockedValue { state -> (EngineSnapshot?, Bool) in
            let changed = state.selected != selected?.rawValue
            state.selected = selected?.rawValue
            return (state.latest, changed)
        }
        if changed { client.select(selected?.rawValue) }
        guard let snapshot else { return SwarmUpdate(rows: []) }
        var summary = SessionSummary(
            downloadLimit: snapshot.summary.downloadLimit, uploadLimit: snapshot.summary.uploadLimit,
            freeDiskBytes: snapshot.summary.freeDiskBytes, listenPort: snapshot.summary.listenPort)
        if let dht = snapshot.summary.dht {
            summary.dhtNodes = dht.nodes
            summary.dht = dht
        }
        let feed = SnapshotFeed(
            summary: { [summary] in summary },
            details: { hash in snapshot.detailInfoHash == hash ? snapshot.detail : nil },
            snapshots: { snapshot.torrents })
        return await feed.update(selected: selected)
    }
}

/// The UI's commands, sent to the daemon.
struct DaemonCommands: CommandSink {
    let client: ControlClient
    /// Where torrents added from the UI go; nil for the daemon's download directory.
    let downloadDirectory: String?

    func perform(_ command: UICommand) async -> String? {
        let request: ControlRequest
        switch command {
        case .pause(let id): request = .pause(torrent: id.rawValue)
        case .resume(let id): request = .resume(torrent: id.rawValue)
        case .remove(let id, let deleteData): request = .remove(torrent: id.rawValue, deleteData: deleteData)
        case .recheck(let id): request = .recheck(torrent: id.rawValue)
        case .setPriority(let id, let priority): request = .setPriority(torrent: id.rawValue, priority: priority)
        case .setFilePriority(let id, let index, let priority):
            request = .setFilePriority(torrent: id.rawValue, file: index, priority: priority)
        case .add(.torrentFile(let path), let paused, _, let directory):
            guard let data = FileManager.default.contents(atPath: path) else { return "cannot read \(path)" }
            request = .add(source: .torrent(data), directory: directory.map(TypedPath.absolute) ?? downloadDirectory, paused: paused)
        case .add(.magnet(let link), let paused, let stopAfterMetadata, let directory):
            request = .add(
                source: .magnet(link), directory: directory.map(TypedPath.absolute) ?? downloadDirectory, paused: paused,
                stopAfterMetadata: stopAfterMetadata ? true : nil)
        case .setSequential(let id, let on):
            request = .setTorrentOptions(torrent: id.rawValue, change: TorrentOptionsChange(sequential: on))
        case .setFirstAndLastPiecesFirst(let id, let on):
            request = .setTorrentOptions(torrent: id.rawValue, change: TorrentOptionsChange(firstAndLastPiecesFirst: on))
        case .setRateLimits(let id, let download, let upload):
            func setting(_ rate: Double?) -> RateLimitSetting { rate.map { .bytesPerSecond($0) } ?? .unlimited }
            request = .limit(torrent: id?.rawValue, download: setting(download), upload: setting(upload))
        case .setSessionOptions(let edits):
            func setting(_ option: SessionOption) -> NumberSetting? {
                switch edits[option] {
                case .value(let number)?: .value(number)
                case .cleared?: .cleared
                case nil: nil
                }
            }
            request = .setSessionOptions(change: SessionOptionsChange(
                seedRatioLimit: setting(.seedRatio), seedTimeLimit: setting(.seedTime), maxConnections: setting(.maxConnections),
                maxPeersPerTorrent: setting(.maxPeers), maxActiveDownloads: setting(.maxActiveDownloads),
                maxActiveSeeds: setting(.maxActiveSeeds)))
        case .setSeedLimits(let id, let ratio, let seconds):
            request = .setTorrentOptions(torrent: id.rawValue, change: TorrentOptionsChange(
                seedRatioLimit: ratio.map { .value($0) } ?? .cleared, seedTimeLimit: seconds.map { .value($0) } ?? .cleared))
        case .move(let id, let directory):
            request = .move(torrent: id.rawValue, directory: TypedPath.absolute(directory))
        case .quit, .detach:
            return nil
        }
        do {
            try await client.send(request)
            return nil
        } catch {
            return "\(error)"
        }
    }
}
