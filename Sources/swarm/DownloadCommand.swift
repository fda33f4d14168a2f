import ArgumentParser
import Engine
import Foundation
import TorrentModel

struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a torrent or a magnet link, verify it, then seed until the ratio is reached.",
        discussion: """
            Exits 0 only when every piece is verified on disk. A magnet link's metadata is fetched from its \
            trackers (tr), its peers (x.pe), the DHT and any --peer first; its file selection (so) is kept.
            """)

    @OptionGroup var options: TransferOptions

    @Option(name: .long, help: "Keep seeding after completion until uploaded / size reaches this ratio.")
    var seedRatio: Double = 0

    @Flag(
        name: .long,
        help: "For a magnet link: stop once the metadata is fetched, save it as <dir>/<name>.torrent and list the files.")
    var stopAfterMetadata = false

    func validate() throws {
        guard seedRatio >= 0 else { throw ValidationError("--seed-ratio must not be negative") }
        if stopAfterMetadata && !options.isMagnet {
            throw ValidationError("--stop-after-metadata is for magnet links: a .torrent file has its metadata")
        }
    }

    func run() async throws {
        let signals = SignalWatcher()
        let session: Session
        let hash: InfoHash
        if options.isMagnet {
            let link = try options.loadMagnet()
            session = try await options.startSession(magnet: link, stopAfterMetadata: stopAfterMetadata)
            hash = link.infoHash
        } else {
            let metainfo = try options.loadMetainfo()
            session = try await options.startSession(metainfo).0
            hash = metainfo.infoHash
        }
        var reporter = ProgressReporter(json: options.json, jsonInterval: .seconds(options.jsonInterval))
        var announcedComplete = false
        var snapshot = await session.snapshot(of: hash)
        while !signals.stopRequested, let current = snapshot {
            if signals.takeReannounceRequest() { await session.reannounceAll() }
            if case .error = current.activity { break }
            if stopAfterMetadata && current.pieceCount > 0 { break }
            if current.isFinished && !announcedComplete {
                announcedComplete = true
                reporter.report(current, event: "complete")
            }
            if current.isFinished && current.ratio >= seedRatio { break }
            reporter.report(current)
            if announcedComplete {
                try? await Task.sleep(for: .milliseconds(100))
            } else {
                await Self.waitUntilFinished(await session.torrent(for: hash), atMost: .milliseconds(100))
            }
            snapshot = await session.snapshot(of: hash)
        }
        snapshot = await session.snapshot(of: hash)
        let metainfo = await session.torrent(for: hash)?.metainfo
        await session.shutdown()
        guard let snapshot else { throw failure("the torrent is gone") }
        reporter.report(snapshot, event: "stopped")
        if case .error(let message) = snapshot.activity { throw failure(message) }
        if stopAfterMetadata {
            guard let metainfo else { throw failure("interrupted before the metadata was fetched", status: 1) }
            try saveMetadata(metainfo)
            return
        }
        guard snapshot.isFinished else { throw failure("interrupted before the download was complete", status: 1) }
    }

    /// Waits until the torrent finishes or `timeout` passes, so that `complete` goes out the moment the last
    /// piece is in place (a magnet link has no torrent until its metadata arrives).
    private static func waitUntilFinished(_ torrent: Torrent?, atMost timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await Task.sleep(for: timeout) }
            if let torrent { group.addTask { await torrent.untilFinished() } }
            await group.next()
            group.cancelAll()
        }
    }

    /// Writes the fetched metadata as a .torrent file next to the data and lists the files, so that the
    /// user can choose what to download.
    private func saveMetadata(_ metainfo: Metainfo) throws {
        let name = metainfo.name.replacingOccurrences(of: "/", with: "_")
        let url = URL(fileURLWithPath: options.dir).appendingPathComponent(name + ".torrent")
        do {
            try Data(metainfo.torrentFileBytes).write(to: url)
        } catch {
            throw failure("cannot write \(url.path): \(error)")
        }
        var lines = "metadata saved to \(url.path.terminalSafe)\n"
        for (index, file) in metainfo.files.enumerated() where !file.isPadding {
            lines += "  \(index)  \(file.displayPath.terminalSafe)  \(ByteFormat.both(file.length))\n"
        }
        FileHandle.standardError.write(Data(lines.utf8))
    }
}
