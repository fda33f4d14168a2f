import ArgumentParser
import Control
import CursesTerminal
import Engine
import Foundation
import Logging
import SwarmConfig
import TerminalUI
import TorrentModel

/// `swarm [file.torrent ...]`: the full-screen UI on the daemon's engine. Attaches to the running daemon,
/// or starts one in the background; the given torrents are added to it first. `Q` detaches (transfers go
/// on), `q` asks whether to stop the engine too.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the full-screen UI on the daemon (started when none runs), adding these torrents (the default command).")

    @Argument(help: "Torrent files to add.")
    var torrents: [String] = []

    @Option(name: .long, help: "Download directory for these torrents (default: the config file's, else ~/Downloads).")
    var dir: String?

    @OptionGroup var listen: ListenOptions

    @Option(help: "UI theme name (dark, light, 16color) or path to a .theme file.")
    var theme: String?

    @OptionGroup var state: StateOptions

    @Option(name: .long, help: "Configuration file (default: $XDG_CONFIG_HOME/swarm/config.toml).")
    var config: String?

    @Flag(name: .long, help: ArgumentHelp("Run the engine in this process without the UI until SIGINT or SIGTERM (for tests).", visibility: .hidden))
    var headless = false

    @Option(name: .long, help: ArgumentHelp("Seconds between saves of the session (for tests).", visibility: .hidden))
    var saveInterval: Double = 10

    func validate() throws {
        guard saveInterval > 0, saveInterval <= 3600 else { throw ValidationError("--save-interval must be from 0 to 3600") }
    }

    @MainActor
    func run() async throws {
        if headless { return try await runHeadless() }
        let signals = SignalWatcher()
        let sources = try torrents.map(AddCommand.source)
        let directory = dir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        // The daemon reads the same file; the UI needs its theme and keys.
        let settings: SwarmConfig
        do { settings = try SwarmConfig.load(explicitPath: config) } catch { throw failure("\(error)") }
        let keys: KeyBindings
        do { keys = try KeyBindings(overrides: settings.keyBindings) } catch {
            throw failure("\(settings.keyError(action: error.action, error.description))")
        }
        let paths = state.paths
        let client: ControlClient
        do {
            do {
                client = try await DaemonConnection.connect(paths)
            } catch ControlClientError.noDaemon {
                client = try await DaemonConnection.startDaemon(paths, arguments: daemonArguments(directory: directory))
            }
        } catch {
            throw failure("\(error)", status: 1)
        }
        defer { client.close() }
        for (path, source) in zip(torrents, sources) {
            do {
                try await client.send(.add(source: source, directory: directory, paused: false))
            } catch ControlClientError.failed(let message) where message.contains("already added") {
                continue
            } catch {
                throw failure("\(path): \(error)", status: 1)
            }
        }
        let refresh = Duration.milliseconds(250)
        let feed = DaemonFeed(client: client, interval: refresh)
        let exit: TerminalExit
        do {
            exit = try await TerminalApp.run(
                source: feed, commands: DaemonCommands(client: client, downloadDirectory: directory),
                options: TerminalOptions(
                    theme: theme ?? settings.theme, keys: keys, refreshInterval: refresh,
                    stopRequested: { [check = signals.stopCheck] in check() || feed.ended != nil },
                    isAttached: true))
        } catch {
            throw failure("\(error)")
        }
        if let ended = feed.ended { throw failure("the daemon stopped: \(ended)", status: 1) }
        switch exit {
        case .quit:
            _ = try? await client.send(.shutdown)
            print("stopped the daemon and every transfer")
        case .detach, .stopRequested:
            print("detached: the daemon (pid \(client.daemonPID)) carries on; swarm attaches again, swarm shutdown stops it")
        }
    }

    /// What the daemon started for this UI is told: the same state, configuration and network options.
    private func daemonArguments(directory: String?) -> [String] {
        var arguments: [String] = []
        if let stateDir = state.stateDir { arguments += ["--state-dir", URL(fileURLWithPath: stateDir).standardizedFileURL.path] }
        if let port = listen.port { arguments += ["--port", "\(port)"] }
        if let bind = listen.bind { arguments += ["--bind", bind] }
        if listen.dht.noDHT { arguments.append("--no-dht") }
        for node in listen.dht.bootstrap { arguments += ["--dht-bootstrap", node] }
        if let port = listen.dht.port { arguments += ["--dht-port", "\(port)"] }
        if let file = listen.dht.stateFile { arguments += ["--dht-state", URL(fileURLWithPath: file).standardizedFileURL.path] }
        if let config { arguments += ["--config", URL(fileURLWithPath: config).standardizedFileURL.path] }
        if let directory { arguments += ["--dir", directory] }
        return arguments
    }

    /// The engine in this process with no UI, until SIGINT or SIGTERM: what the store's crash tests kill.
    private func runHeadless() async throws {
        let signals = SignalWatcher()
        var metainfos: [Metainfo] = []
        for path in torrents {
            guard let data = FileManager.default.contents(atPath: path) else { throw failure("cannot read \(path)") }
            do { metainfos.append(try Metainfo(bytes: data)) } catch { throw failure("\(path): \(error)") }
        }
        var logger = Logger(label: "swarm")
        logger.logLevel = ProcessInfo.processInfo.environment["SWARM_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        let engine: RunningEngine
        do {
            engine = try await EngineSetup.start(EngineOptions(
                stateDirectory: state.stateDir, configFile: config, downloadDirectory: dir, listenPort: listen.port,
                bindHost: listen.bind, dht: listen.dht.settings, dhtDisabledByFlag: listen.dht.noDHT,
                saveInterval: .seconds(saveInterval), logger: logger))
        } catch {
            throw failure("\(error)")
        }
        for metainfo in metainfos where await engine.session.torrent(for: metainfo.infoHash) == nil {
            do {
                _ = try await engine.session.add(metainfo, directory: engine.downloadDirectory)
            } catch {
                await engine.shutdown()
                throw failure("\(error)")
            }
        }
        while !signals.stopRequested { try? await Task.sleep(for: .milliseconds(100)) }
        await engine.shutdown()
    }
}
