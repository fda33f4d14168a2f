import ArgumentParser
import Control
import Engine
import Foundation
import Logging
import NIOPosix
import SessionStore
import TorrentModel

/// Where the daemon and its clients find each other: `--state-dir`, else `SWARM_HOME`, else the XDG paths.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "State directory (default: $SWARM_HOME, else $XDG_DATA_HOME/swarm or ~/.local/share/swarm).")
    var stateDir: String?

    /// The state directory as the store finds it, and the socket that goes with it.
    var paths: ControlPaths {
        let environment = ProcessInfo.processInfo.environment
        return ControlPaths.forState(
            StateDirectory.resolve(explicit: stateDir, environment: environment),
            chosenExplicitly: stateDir != nil || !(environment["SWARM_HOME"] ?? "").isEmpty, environment: environment)
    }
}

/// `swarm daemon`: the engine without a terminal, controlled over the Unix socket.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the engine in the background; swarm add/list/pause/... and the UI control it.",
        discussion: "Stops on SIGTERM, SIGINT or swarm shutdown. Torrents added with swarm add while no daemon ran are added at start.")

    @OptionGroup var state: StateOptions
    @OptionGroup var listen: ListenOptions

    @Option(name: .long, help: "Download directory for torrents added without --dir (default: the config file's, else ~/Downloads).")
    var dir: String?

    @Option(name: .long, help: "Configuration file (default: $XDG_CONFIG_HOME/swarm/config.toml).")
    var config: String?

    @Option(name: .long, help: ArgumentHelp("Seconds between saves of the session (for tests).", visibility: .hidden))
    var saveInterval: Double = 10

    func validate() throws {
        guard saveInterval > 0, saveInterval <= 3600 else { throw ValidationError("--save-interval must be from 0 to 3600") }
    }

    func run() async throws {
        let signals = SignalWatcher()
        let paths = state.paths
        let lock: DaemonLock
        do {
            try ControlPaths.makePrivateDirectory(paths.runtimeDirectory)
            try ControlPaths.makePrivateDirectory(paths.stateDirectory)
            lock = try DaemonLock(path: paths.lock.path)
        } catch {
            throw failure("\(error)", status: 1)
        }
        // The socket answers while the saved torrents come back: lists show those restored so far.
        let opened: OpenedEngine
        do {
            opened = try await EngineSetup.open(engineOptions(stateDirectory: paths.stateDirectory))
        } catch {
            throw failure("\(error)")
        }
        let session = opened.session
        let stop = StopFlag()
        let restoring = RestoreStatus()
        restoring.begin(total: 0)
        let saveNow = SaveHook()
        var controller = EngineController(
            session: session, downloadDirectory: opened.downloadDirectory, restoreStatus: restoring) { stop.set() }
        controller.afterChange = { torrents in await saveNow.run(torrents) }
        let server: ControlServer
        do {
            server = try await ControlServer.start(
                socketPath: paths.socket.path, handler: controller, group: MultiThreadedEventLoopGroup.singleton)
        } catch {
            restoring.finish()
            await session.shutdown()
            try? opened.store.close()
            throw failure("cannot listen on \(paths.socket.path): \(error)", status: 1)
        }
        let peerPort = await session.listenPort
        log("listening on \(paths.socket.path) (pid \(getpid())); peers on port \(peerPort)")
        let engine: RunningEngine
        do {
            engine = try await EngineSetup.restore(opened, status: restoring)
        } catch {
            await server.close()
            throw failure("\(error)")
        }
        let saver = engine.saver
        saveNow.set { [logger = opened.options.logger] torrents in
            do { try await saver.saveChange(of: torrents) } catch { logger.error("cannot save the session: \(error)") }
        }
        await importPending(PendingAdds(directory: paths.pending), into: controller)
        while !signals.stopRequested && !stop.isSet {
            if signals.takeReannounceRequest() { await session.reannounceAll() }
            try? await Task.sleep(for: .milliseconds(100))
        }
        log("stopping")
        await server.close()
        await engine.shutdown()
        withExtendedLifetime(lock) {}
    }

    /// The engine's options: the command line's, the state directory found.
    private func engineOptions(stateDirectory: URL) -> EngineOptions {
        var logger = Logger(label: "swarm")
        logger.logLevel = ProcessInfo.processInfo.environment["SWARM_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return EngineOptions(
            stateDirectory: stateDirectory.path, configFile: config, downloadDirectory: dir, listenPort: listen.port,
            bindHost: listen.bind, dht: listen.dht.settings, dhtDisabledByFlag: listen.dht.noDHT,
            saveInterval: .seconds(saveInterval), logger: logger)
    }

    /// Adds what `swarm add` saved while no daemon ran; what fails is reported and set aside.
    private func importPending(_ pending: PendingAdds, into controller: EngineController) async {
        for (file, entry) in pending.list() {
            switch entry {
            case .failure(let error):
                log("pending add \(file.lastPathComponent): \(error)")
                pending.setAside(file)
            case .success(let entry):
                if let hash = Self.infoHash(of: entry.source), await controller.session.torrent(for: hash) != nil {
                    log("pending add \(file.lastPathComponent): \(hash.hex.prefix(8)) is already there")
                    try? FileManager.default.removeItem(at: file)
                    continue
                }
                let reply = await controller.handle(.add(
                    source: entry.source, directory: entry.directory, paused: entry.paused,
                    stopAfterMetadata: entry.stopAfterMetadata))
                switch reply {
                case .added(let hash, let name):
                    log("added \(name) (\(hash.hex.prefix(8))) saved while no daemon ran")
                    try? FileManager.default.removeItem(at: file)
                case .failure(let message):
                    log("pending add \(file.lastPathComponent): \(message)")
                    pending.setAside(file)
                default:
                    try? FileManager.default.removeItem(at: file)
                }
            }
        }
    }

    /// The info-hash an add names, when it can be read.
    private static func infoHash(of source: AddSource) -> InfoHash? {
        switch source {
        case .torrent(let bytes): (try? Metainfo(bytes: bytes))?.infoHash
        case .magnet(let text): (try? MagnetLink(parsing: text))?.infoHash
        }
    }

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("swarm daemon: \(message)\n".utf8))
    }
}

/// What saves the torrents a change touched (and the session's values), once the store's saver exists
/// (until then the periodic save and the one at exit cover them).
final class SaveHook: @unchecked Sendable {
    private let lock = NSLock()
    private var save: (@Sendable (Set<InfoHash>) async -> Void)?
    func set(_ save: @escaping @Sendable (Set<InfoHash>) async -> Void) { lock.withLock { self.save = save } }
    func run(_ torrents: Set<InfoHash>) async { await lock.withLock { save }?(torrents) }
}

/// Set once, read from the main loop: a `shutdown` request arrived.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
