import ArgumentParser
import Engine
import Foundation
import Logging
import TorrentModel

/// Options shared by `download` and `seed`.
struct TransferOptions: ParsableArguments {
    @Argument(help: "The .torrent file (or, to download, a magnet link).")
    var torrent: String

    @Option(name: .long, help: "Directory that holds (or will hold) the data.")
    var dir: String

    @OptionGroup var listen: ListenOptions

    @Option(name: .long, parsing: .singleValue, help: "A peer to connect to, as IP:PORT (repeatable).")
    var peer: [String] = []

    @Flag(name: .long, help: "Write one JSON object per line on stdout instead of progress on stderr.")
    var json = false

    @Option(
        name: .long,
        help: ArgumentHelp("Seconds between two progress lines with --json (events such as complete go out at once).",
                           valueName: "seconds"))
    var jsonInterval = 1.0

    @Option(name: .long, help: ArgumentHelp("Upload limit in KiB/s (0: none).", valueName: "KiB/s"))
    var uploadLimit = 0

    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Experiment knob for benchmarks, not for real use: never unchoke anyone (a free rider).",
            visibility: .hidden))
    var freeRide = false

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Experiment knob for benchmarks: start the session (listening, threads) now and add the torrent at this Unix time, as the interop claims harness does with its libtorrent peers.",
            valueName: "unix-time", visibility: .hidden))
    var startAt: Double?

    func validate() throws {
        guard uploadLimit >= 0 else { throw ValidationError("--upload-limit must not be negative") }
        if let startAt, !startAt.isFinite || abs(startAt - Date().timeIntervalSince1970) > 3600 {
            throw ValidationError("--start-at must be a Unix time within an hour of now")
        }
        guard jsonInterval >= 0.01, jsonInterval <= 3600 else {
            throw ValidationError("--json-interval must be between 0.01 and 3600 seconds")
        }
        for text in peer where PeerAddress(text) == nil {
            throw ValidationError("--peer '\(text)' is not IP:PORT")
        }
    }

    /// Reads and validates the torrent file, or fails with one line.
    func loadMetainfo() throws -> Metainfo {
        if isMagnet { throw failure("this command needs a .torrent file, not a magnet link") }
        guard let data = FileManager.default.contents(atPath: torrent) else {
            throw failure("cannot read \(torrent)")
        }
        do {
            return try Metainfo(bytes: data)
        } catch {
            throw failure("\(torrent): \(error)")
        }
    }

    /// Whether the argument is a magnet link rather than a file.
    var isMagnet: Bool { torrent.lowercased().hasPrefix("magnet:") }

    /// Parses the magnet link, or fails with one line.
    func loadMagnet() throws -> MagnetLink {
        do {
            return try MagnetLink(parsing: torrent)
        } catch {
            throw failure("\(error)")
        }
    }

    /// Starts a session that fetches a magnet link's metadata and then downloads, or fails with one line.
    func startSession(magnet link: MagnetLink, stopAfterMetadata: Bool) async throws -> Session {
        let session = makeSession()
        do {
            try await session.start()
            try await session.addMagnet(
                link, directory: URL(fileURLWithPath: dir), stopAfterMetadata: stopAfterMetadata)
            await session.metadataFetch(for: link.infoHash)?.addPeers(peer.compactMap(PeerAddress.init), source: .manual)
            return session
        } catch {
            await session.shutdown()
            throw failure("\(error)")
        }
    }

    /// Starts a session with one torrent, or fails with one line.
    func startSession(_ metainfo: Metainfo, superSeeding: Bool = false) async throws -> (Session, Torrent) {
        let session = makeSession(superSeeding: superSeeding)
        do {
            try await session.start()
            if let startAt {
                let wait = Date(timeIntervalSince1970: startAt).timeIntervalSinceNow
                if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
            }
            let torrent = try await session.add(metainfo, directory: URL(fileURLWithPath: dir))
            await torrent.addPeers(peer.compactMap(PeerAddress.init), source: .manual)
            return (session, torrent)
        } catch {
            await session.shutdown()
            throw failure("\(error)")
        }
    }

    private func makeSession(superSeeding: Bool = false) -> Session {
        var configuration = listen.sessionConfiguration
        configuration.torrent = TorrentConfiguration()
        configuration.torrent.uploadRateLimit = uploadLimit > 0 ? Double(uploadLimit) * 1024 : nil
        configuration.torrent.superSeeding = superSeeding
        configuration.torrent.freeRide = freeRide
        var logger = Logger(label: "swarm")
        logger.logLevel = ProcessInfo.processInfo.environment["SWARM_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return Session(configuration: configuration, logger: logger)
    }
}
