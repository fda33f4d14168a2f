import DHT
import Foundation

/// The session's DHT (BEP 5). Off unless enabled; it never contacts a node that is not configured here
/// or learned from the network (no built-in public routers), and never works for private torrents.
public struct DHTSettings: Sendable {
    public var enabled = false
    /// UDP port; nil uses the session's TCP listening port (or any free one when that is taken); 0: any.
    public var port: Int?
    /// UDP address; nil uses the session's bind address, or 0.0.0.0.
    public var bindHost: String?
    /// `host:port` of nodes to join through.
    public var bootstrap: [String] = []
    /// Keeps the node id and good nodes between runs.
    public var stateFile: URL?
    /// How often each torrent is looked up and announced again.
    public var announceInterval: Duration = .seconds(15 * 60)
    /// Sooner when the last lookup found no peer (a new swarm, or a DHT still filling).
    public var retryInterval: Duration = .seconds(60)
    /// Knobs of the node itself (timeouts, upkeep), for tests.
    public var queryTimeout: Duration = .seconds(2)
    public var maintenanceInterval: Duration = .seconds(5)

    public init(enabled: Bool = false, port: Int? = nil, bindHost: String? = nil, bootstrap: [String] = [],
                stateFile: URL? = nil) {
        self.enabled = enabled
        self.port = port
        self.bindHost = bindHost
        self.bootstrap = bootstrap
        self.stateFile = stateFile
    }

    func nodeConfiguration(sessionBindHost: String?, port: Int) -> DHTConfiguration {
        var configuration = DHTConfiguration(
            bindHost: bindHost ?? sessionBindHost ?? "0.0.0.0", port: port, bootstrap: bootstrap, stateFile: stateFile)
        configuration.queryTimeout = queryTimeout
        configuration.maintenanceInterval = maintenanceInterval
        return configuration
    }
}
