import ArgumentParser
import CursesTerminal
import Engine
import Foundation
import Logging
import TerminalUI
import TorrentModel

/// `swarm [file.torrent ...]`: the full-screen UI with the given torrents.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the full-screen UI with these torrents (the default command).")

    @Argument(help: "Torrent files to download or seed, or magnet links.")
    var torrents: [String] = []

    @Option(name: .long, help: "Download directory (default: ~/Downloads).")
    var dir: String?

    @OptionGroup var listen: ListenOptions

    @Option(help: "UI theme name (dark, light, 16color) or path to a .theme file.")
    var theme: String?

    @MainActor
    func run() async throws {
        let signals = SignalWatcher()
        let directory = dir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent("Downloads")
        var metainfos: [Metainfo] = []
        var links: [MagnetLink] = []
        for path in torrents {
            if path.lowercased().hasPrefix("magnet:") {
                do { links.append(try MagnetLink(parsing: path)) } catch { throw failure("\(error)") }
                continue
            }
            guard let data = FileManager.default.contents(atPath: path) else { throw failure("cannot read \(path)") }
            do { metainfos.append(try Metainfo(bytes: data)) } catch { throw failure("\(path): \(error)") }
        }
        // Nothing may write to the terminal behind curses' back: the UI shows what matters.
        let quiet = Logger(label: "swarm", factory: { _ in SwiftLogNoOpLogHandler() })
        let session = Session(configuration: listen.sessionConfiguration, logger: quiet)
        do {
            try await session.start()
            for metainfo in metainfos { _ = try await session.add(metainfo, directory: directory) }
            for link in links { try await session.addMagnet(link, directory: directory) }
        } catch {
            await session.shutdown()
            throw failure("\(error)")
        }
        var problem: String?
        do {
            try await TerminalApp.run(
                source: SnapshotFeed(
                    summary: { await SessionCommands.summary(of: session, downloadDirectory: directory) },
                    details: { await session.detail(of: $0) }) { await session.snapshots() },
                commands: SessionCommands(session: session, downloadDirectory: directory),
                options: TerminalOptions(theme: theme, stopRequested: signals.stopCheck))
        } catch {
            problem = "\(error)"
        }
        await session.shutdown()
        if let problem { throw failure(problem) }
    }
}
