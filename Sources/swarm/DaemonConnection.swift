import Control
import Foundation

/// Finding the daemon, and starting one in the background for the UI.
enum DaemonConnection {
    /// Connects to the running daemon. While one is starting (it holds the lock but does not answer yet),
    /// waits for it a little.
    static func connect(_ paths: ControlPaths, waiting: Duration = .seconds(5)) async throws -> ControlClient {
        let deadline = ContinuousClock.now + waiting
        while true {
            do {
                return try await ControlClient.connect(socketPath: paths.socket.path)
            } catch ControlClientError.noDaemon(let socket) {
                guard DaemonLock.isHeld(at: paths.lock.path), ContinuousClock.now < deadline else {
                    throw ControlClientError.noDaemon(socket: socket)
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// Connects, or prints why not and gives the exit status.
    static func connectOrExit(_ paths: ControlPaths) async throws -> ControlClient {
        do {
            return try await connect(paths)
        } catch {
            throw failure("\(error)", status: 1)
        }
    }

    /// Starts `swarm daemon` in its own session (`setsid`), detached from this terminal, with its output in
    /// the state directory's `daemon.log`, then connects to it. The daemon inherits the environment
    /// (`SWARM_HOME`, the XDG paths), so with the same `--state-dir` in `arguments` it finds the same paths.
    static func startDaemon(_ paths: ControlPaths, arguments: [String]) async throws -> ControlClient {
        try ControlPaths.makePrivateDirectory(paths.stateDirectory)
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let argv = [executable, "daemon"] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, paths.daemonLog.path, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // This process ignores SIGINT and SIGTERM (the UI handles them); the daemon must not inherit that.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGINT, SIGTERM, SIGUSR1] { sigaddset(&defaults, number) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, posixSpawnSetSID | Int16(POSIX_SPAWN_SETSIGDEF))
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, &cArguments, environ)
        guard status == 0 else {
            throw ControlClientError.failed("cannot start swarm daemon: \(String(cString: strerror(status)))")
        }
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            do {
                return try await ControlClient.connect(socketPath: paths.socket.path)
            } catch ControlClientError.noDaemon {
                var exitStatus: Int32 = 0
                if waitpid(pid, &exitStatus, WNOHANG) == pid || ContinuousClock.now > deadline {
                    let log = (try? String(contentsOf: paths.daemonLog, encoding: .utf8)) ?? ""
                    let last = log.split(separator: "\n").last.map(String.init) ?? "no message"
                    throw ControlClientError.failed("the daemon did not start: \(last) (see \(paths.daemonLog.path))")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}

/// glibc's `POSIX_SPAWN_SETSID` (2.26 and later): the child starts a session of its own, so the terminal's
/// hang-up and Ctrl-C never reach it. Not imported into Swift, as it needs `_GNU_SOURCE`.
private let posixSpawnSetSID: Int16 = 0x80
