import ArgumentParser
import CursesTerminal
import Engine
import Foundation
import Logging
import TerminalUI
import TorrentModel

/// `swarm [file.torrent or magnet ...]`: the full-screen UI on the saved torrents plus the given ones.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the full-screen UI with the saved torrents and these (the default command).")

    @Argument(help: "Torrent files to download or seed, or magnet links.")
    var torrents: [String] = []

    @Option(name: .long, help: "Download directory (default: the config file's, else ~/Downloads).")
    var dir: String?

    @OptionGroup var listen: ListenOptions

    @Option(help: "UI theme name (dark, light, 16color) or path to a .theme file.")
    var theme: String?

    @Option(name: .long, help: "Where the torrents are kept (default: $SWARM_HOME, else $XDG_DATA_HOME/swarm).")
    var stateDir: String?

    @Option(name: .long, help: "Configuration file (default: $XDG_CONFIG_HOME/swarm/config.toml).")
    var config: String?

    @Flag(name: .long, help: ArgumentHelp("Run the engine without the UI until SIGINT or SIGTERM (for tests).", visibility: .hidden))
    var headless = false

    @Option(name: .long, help: ArgumentHelp("Seconds between saves of the session (for tests).", visibility: .hidden))
    var saveInterval: Double = 10

    func validate() throws {
        guard saveInterval > 0, saveInterval <= 3600 else { throw ValidationError("--save-interval must be from 0 to 3600") }
    }

    @MainActor
    func run() async throws {
        let signals = SignalWatcher()
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
        var logger = Logger(label: "swarm")
        if headless {
            logger.logLevel = ProcessInfo.processInfo.environment["SWARM_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        } else {
            // Nothing may write to the terminal behind curses' back: the UI shows what matters.
            logger = Logger(label: "swarm", factory: { _ in SwiftLogNoOpLogHandler() })
        }
        let engine: RunningEngine
        do {
            engine = try await EngineSetup.start(EngineOptions(
                stateDirectory: stateDir, configFile: config, downloadDirectory: dir, listenPort: listen.port,
                bindHost: listen.bind, dht: listen.dht.settings, dhtDisabledByFlag: listen.dht.noDHT,
                saveInterval: .seconds(saveInterval), logger: logger))
        } catch {
            throw failure("\(error)")
        }
        let session = engine.session
        let directory = engine.downloadDirectory
        let keys: KeyBindings
        do {
            keys = try KeyBindings(overrides: engine.config.keyBindings)
        } catch {
            await engine.shutdown()
            throw failure("\(engine.config.keyError(action: error.action, error.description))")
        }
        for metainfo in metainfos where await session.torrent(for: metainfo.infoHash) == nil {
            do {
                _ = try await session.add(metainfo, directory: directory)
            } catch {
                await engine.shutdown()
                throw failure("\(error)")
            }
        }
        for link in links where await session.torrent(for: link.infoHash) == nil {
            guard await session.metadataFetch(for: link.infoHash) == nil else { continue }
            do {
                try await session.addMagnet(link, directory: directory)
            } catch {
                await engine.shutdown()
                throw failure("\(error)")
            }
        }
        var problem: String?
        if headless {
            while !signals.stopRequested { try? await Task.sleep(for: .milliseconds(100)) }
        } else {
            do {
                try await TerminalApp.run(
                    source: SnapshotFeed(
                        summary: { await SessionCommands.summary(of: session, downloadDirectory: directory) },
                        details: { await session.detail(of: $0) }) { await session.snapshots() },
                    commands: SessionCommands(session: session, downloadDirectory: directory),
                    options: TerminalOptions(
                        theme: theme ?? engine.config.theme, keys: keys, stopRequested: signals.stopCheck))
            } catch {
                problem = "\(error)"
            }
        }
        await engine.shutdown()
        if let problem { throw failure(problem) }
    }
}
