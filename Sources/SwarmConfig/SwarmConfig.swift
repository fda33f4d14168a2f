/// What `config.toml` says. Every field is optional: nil means the file did not set it and the built-in
/// default (or a command-line flag) applies. Rates are bytes per second, times seconds.
public struct SwarmConfig: Sendable, Equatable {
    public var listenPort: Int?
    public var bindAddress: String?
    public var downloadDirectory: String?
    /// `.torrent` files dropped here are added (see the watch folder in the swarm executable).
    public var watchDirectory: String?
    public var downloadLimit: Double?
    public var uploadLimit: Double?
    public var maxActiveDownloads: Int?
    public var maxActiveSeeds: Int?
    public var maxConnections: Int?
    public var maxPeersPerTorrent: Int?
    public var seedRatio: Double?
    public var seedTime: Double?
    public var theme: String?
    /// The `[keys]` table: UI action name (`pause`, `priority-up`...) to key names (`"p"`, `"Ctrl-R"`,
    /// `"Space"`). The UI checks the names (`KeyBindings(overrides:)`); `keyLines` says where each is.
    public var keyBindings: [String: [String]] = [:]
    public var keyLines: [String: Int] = [:]
    /// The file this came from, for errors found later (a key name the UI does not know).
    public var path: String?
    public var dhtEnabled: Bool?
    public var dhtBootstrapNodes: [HostPort] = []

    public init() {}

    /// An error about the `[keys]` entry of `action`, naming this file and the entry's line.
    public func keyError(action: String?, _ problem: String) -> ConfigError {
        ConfigError(file: path ?? "config", line: action.flatMap { keyLines[$0] }, problem: problem)
    }
}

/// A `host:port` pair as written in the file (`"127.0.0.1:6881"`, `"[::1]:6881"`).
public struct HostPort: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; nil unless the port is 1...65535 and the host is not empty.
    public init?(parsing text: String) {
        var hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            portPart = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            if hostPart.contains(":") { return nil }
        }
        hostPart = hostPart.trimmingPrefix(" ")
        guard !hostPart.isEmpty, !hostPart.contains(where: \.isWhitespace),
            portPart.count <= 5, portPart.allSatisfy(\.isASCIIDigit), let port = Int(portPart), (1...65535).contains(port)
        else { return nil }
        self.host = String(hostPart)
        self.port = port
    }

    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
