import Engine
import Foundation
import TorrentModel

/// Shows a torrent's progress: one refreshing line on a terminal, a line every few seconds otherwise,
/// or one JSON object per line on stdout with `--json`.
struct ProgressReporter {
    let json: Bool
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastLine = ContinuousClock.now - .seconds(60)
    private var lastProgress = ContinuousClock.now - .seconds(60)

    init(json: Bool) {
        self.json = json
    }

    /// Callers may report often (events such as "complete" go out at once, so their time is exact);
    /// progress goes out at most once a second as JSON and four times a second on a terminal.
    mutating func report(_ s: TorrentSnapshot, event: String = "progress") {
        if event == "progress" {
            let now = ContinuousClock.now
            guard now - lastProgress >= (json ? .seconds(1) : .milliseconds(250)) else { return }
            lastProgress = now
        }
        if json {
            FileHandle.standardOutput.write(Data((Self.json(s, event: event) + "\n").utf8))
            return
        }
        let line = String(
            format: "%@  %5.1f%%  %d/%d pieces  down %@/s  up %@/s  peers %d  %@",
            s.name.terminalSafe, Self.progress(s) * 100, s.piecesHave, s.pieceCount, ByteCount.format(s.downloadRate),
            ByteCount.format(s.uploadRate), s.peers.count,
            s.activity.label + (s.isSuperSeeding ? " (super-seeding)" : "") + (s.status.map { ": " + $0 } ?? ""))
        if isTerminal {
            FileHandle.standardError.write(Data("\r\u{1b}[K\(line)".utf8))
            if event != "progress" { FileHandle.standardError.write(Data("\n".utf8)) }
        } else if event != "progress" || ContinuousClock.now - lastLine >= .seconds(3) {
            lastLine = ContinuousClock.now
            FileHandle.standardError.write(Data("\(line)\n".utf8))
        }
    }

    /// Of the wanted bytes; while a magnet link's metadata is fetched, of the metadata.
    static func progress(_ s: TorrentSnapshot) -> Double {
        if case .fetchingMetadata(let fetched) = s.activity { return fetched }
        return s.progress
    }

    static func json(_ s: TorrentSnapshot, event: String) -> String {
        var object: [String: Any] = [
            "event": event, "name": s.name, "info_hash": s.infoHash.hex, "state": s.activity.label.lowercased(),
            "progress": (Self.progress(s) * 10000).rounded() / 10000, "pieces": s.piecesHave, "piece_count": s.pieceCount,
            "bytes_have": s.bytesHave, "total": s.totalLength, "download_rate": Int(s.downloadRate),
            "upload_rate": Int(s.uploadRate), "downloaded": s.downloaded, "uploaded": s.uploaded,
            "wasted": s.wasted, "hash_failures": s.hashFailures, "known_peers": s.knownPeers,
            "banned_peers": s.bannedPeers, "super_seeding": s.isSuperSeeding,
        ]
        object["peers"] = s.peers.map { p -> [String: Any] in
            [
                "address": p.address.description, "client": p.client, "incoming": p.isIncoming,
                "download_rate": Int(p.downloadRate), "upload_rate": Int(p.uploadRate),
                "downloaded": p.downloaded, "uploaded": p.uploaded, "progress": (p.progress * 1000).rounded() / 1000,
                "source": p.source.rawValue,
            ]
        }
        object["trackers"] = s.trackers.map { t -> [String: Any] in
            var row: [String: Any] = ["url": t.url, "tier": t.tier, "state": "\(t.state)"]
            if let seeders = t.seeders { row["seeders"] = seeders }
            if let leechers = t.leechers { row["leechers"] = leechers }
            if let error = t.lastError { row["error"] = error }
            if let warning = t.lastWarning { row["warning"] = warning }
            return row
        }
        if case .error(let message) = s.activity { object["error"] = message }
        if let status = s.status { object["status"] = status }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}

/// Byte counts in binary units with three significant digits.
enum ByteCount {
    static func format(_ value: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var v = value
        var unit = 0
        while v >= 1000 && unit < units.count - 1 {
            v /= 1024
            unit += 1
        }
        if unit == 0 { return "\(Int(v)) B" }
        let format = v >= 100 ? "%.0f %@" : v >= 10 ? "%.1f %@" : "%.2f %@"
        return String(format: format, v, units[unit])
    }
}
