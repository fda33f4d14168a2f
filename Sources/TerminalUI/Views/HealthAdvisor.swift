/// One plain-language line about what helps or blocks a torrent.
public struct HealthNote: Sendable, Hashable {
    public enum Level: Sendable, Hashable {
        case good, warning, problem
    }

    public var level: Level
    public var text: String

    public var symbol: String {
        switch level {
        case .good: "✔"
        case .warning: "⚠"
        case .problem: "✖"
        }
    }

    public var role: ColorRole {
        switch level {
        case .good: .ok
        case .warning: .warning
        case .problem: .error
        }
    }
}

/// Explains why a torrent is fast or slow, from its row and detail alone.
public enum HealthAdvisor {
    public static func notes(_ row: TorrentRow, _ detail: TorrentDetail) -> [HealthNote] {
        var notes: [HealthNote] = []
        if case .error(let message) = row.state { notes.append(.init(level: .problem, text: "Stopped by an error: \(message)")) }
        if let disk = detail.diskError { notes.append(.init(level: .problem, text: "Disk error: \(disk)")) }
        if row.state.isPaused { notes.append(.init(level: .warning, text: "Paused: press p to resume.")) }
        if case .fetchingMetadata(let progress) = row.state {
            notes.append(.init(level: .warning, text: "Fetching metadata from peers (\(Units.percent(progress))): "
                + "the files and the size are known once it arrives."))
            if let status = detail.status { notes.append(.init(level: .warning, text: "Now: \(status).")) }
        }
        if row.isComplete {
            notes.append(seedingNote(detail))
        } else if !row.state.isPaused, !row.state.isError {
            notes += downloadNotes(detail)
        }
        notes += trackerNotes(detail.trackers)
        if detail.hashFailures > 0 {
            notes.append(.init(
                level: .warning,
                text: "\(plural(detail.hashFailures, "piece")) failed their hash check (\(Units.bytes(detail.wasted)) wasted)"
                    + (detail.bannedPeers > 0 ? "; \(plural(detail.bannedPeers, "peer")) banned for it." : ".")))
        }
        return notes
    }

    static func plural(_ n: Int, _ noun: String) -> String { "\(n) \(noun)" + (n == 1 ? "" : "s") }

    private static func seedingNote(_ detail: TorrentDetail) -> HealthNote {
        let uploading = detail.peers.filter { !$0.amChoking && $0.peerInterested }.count
        let wanting = detail.peers.filter { !$0.isSeed }.count
        if uploading > 0 { return .init(level: .good, text: "Complete; uploading to \(uploading) of \(detail.peers.count) peers.") }
        if wanting == 0 { return .init(level: .good, text: "Complete; no connected peer needs anything from us.") }
        return .init(level: .good, text: "Complete; \(wanting) connected peers may ask for pieces.")
    }

    private static func downloadNotes(_ detail: TorrentDetail) -> [HealthNote] {
        let peers = detail.peers
        guard !peers.isEmpty else {
            let known = detail.knownPeers
            return [.init(level: .problem, text: known > 0
                ? "No peers connected; \(known) known addresses are being tried."
                : "No peers connected and none known: waiting for a tracker, DHT or an incoming peer.")]
        }
        var notes: [HealthNote] = []
        let feeding = peers.filter { $0.amInterested && !$0.peerChoking }.count
        let useless = peers.filter { !$0.amInterested }.count
        if feeding > 0 {
            notes.append(.init(level: .good, text: "Downloading from \(feeding) of \(peers.count) peers"
                + (useless > 0 ? "; \(useless) have nothing we need yet." : ".")))
        } else if useless == peers.count {
            notes.append(.init(level: .problem, text: "None of the \(peers.count) connected peers has a piece we need."))
        } else {
            notes.append(.init(level: .warning,
                text: "Every peer with pieces we need is choking us: waiting for an unchoke (they upload to others first)."))
        }
        if let map = detail.pieces {
            let nobody = map.unavailableMissing
            if nobody > 0 {
                notes.append(.init(level: .problem,
                    text: "\(nobody) missing pieces are held by no connected peer: the download cannot finish until one joins."))
            }
            let single = map.singleSourceMissing
            if single > 0 {
                let holder = singleHolder(peers)
                notes.append(.init(level: .warning,
                    text: "\(single) missing pieces are held by only one connected peer\(holder): if it leaves, progress may stall."))
            }
        }
        return notes
    }

    /// " (address)" when exactly one connected peer is a seed.
    private static func singleHolder(_ peers: [PeerRow]) -> String {
        let seeds = peers.filter(\.isSeed)
        return seeds.count == 1 ? " (\(seeds[0].address))" : ""
    }

    private static func trackerNotes(_ trackers: [TrackerRow]) -> [HealthNote] {
        let failing = trackers.filter { $0.status == .failing }
        guard !failing.isEmpty else { return [] }
        let working = trackers.contains { $0.status == .working }
        return failing.prefix(3).map { tracker in
            let times = tracker.consecutiveFailures > 1 ? " \(tracker.consecutiveFailures) times" : ""
            let reason = tracker.lastError.map { ": \($0)" } ?? ""
            let tail = working ? " Another tracker is working." : (trackers.count > 1 ? " No tracker is working." : "")
            return HealthNote(level: working ? .warning : .problem,
                text: "Tracker \(tracker.url) failed\(times)\(reason).\(tail)")
        }
    }
}
