import Foundation

extension SwarmConfig {
    /// `$XDG_CONFIG_HOME/swarm/config.toml`, else `~/.config/swarm/config.toml`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            return (config as NSString).appendingPathComponent("swarm/config.toml")
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".config/swarm/config.toml")
    }

    /// Reads the file at `explicitPath` (which must exist), or the default one when it exists; no file
    /// at the default place gives the empty configuration.
    public static func load(
        explicitPath: String?, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> SwarmConfig {
        let path = explicitPath ?? defaultPath(environment: environment)
        guard FileManager.default.fileExists(atPath: path) else {
            if explicitPath != nil { throw ConfigError(file: path, line: nil, problem: "no such file") }
            return SwarmConfig()
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, line: nil, problem: "cannot read the file")
        }
        guard data.count <= 1 << 20 else { throw ConfigError(file: path, line: nil, problem: "larger than 1 MiB") }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, line: nil, problem: "not UTF-8 text")
        }
        return try parse(text, file: path)
    }
}
