import Foundation

/// Where the daemon keeps its state and its control socket.
///
/// - State directory (the store, pending adds): `--state-dir`, else `$SWARM_HOME`, else
///   `$XDG_DATA_HOME/swarm`, else `~/.local/share/swarm`.
/// - Runtime directory (socket and lock): `<state>/run` when the state directory was chosen explicitly (so
///   two daemons with their own state directories never meet), else `$XDG_RUNTIME_DIR/swarm`, else
///   `/tmp/swarm-<uid>`. Always mode 0700 and owned by the user.
public struct ControlPaths: Sendable, Equatable {
    public var stateDirectory: URL
    public var runtimeDirectory: URL

    public init(stateDirectory: URL, runtimeDirectory: URL) {
        self.stateDirectory = stateDirectory
        self.runtimeDirectory = runtimeDirectory
    }

    /// The paths for this user, from the flag and the environment.
    public static func resolve(
        stateDirectoryFlag: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        home: String = NSHomeDirectory(), uid: uid_t = getuid()
    ) -> ControlPaths {
        func nonEmpty(_ key: String) -> String? { environment[key].flatMap { $0.isEmpty ? nil : $0 } }
        if let explicit = stateDirectoryFlag ?? nonEmpty("SWARM_HOME") {
            return forState(URL(fileURLWithPath: explicit), chosenExplicitly: true, environment: environment, uid: uid)
        }
        let data = nonEmpty("XDG_DATA_HOME").map { URL(fileURLWithPath: $0) }
            ?? URL(fileURLWithPath: home).appendingPathComponent(".local/share")
        return forState(data.appendingPathComponent("swarm"), chosenExplicitly: false, environment: environment, uid: uid)
    }

    /// The paths for a state directory found elsewhere (the store's `StateDirectory`): `chosenExplicitly`
    /// when `--state-dir` or `SWARM_HOME` named it, which puts the socket inside it.
    public static func forState(
        _ state: URL, chosenExplicitly: Bool, environment: [String: String] = ProcessInfo.processInfo.environment,
        uid: uid_t = getuid()
    ) -> ControlPaths {
        let state = state.standardizedFileURL
        if chosenExplicitly { return ControlPaths(stateDirectory: state, runtimeDirectory: state.appendingPathComponent("run")) }
        let runtime = environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            .map { URL(fileURLWithPath: $0).appendingPathComponent("swarm") } ?? URL(fileURLWithPath: "/tmp/swarm-\(uid)")
        return ControlPaths(stateDirectory: state, runtimeDirectory: runtime)
    }

    public var socket: URL { runtimeDirectory.appendingPathComponent("control.sock") }
    public var lock: URL { runtimeDirectory.appendingPathComponent("daemon.lock") }
    /// Torrents added while no daemon ran; the next daemon adds them at start.
    public var pending: URL { stateDirectory.appendingPathComponent("pending") }
    /// The daemon's stderr when the UI starts one in the background.
    public var daemonLog: URL { stateDirectory.appendingPathComponent("daemon.log") }
}

/// Why a private directory cannot be used.
public struct UnsafeDirectoryError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "cannot use \(path): \(reason)" }
}

extension ControlPaths {
    /// Creates `directory` (and its parents) when missing, then insists it is a real directory (not a
    /// symbolic link) owned by this user, and sets its mode to 0700.
    public static func makePrivateDirectory(_ directory: URL) throws {
        let path = directory.path
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        } catch {
            throw UnsafeDirectoryError(path: path, reason: "\(error.localizedDescription)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { throw UnsafeDirectoryError(path: path, reason: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw UnsafeDirectoryError(path: path, reason: "it is not a directory (a symbolic link or a file is there)")
        }
        guard info.st_uid == geteuid() else {
            throw UnsafeDirectoryError(path: path, reason: "it belongs to uid \(info.st_uid), not to you (uid \(geteuid()))")
        }
        if info.st_mode & 0o777 != 0o700, chmod(path, 0o700) != 0 {
            throw UnsafeDirectoryError(path: path, reason: "cannot make it private: \(String(cString: strerror(errno)))")
        }
    }
}
