import ArgumentParser
import Engine
import Foundation

struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a torrent, verify it, then seed until the ratio is reached.",
        discussion: "Exits 0 only when every piece is verified on disk.")

    @OptionGroup var options: TransferOptions

    @Option(name: .long, help: "Keep seeding after completion until uploaded / size reaches this ratio.")
    var seedRatio: Double = 0

    func validate() throws {
        guard seedRatio >= 0 else { throw ValidationError("--seed-ratio must not be negative") }
    }

    func run() async throws {
        let metainfo = try options.loadMetainfo()
        let signals = SignalWatcher()
        let (session, torrent) = try await options.startSession(metainfo)
        var reporter = ProgressReporter(json: options.json)
        var announcedComplete = false
        var snapshot = await torrent.snapshot()
        while !signals.stopRequested {
            if signals.takeReannounceRequest() { await session.reannounceAll() }
            snapshot = await torrent.snapshot()
            if case .error = snapshot.activity { break }
            if snapshot.isFinished && !announcedComplete {
                announcedComplete = true
                reporter.report(snapshot, event: "complete")
            }
            if snapshot.isFinished && snapshot.ratio >= seedRatio { break }
            reporter.report(snapshot)
            try? await Task.sleep(for: .milliseconds(100))
        }
        snapshot = await torrent.snapshot()
        reporter.report(snapshot, event: "stopped")
        await session.shutdown()
        if case .error(let message) = snapshot.activity { throw failure(message) }
        guard snapshot.isFinished else { throw failure("interrupted before the download was complete", status: 1) }
    }
}
