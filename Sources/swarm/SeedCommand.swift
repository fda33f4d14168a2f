import ArgumentParser
import Engine
import Foundation

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Verify a torrent's data, then seed it until interrupted (SIGINT or SIGTERM).")

    @OptionGroup var options: TransferOptions

    @Flag(
        name: .long,
        help: "Super-seed (BEP 16): announce pieces one at a time, each to one peer, and offer a peer a new piece only once its last one has spread. For the first seed of a new torrent: it sends each piece about once.")
    var superSeed = false

    func run() async throws {
        let metainfo = try options.loadMetainfo()
        let signals = SignalWatcher()
        let (session, torrent) = try await options.startSession(metainfo, superSeeding: superSeed)
        var reporter = ProgressReporter(json: options.json, jsonInterval: .seconds(options.jsonInterval))
        let port = await session.listenPort
        var snapshot = await torrent.snapshot()
        reporter.report(snapshot, event: "ready")
        if !options.json { FileHandle.standardError.write(Data("seeding on port \(port)\n".utf8)) }
        while !signals.stopRequested {
            if signals.takeReannounceRequest() { await session.reannounceAll() }
            snapshot = await torrent.snapshot()
            if case .error = snapshot.activity { break }
            reporter.report(snapshot)
            try? await Task.sleep(for: .milliseconds(100))
        }
        snapshot = await torrent.snapshot()
        reporter.report(snapshot, event: "stopped")
        await session.shutdown()
        if case .error(let message) = snapshot.activity { throw failure(message) }
    }
}
