import ArgumentParser
import Control
import Foundation

/// `swarm set [<torrent>] [options]`: a torrent's order and seeding options, or every torrent's limits.
struct SetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Show or change a torrent's options, or those of all torrents.",
        discussion: """
            With a torrent: --sequential, --first-last, --seed-ratio, --seed-time, --max-peers (default: back to \
            all torrents' value; none: no seeding limit for this one). Without: --seed-ratio, --seed-time, --max-peers, --max-connections, \
            --max-active-downloads, --max-active-seeds (none: no limit). A torrent's options are saved with it; \
            those of all torrents too, until set again or changed in config.toml (the newer wins). Without options: \
            shows them.
            """)

    @Option(name: .long, help: "on or off: download pieces in order (to play while downloading).")
    var sequential: String?

    @Option(name: .long, help: "on or off: the first and last pieces of each file first (for previews).")
    var firstLast: String?

    @Option(name: .long, help: "Stop seeding at this upload/size ratio.")
    var seedRatio: String?

    @Option(name: .long, help: "Stop seeding after this many minutes.")
    var seedTime: String?

    @Option(name: .long, help: "Connected peers per torrent at most.")
    var maxPeers: String?

    @Option(name: .long, help: "Peer connections of all torrents together at most.")
    var maxConnections: String?

    @Option(name: .long, help: "Torrents downloading at once; the others wait, Queued.")
    var maxActiveDownloads: String?

    @Option(name: .long, help: "Torrents seeding at once; the others wait, Queued.")
    var maxActiveSeeds: String?

    @Argument(help: "A torrent (info-hash, number or name); none: the options of all torrents.")
    var torrent: String?

    @OptionGroup var state: StateOptions

    func validate() throws { _ = try request() }

    func run() async throws { try await perform(try request(), state) }

    private func request() throws -> ControlRequest {
        let clearWord = torrent == nil ? "none" : "default"
        /// `seedLimit`: a torrent's seeding limit also takes `none` (no limit, whatever all torrents' is).
        func number(
            _ flag: String, _ text: String?, scale: Double = 1, whole: Bool = false, minimum: Double = 0, seedLimit: Bool = false
        ) throws -> NumberSetting? {
            guard let text else { return nil }
            if text.lowercased() == clearWord { return .cleared }
            let takesNone = seedLimit && torrent != nil
            if takesNone && text.lowercased() == "none" { return .unlimited }
            guard let value = Double(text), value.isFinite, value >= minimum, !whole || value == value.rounded() else {
                let kind = whole ? "a whole number from \(Int(minimum))" : "a number from \(Int(minimum))"
                throw failure("\(flag) \(text): give \(kind) up, \(takesNone ? "none or " : "or ")\(clearWord)")
            }
            return .value(value * scale)
        }
        func toggle(_ flag: String, _ text: String?) throws -> Bool? {
            guard let text else { return nil }
            switch text.lowercased() {
            case "on", "yes", "true", "1": return true
            case "off", "no", "false", "0": return false
            default: throw failure("\(flag) \(text): give on or off")
            }
        }
        let ratio = try number("--seed-ratio", seedRatio, seedLimit: true)
        let time = try number("--seed-time", seedTime, scale: 60, seedLimit: true)
        let peers = try number("--max-peers", maxPeers, whole: true, minimum: 1)
        guard let torrent else {
            for (flag, value) in [("--sequential", sequential), ("--first-last", firstLast)] where value != nil {
                throw failure("\(flag) is an option of one torrent: name it (swarm set <torrent> \(flag) on)")
            }
            return .setSessionOptions(change: SessionOptionsChange(
                seedRatioLimit: ratio, seedTimeLimit: time,
                maxConnections: try number("--max-connections", maxConnections, whole: true, minimum: 1),
                maxPeersPerTorrent: peers,
                maxActiveDownloads: try number("--max-active-downloads", maxActiveDownloads, whole: true),
                maxActiveSeeds: try number("--max-active-seeds", maxActiveSeeds, whole: true)))
        }
        for (flag, value) in [
            ("--max-connections", maxConnections), ("--max-active-downloads", maxActiveDownloads), ("--max-active-seeds", maxActiveSeeds),
        ] where value != nil {
            throw failure("\(flag) applies to all torrents: leave out the torrent")
        }
        return .setTorrentOptions(torrent: torrent, change: TorrentOptionsChange(
            sequential: try toggle("--sequential", sequential), firstAndLastPiecesFirst: try toggle("--first-last", firstLast),
            seedRatioLimit: ratio, seedTimeLimit: time, maxPeers: peers))
    }
}
