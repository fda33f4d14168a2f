/// Settings shared by every torrent of a session.
public struct SessionConfiguration: Sendable {
    /// Address to listen on and to send from; nil listens on every address.
    public var bindHost: String?
    /// TCP port for incoming peers; 0 lets the system choose.
    public var listenPort: Int = 6881
    public var maxConnections = 200
    public var torrent = TorrentConfiguration()

    public init(bindHost: String? = nil, listenPort: Int = 6881) {
        self.bindHost = bindHost
        self.listenPort = listenPort
    }
}
