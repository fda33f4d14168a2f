import ArgumentParser
import Control
import Engine
import Foundation
import Logging
import NIOPosix

/// Where the daemon and its clients find each other: `--state-dir`, else `SWARM_HOME`, else the XDG paths.
struct StateOptions: ParsableArguments {
    @Option(name: .long, help: "State directory (default: $SWARM_HOME, else $XDG_DATA_HOME/swarm or ~/.local/share/swarm).")
    var stateDir: String?

    var paths: ControlPaths { ControlPaths.resolve(stateDirectoryFlag: stateDir) }
}

/// `swarm daemon`: the engine without a terminal, controlled over the Unix socket.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Run the engine in the background; swarm add/list/pause/... and the UI control it.",
        discussion: "Stops on SIGTERM, SIGINT or swarm shutdown. Torrents added with swarm add while no daemon ran are added at start.")

    @OptionGroup var state: StateOptions
    @OptionGroup var listen: ListenOptions

    @Option(name: .long, help: "Download directory for torrents added without --dir (default: ~/Downloads).")
    var dir: String?

    func run() async throws {
        let signals = SignalWatcher()
        let paths = state.paths
        let downloads = dir.map { URL(fileURLWithPath: $0).standardizedFileURL }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent("Downloads")
        let lock: DaemonLock
        do {
            try ControlPaths.makePrivateDirectory(paths.runtimeDirectory)
            try ControlPaths.makePrivateDirectory(paths.stateDirectory)
            lock = try DaemonLock(path: paths.lock.path)
        } catch {
            throw failure("\(error)", status: 1)
        }
        let session: Session
        do {
            session = try await makeEngine(configuration: listen.sessionConfiguration)
        } catch {
            throw failure("\(error)")
        }
        let stop = StopFlag()
        let controller = EngineController(session: session, downloadDirectory: downloads) { stop.set() }
        let server: ControlServer
        do {
            server = try await ControlServer.start(
                socketPath: paths.socket.path, handler: controller, group: MultiThreadedEventLoopGroup.singleton)
        } catch {
            await session.shutdown()
            throw failure("cannot listen on \(paths.socket.path): \(error)", status: 1)
        }
        let peerPort = await session.listenPort
        log("listening on \(paths.socket.path) (pid \(getpid())); peers on port \(peerPort)")
        await importPending(PendingAdds(directory: paths.pending), into: controller)
        while !signals.stopRequested && !stop.isSet {
            if signals.takeReannounceRequest() { await session.reannounceAll() }
            try? await Task.sleep(for: .milliseconds(100))
        }
        log("stopping")
        await server.close()
        await session.shutdown()
        withExtendedLifetime(lock) {}
    }

    /// Builds and starts the engine. The one place the daemon makes its `Session`: configuration and the
    /// saved torrents come in here.
    private func makeEngine(configuration: SessionConfiguration) async throws -> Session {
        var logger = Logger(label: "swarm")
        logger.logLevel = ProcessInfo.processInfo.environment["SWARM_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        let session = Session(configuration: configuration, logger: logger)
        try await session.start()
        return session
    }

    /// Adds what `swarm add` saved while no daemon ran; what fails is reported and set aside.
    private func importPending(_ pending: PendingAdds, into controller: EngineController) async {
        for (file, entry) in pending.list() {
            switch entry {
            case .failure(let error):
                log("pending add \(file.lastPathComponent): \(error)")
                pending.setAside(file)
            case .success(let entry):
                let reply = await controller.handle(.add(source: entry.source, directory: entry.directory, paused: entry.paused))
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

    private func log(_ message: String) {
        FileHandle.standardError.write(Data("swarm daemon: \(message)\n".utf8))
    }
}

/// Set once, read from the main loop: a `shutdown` request arrived.
final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
