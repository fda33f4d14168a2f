import Control
import Engine
import Foundation
import Logging
import SessionStore
import SwarmConfig
import TerminalUI

/// What a running engine is built from: where its state and configuration live, and command-line
/// values that win over the configuration file.
struct EngineOptions: Sendable {
    /// `--state-dir`; nil: `$SWARM_HOME`, `$XDG_DATA_HOME/swarm`, `~/.local/share/swarm`.
    var stateDirectory: String?
    /// `--config`; nil: `$XDG_CONFIG_HOME/swarm/config.toml` when it exists.
    var configFile: String?
    var downloadDirectory: String?
    var listenPort: Int?
    var bindHost: String?
    /// The DHT as the command line set it. `--no-dht` and `--dht-bootstrap` win over the config file's
    /// `[dht]`, which wins over the default (on).
    var dht = DHTSettings()
    var dhtDisabledByFlag = false
    /// How often progress is saved.
    var saveInterval: Duration = .seconds(10)
    var logger = Logger(label: "swarm")
}

/// An engine with its torrents restored, saving itself and watching its folder. `shutdown()` saves
/// every torrent and closes everything.
final class RunningEngine: Sendable {
    let session: Session
    let store: SessionStore
    let saver: StoreSaver
    let watchFolder: WatchFolder?
    let config: SwarmConfig
    /// Where new torrents are saved.
    let downloadDirectory: URL

    init(session: Session, store: SessionStore, saver: StoreSaver, watchFolder: WatchFolder?, config: SwarmConfig, downloadDirectory: URL) {
        self.session = session
        self.store = store
        self.saver = saver
        self.watchFolder = watchFolder
        self.config = config
        self.downloadDirectory = downloadDirectory
    }

    /// Stops the transfers, saves every torrent (pieces flushed to disk first), closes the session and
    /// the store.
    func shutdown() async {
        await watchFolder?.stop()
        await saver.stop()
        await session.stopTransfers()
        do {
            try await saver.saveChanges(everything: true)
        } catch {
            FileHandle.standardError.write(Data("swarm: cannot save the session: \(error)\n".utf8))
        }
        await session.shutdown()
        try? store.close()
    }
}

/// A session listening, with its store open, before the saved torrents come back (`EngineSetup.restore`).
struct OpenedEngine: Sendable {
    let session: Session
    let store: SessionStore
    let config: SwarmConfig
    /// All torrents' options as the configuration file gives them (before the saved ones were applied).
    let configValues: SessionValues
    let downloadDirectory: URL
    let options: EngineOptions
}

enum EngineSetup {
    /// `open`, then `restore`.
    static func start(_ options: EngineOptions) async throws -> RunningEngine {
        try await restore(try await open(options))
    }

    /// Loads the configuration, opens the store and starts the session (listening, no torrents yet).
    /// Errors name what is wrong (the config file and line, the state directory) for the caller to print.
    static func open(_ options: EngineOptions) async throws -> OpenedEngine {
        let environment = ProcessInfo.processInfo.environment
        let config = try SwarmConfig.load(explicitPath: options.configFile.map { expandingTilde($0, environment) })
        let stateDirectory = StateDirectory.resolve(explicit: options.stateDirectory, environment: environment)
        let store: SessionStore
        do {
            store = try SessionStore(directory: stateDirectory)
        } catch {
            throw EngineSetupError("cannot open the session store in \(stateDirectory.path): \(error)")
        }
        let downloadDirectory = URL(fileURLWithPath: expandingTilde(
            options.downloadDirectory ?? config.downloadDirectory ?? "~/Downloads", environment))
        var configuration = sessionConfiguration(options, config)
        // All torrents' options set live in an earlier run win over the file's, unless the file changed them since.
        let configValues = SessionValues(configuration)
        do {
            SessionValueMemory.starting(config: configValues, saved: try await store.loadSessionValues()).apply(to: &configuration)
        } catch {
            options.logger.error("cannot read the options saved in the store: \(error)")
        }
        // The DHT keeps its node id and good nodes beside the store unless told otherwise.
        if configuration.dht.stateFile == nil {
            configuration.dht.stateFile = stateDirectory.appendingPathComponent("dht.state")
        }
        let session = Session(configuration: configuration, logger: options.logger)
        do {
            try await session.start()
        } catch {
            await session.shutdown()
            try? store.close()
            throw error
        }
        return OpenedEngine(
            session: session, store: store, config: config, configValues: configValues, downloadDirectory: downloadDirectory,
            options: options)
    }

    /// Restores every saved torrent (`status` tells how many while it runs), starts periodic saving and
    /// the watch folder. On failure the session and store are closed.
    static func restore(_ opened: OpenedEngine, status: RestoreStatus? = nil) async throws -> RunningEngine {
        let environment = ProcessInfo.processInfo.environment
        let (session, store, options, config) = (opened.session, opened.store, opened.options, opened.config)
        defer { status?.finish() }
        #if os(Linux)
        // Restoring thousands of torrents allocates fast from every thread: grow the heap 32 MiB at a
        // time rather than a page or so per system call (a third of the restore time went there).
        _ = glibcMallopt(glibcTopPad, 32 << 20)
        defer { _ = glibcMallopt(glibcTopPad, 128 << 10) }
        #endif
        do {
            let began = ContinuousClock.now
            var records = try await store.loadAll()
            status?.begin(total: records.count)
            options.logger.info("loaded \(records.count) torrents from the store in \(ContinuousClock.now - began)")
            for (hash, why) in await session.restore(records) {
                options.logger.error("cannot restore torrent \(hash.hex): \(why)")
            }
            for (hash, why) in await session.restoreMagnets(try await store.loadMagnets()) {
                options.logger.error("cannot restore magnet link \(hash.hex): \(why)")
            }
            let stored = Dictionary(records.map { ($0.infoHash, $0.queuePosition) }, uniquingKeysWith: { a, _ in a })
            records = []
            options.logger.info("restored \(stored.count) torrents in \(ContinuousClock.now - began)")
            status?.torrentsRestored()
            // Loading a large store leaves megabytes of freed buffers in the heap: hand them back.
            #if os(Linux)
            _ = glibcMallopt(glibcTopPad, 128 << 10)
            _ = glibcMallocTrim(0)
            #endif
            let saver = StoreSaver(
                store: store, session: session, configValues: opened.configValues, logger: options.logger)
            await saver.adoptCurrentState(stored: stored)
            await saver.start(every: options.saveInterval)
            var watchFolder: WatchFolder?
            if let watch = config.watchDirectory {
                let folder = WatchFolder(
                    directory: URL(fileURLWithPath: expandingTilde(watch, environment)), session: session,
                    downloadDirectory: opened.downloadDirectory, logger: options.logger)
                await folder.start()
                watchFolder = folder
            }
            return RunningEngine(
                session: session, store: store, saver: saver, watchFolder: watchFolder, config: config,
                downloadDirectory: opened.downloadDirectory)
        } catch {
            await session.shutdown()
            try? store.close()
            throw error
        }
    }

    /// The session's settings: the configuration file's, with command-line values winning.
    static func sessionConfiguration(_ options: EngineOptions, _ config: SwarmConfig) -> SessionConfiguration {
        var configuration = SessionConfiguration(
            bindHost: options.bindHost ?? config.bindAddress, listenPort: options.listenPort ?? config.listenPort ?? 6881)
        configuration.downloadLimit = config.downloadLimit
        configuration.uploadLimit = config.uploadLimit
        configuration.maxActiveDownloads = config.maxActiveDownloads
        configuration.maxActiveSeeds = config.maxActiveSeeds
        if let connections = config.maxConnections { configuration.maxConnections = connections }
        if let peers = config.maxPeersPerTorrent { configuration.torrent.maxPeers = peers }
        configuration.torrent.seedRatioLimit = config.seedRatio
        configuration.torrent.seedTimeLimit = config.seedTime
        configuration.dht = options.dht
        configuration.dht.enabled = !options.dhtDisabledByFlag && (config.dhtEnabled ?? options.dht.enabled)
        if options.dht.bootstrap.isEmpty { configuration.dht.bootstrap = config.dhtBootstrapNodes.map(\.description) }
        return configuration
    }

    static func expandingTilde(_ path: String, _ environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}

struct EngineSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

extension KeyBindingError {
    /// The `[keys]` entry at fault.
    var action: String? {
        switch self {
        case .unknownAction(let name): name
        case .unknownKey(_, let action): action
        case .noKeys(let action): action
        case .conflict(_, _, let second): second
        }
    }
}

#if os(Linux)
/// glibc's `malloc_trim` (in `<malloc.h>`, which the Glibc module does not export).
@_silgen_name("malloc_trim")
private func glibcMallocTrim(_ pad: Int) -> Int32

/// glibc's `mallopt` and its `M_TOP_PAD` (how much more than asked the heap grows by; default 128 KiB).
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
private let glibcTopPad: Int32 = -2
#endif
