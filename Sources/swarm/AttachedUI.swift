import Control
import Engine
import Foundation
import NIOConcurrencyHelpers
import TerminalUI
import TorrentModel

/// The UI's data from a daemon: the view its subscription keeps up to date (the daemon pushes what
/// changed), turned into the UI's rows and detail.
final class DaemonFeed: SnapshotSource, Sendable {
    private let client: ControlClient
    private let state = NIOLockedValueBox(State())

    private struct State {
        var latest: EngineView?
        var selected: String?
        /// Why the subscription ended (the daemon stopped or went away); nil while it runs.
        var ended: String?
    }

    init(client: ControlClient, interval: Duration) {
        self.client = client
        let stream = client.subscribe(intervalMilliseconds: Int(interval / .milliseconds(1)), selected: nil)
        Task { [state] in
            do {
                for try await view in stream { state.withLockedValue { $0.latest = view } }
                state.withLockedValue { $0.ended = "the daemon closed the connection" }
            } catch {
                state.withLockedValue { $0.ended = "\(error)" }
            }
        }
    }

    /// Why the daemon is gone, once it is.
    var ended: String? { state.withLockedValue { $0.ended } }

    func update(selected: TorrentID?) async -> SwarmUpdate {
        let (view, changed) = state.withLockedValue { state -> (EngineView?, Bool) in
            let changed = state.selected != selected?.rawValue
            state.selected = selected?.rawValue
            return (state.latest, changed)
        }
        if changed { client.select(selected?.rawValue) }
        guard let view else { return SwarmUpdate(rows: []) }
        return SwarmUpdate(view, selected: selected)
    }
}

extension SwarmUpdate {
    /// The UI's rows, detail and header from a daemon's view.
    init(_ view: EngineView, selected: TorrentID?) {
        var summary = SessionSummary(
            downloadLimit: view.summary.downloadLimit, uploadLimit: view.summary.uploadLimit,
            freeDiskBytes: view.summary.freeDiskBytes, listenPort: view.summary.listenPort)
        summary.options = view.summary.options
        summary.restoring = view.restoring
        if let dht = view.summary.dht {
            summary.dhtNodes = dht.nodes
            summary.dht = dht
        }
        let rows = view.rows.enumerated().map { TorrentRow($1, number: $0 + 1) }
        var detail: TorrentDetail?
        if let chosen = view.selected, TorrentID(chosen.snapshot.infoHash) == selected {
            detail = TorrentDetail(chosen.snapshot, extra: chosen.detail)
        }
        self.init(rows: rows, detail: detail, summary: summary)
    }
}

extension TorrentRow {
    init(_ item: TorrentListItem, number: Int) {
        self.init(
            id: TorrentID(item.infoHash), name: item.name, number: number, size: item.wantedLength, bytesDone: item.bytesHaveWanted,
            state: TorrentState(item.activity), downloadRate: item.downloadRate, uploadRate: item.uploadRate,
            downloaded: item.downloaded, uploaded: item.uploaded, seedsConnected: item.seedsConnected,
            peersConnected: item.peersConnected, seedsKnown: item.seedsKnown, peersKnown: item.peersKnown,
            priority: item.priority, awaitingMetadata: item.pieceCount == 0)
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
                seedRatioLimit: NumberSetting(seedLimit: ratio), seedTimeLimit: NumberSetting(seedLimit: seconds)))
        case .setMaxPeers(let id, let peers):
            request = .setTorrentOptions(
                torrent: id.rawValue, change: TorrentOptionsChange(maxPeers: peers.map { .value(Double($0)) } ?? .cleared))
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

extension NumberSetting {
    /// A torrent's seeding limit as the UI holds it: nil for all torrents', `noSeedLimit` for none.
    init(seedLimit: Double?) {
        guard let seedLimit else {
            self = .cleared
            return
        }
        self = seedLimit < 0 ? .unlimited : .value(seedLimit)
    }
}
