/// Settings shared by every torrent of a session.
public struct SessionConfiguration: Sendable {
    /// Address to listen on and to send from; nil listens on every address.
    public var bindHost: String?
    /// `bindHost` when it names one address; nil for none or a wildcard (`0.0.0.0`, or `::`, which on
    /// Linux listens on IPv6 and IPv4 alike).
    var specificBindHost: String? { bindHost.flatMap { $0 == "0.0.0.0" || $0 == "::" ? nil : $0 } }
    /// TCP port for incoming peers; 0 lets the system choose.
    public var listenPort: Int = 6881
    public var maxConnections = 200
    /// Session-wide limits in bytes per second; nil for none. `Session.setLimits` changes them live.
    public var downloadLimit: Double?
    public var uploadLimit: Double?
    /// Torrents downloading / seeding at once; the others wait, Queued. Nil for no limit.
    public var maxActiveDownloads: Int?
    public var maxActiveSeeds: Int?
    public var torrent = TorrentConfiguration()
    /// The DHT; off unless enabled.
    public var dht = DHTSettings()
    /// How magnet links' metadata is fetched.
    public var magnet = MagnetConfiguration()

    public init(bindHost: String? = nil, listenPort: Int = 6881) {
        self.bindHost = bindHost
        self.listenPort = listenPort
    }
}
