import ArgumentParser
import Control
import CursesTerminal
import Foundation
import SwarmConfig
import TerminalUI

/// `swarm [file.torrent ...]`: the full-screen UI on the daemon's engine. Attaches to the running daemon,
/// or starts one in the background; the given torrents are added to it first. `Q` detaches (transfers go
/// on), `q` asks whether to stop the engine too.
struct OpenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the full-screen UI on the daemon (started when none runs), adding these torrents (the default command).")

    @Argument(help: "Torrent files to add to the daemon.")
    var torrents: [String] = []

    @Option(name: .long, help: "Download directory for these torrents (default: the daemon's, ~/Downloads).")
    var dir: String?

    @OptionGroup var listen: ListenOptions

    @OptionGroup var state: StateOptions

    @Option(help: "UI theme name (dark, light, 16color) or path to a .theme file (default: the config file's).")
    var theme: String?

    @Option(name: .long, help: "Configuration file (default: $XDG_CONFIG_HOME/swarm/config.toml).")
    var config: String?

    @MainActor
    func run() async throws {
        let signals = SignalWatcher()
        let sources = try torrents.map(AddCommand.source)
        let directory = dir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let paths = state.paths
        // The UI's own settings (theme, keys) come from the config file; the engine's, in the daemon.
        let settings: SwarmConfig
        let keys: KeyBindings
        do {
            settings = try SwarmConfig.load(explicitPath: config)
            keys = try KeyBindings(overrides: settings.keyBindings)
        } catch let error as KeyBindingError {
            throw failure("\(try SwarmConfig.load(explicitPath: config).keyError(action: error.action, error.description))")
        } catch {
            throw failure("\(error)")
        }
        let client: ControlClient
        do {
            do {
                client = try await DaemonConnection.connect(paths)
            } catch ControlClientError.noDaemon {
                // The daemon inherits the environment; the same flags make it find the same paths.
                var arguments: [String] = []
                if let stateDir = state.stateDir { arguments += ["--state-dir", URL(fileURLWithPath: stateDir).standardizedFileURL.path] }
                if let port = listen.port { arguments += ["--port", "\(port)"] }
                if let bind = listen.bind { arguments += ["--bind", bind] }
                if let config { arguments += ["--config", URL(fileURLWithPath: config).standardizedFileURL.path] }
                arguments += listen.dht.arguments
                if let directory { arguments += ["--dir", directory] }
                client = try await DaemonConnection.startDaemon(paths, arguments: arguments)
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
}
