import Foundation

/// Where the store lives: `--state-dir`, else `$SWARM_HOME`, else `$XDG_DATA_HOME/swarm`, else
/// `~/.local/share/swarm`.
public enum StateDirectory {
    public static func resolve(
        explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> URL {
        if let explicit, !explicit.isEmpty { return URL(fileURLWithPath: expandingTilde(explicit, environment)) }
        if let home = environment["SWARM_HOME"], !home.isEmpty { return URL(fileURLWithPath: expandingTilde(home, environment)) }
        if let data = environment["XDG_DATA_HOME"], !data.isEmpty {
            return URL(fileURLWithPath: data).appendingPathComponent("swarm")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".local/share/swarm")
    }

    static func expandingTilde(_ path: String, _ environment: [String: String]) -> String {
        guard path == "~" || path.hasPrefix("~/") else { return path }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + path.dropFirst()
    }
}
