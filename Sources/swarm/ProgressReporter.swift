import Control
import Engine
import Foundation
import TorrentModel

/// Shows a torrent's progress: one refreshing line on a terminal, a line every few seconds otherwise,
/// or one JSON object per line on stdout with `--json`.
struct ProgressReporter {
    let json: Bool
    /// How often a JSON progress line goes out.
    let jsonInterval: Duration
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private var lastLine = ContinuousClock.now - .seconds(60)
    private var lastProgress = ContinuousClock.now - .seconds(60)

    init(json: Bool, jsonInterval: Duration = .seconds(1)) {
        self.json = json
        self.jsonInterval = jsonInterval
    }

    /// Callers may report often (events such as "complete" go out at once, so their time is exact);
    /// progress goes out at most once per `jsonInterval` as JSON and four times a second on a terminal.
    mutating func report(_ s: TorrentSnapshot, event: String = "progress") {
        if event == "progress" {
            let now = ContinuousClock.now
            guard now - lastProgress >= (json ? jsonInterval : .milliseconds(250)) else { return }
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

    /// One JSON object: the torrent's totals, its peers and its trackers.
    static func json(_ s: TorrentSnapshot, event: String) -> String {
        var object = JSONObjectWriter()
        object.add("event", event)
        object.add("name", s.name)
        object.add("info_hash", s.infoHash.hex)
        object.add("state", s.activity.label.lowercased())
        object.add("progress", (Self.progress(s) * 10000).rounded() / 10000)
        object.add("pieces", s.piecesHave)
        object.add("piece_count", s.pieceCount)
        object.add("bytes_have", s.bytesHave)
        object.add("total", s.totalLength)
        object.add("download_rate", Int(s.downloadRate))
        object.add("upload_rate", Int(s.uploadRate))
        object.add("downloaded", s.downloaded)
        object.add("uploaded", s.uploaded)
        object.add("wasted", s.wasted)
        object.add("hash_failures", s.hashFailures)
        object.add("known_peers", s.knownPeers)
        object.add("banned_peers", s.bannedPeers)
        object.add("super_seeding", s.isSuperSeeding)
        object.add("peers", objects: s.peers) { p, row in
            row.add("address", p.address.description)
            row.add("client", p.client)
            row.add("incoming", p.isIncoming)
            row.add("download_rate", Int(p.downloadRate))
            row.add("upload_rate", Int(p.uploadRate))
            row.add("downloaded", p.downloaded)
            row.add("uploaded", p.uploaded)
            row.add("progress", (p.progress * 1000).rounded() / 1000)
            row.add("source", p.source.rawValue)
        }
        object.add("trackers", objects: s.trackers) { t, row in
            row.add("url", t.url)
            row.add("tier", t.tier)
            row.add("state", "\(t.state)")
            if let seeders = t.seeders { row.add("seeders", seeders) }
            if let leechers = t.leechers { row.add("leechers", leechers) }
            if let error = t.lastError { row.add("error", error) }
            if let warning = t.lastWarning { row.add("warning", warning) }
        }
        if case .error(let message) = s.activity { object.add("error", message) }
        if let status = s.status { object.add("status", status) }
        return object.text
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
