import Engine

/// All torrents' options as a session runs with them: the session rate limits and `Session.Options`.
/// These are what `swarm set` and `swarm limit` without a torrent (the UI's `O` and `L`) change live.
public struct SessionValues: Sendable, Equatable {
    /// Bytes per second; nil for no limit.
    public var downloadLimit: Double?
    public var uploadLimit: Double?
    public var options: Session.Options

    public init(downloadLimit: Double?, uploadLimit: Double?, options: Session.Options) {
        self.downloadLimit = downloadLimit.flatMap { $0 > 0 ? $0 : nil }
        self.uploadLimit = uploadLimit.flatMap { $0 > 0 ? $0 : nil }
        self.options = options
    }

    /// The values a session built from `configuration` starts with.
    public init(_ configuration: SessionConfiguration) {
        self.init(
            downloadLimit: configuration.downloadLimit, uploadLimit: configuration.uploadLimit,
            options: Session.Options(
                seedRatioLimit: configuration.torrent.seedRatioLimit, seedTimeLimit: configuration.torrent.seedTimeLimit,
                maxConnections: configuration.maxConnections, maxPeersPerTorrent: configuration.torrent.maxPeers,
                maxActiveDownloads: configuration.maxActiveDownloads, maxActiveSeeds: configuration.maxActiveSeeds))
    }

    /// The values `session` runs with now.
    public init(of session: Session) async {
        let limits = await session.limits
        self.init(downloadLimit: limits.download, uploadLimit: limits.upload, options: await session.options)
    }

    /// Puts these values into `configuration`, for a session to start with them.
    public func apply(to configuration: inout SessionConfiguration) {
        configuration.downloadLimit = downloadLimit
        configuration.uploadLimit = uploadLimit
        configuration.torrent.seedRatioLimit = options.seedRatioLimit
        configuration.torrent.seedTimeLimit = options.seedTimeLimit
        configuration.maxConnections = options.maxConnections
        configuration.torrent.maxPeers = options.maxPeersPerTorrent
        configuration.maxActiveDownloads = options.maxActiveDownloads
        configuration.maxActiveSeeds = options.maxActiveSeeds
    }

    /// One value, by name, as a number (nil: none).
    public enum Name: String, Sendable, CaseIterable {
        case downloadLimit, uploadLimit, seedRatioLimit, seedTimeLimit, maxConnections, maxPeersPerTorrent
        case maxActiveDownloads, maxActiveSeeds
    }

    public subscript(name: Name) -> Double? {
        get {
            switch name {
            case .downloadLimit: downloadLimit
            case .uploadLimit: uploadLimit
            case .seedRatioLimit: options.seedRatioLimit
            case .seedTimeLimit: options.seedTimeLimit
            case .maxConnections: Double(options.maxConnections)
            case .maxPeersPerTorrent: Double(options.maxPeersPerTorrent)
            case .maxActiveDownloads: options.maxActiveDownloads.map(Double.init)
            case .maxActiveSeeds: options.maxActiveSeeds.map(Double.init)
            }
        }
        set {
            // A value that is out of range for its option (a damaged row) leaves the option as it was.
            switch name {
            case .downloadLimit: downloadLimit = newValue.flatMap(Self.rate)
            case .uploadLimit: uploadLimit = newValue.flatMap(Self.rate)
            case .seedRatioLimit: options.seedRatioLimit = newValue.flatMap(Self.nonNegative)
            case .seedTimeLimit: options.seedTimeLimit = newValue.flatMap(Self.nonNegative)
            case .maxConnections: if let count = Self.count(newValue, minimum: 1) { options.maxConnections = count }
            case .maxPeersPerTorrent: if let count = Self.count(newValue, minimum: 1) { options.maxPeersPerTorrent = count }
            case .maxActiveDownloads: options.maxActiveDownloads = newValue.flatMap { Self.count($0, minimum: 0) }
            case .maxActiveSeeds: options.maxActiveSeeds = newValue.flatMap { Self.count($0, minimum: 0) }
            }
        }
    }

    private static func rate(_ value: Double) -> Double? { value.isFinite && value > 0 ? value : nil }
    private static func nonNegative(_ value: Double) -> Double? { value.isFinite && value >= 0 ? value : nil }
    private static func count(_ value: Double?, minimum: Int) -> Int? {
        guard let value, value.isFinite, value >= Double(minimum), value <= 1_000_000 else { return nil }
        return Int(value)
    }
}

/// One of all torrents' options set live, as the store keeps it: the value, and what the configuration
/// file said when it was set.
public struct SavedSessionValue: Sendable, Equatable {
    public var name: SessionValues.Name
    public var value: Double?
    public var configValue: Double?

    public init(name: SessionValues.Name, value: Double?, configValue: Double?) {
        self.name = name
        self.value = value
        self.configValue = configValue
    }
}

/// How values set live and the configuration file meet across restarts: the most recent change wins.
/// A value set live is kept until it is set again, or until the configuration file's value for it
/// changes (then the file's is used, as it is the newer choice).
public enum SessionValueMemory {
    /// The values to start with: the configuration's, except the saved ones whose configuration value is
    /// still the one they were set over.
    public static func starting(config: SessionValues, saved: [SavedSessionValue]) -> SessionValues {
        var values = config
        for entry in saved where entry.configValue == config[entry.name] {
            values[entry.name] = entry.value
        }
        return values
    }

    /// What to save: each value that differs from the configuration's, with the configuration's.
    public static func toSave(current: SessionValues, config: SessionValues) -> [SavedSessionValue] {
        SessionValues.Name.allCases.compactMap { name in
            current[name] == config[name] ? nil : SavedSessionValue(name: name, value: current[name], configValue: config[name])
        }
    }
}
