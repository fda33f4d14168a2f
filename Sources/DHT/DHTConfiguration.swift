import Foundation

/// How a `DHTNode` runs. Every address it talks to comes from here or from the network: there is no
/// built-in bootstrap router.
public struct DHTConfiguration: Sendable {
    /// The UDP address to bind: `127.0.0.1`, `::1`, `0.0.0.0` or another local address. The node keeps
    /// nodes of this address family only.
    public var bindHost: String
    /// UDP port; 0 lets the system choose.
    public var port: Int
    /// Nodes to join the DHT through (`host:port`), asked whenever the routing table is empty.
    public var bootstrap: [String]
    /// Where the node id and good nodes are kept between runs; nil keeps nothing.
    public var stateFile: URL?
    public var queryTimeout: Duration = .seconds(2)
    /// How often the node checks its table (bootstrap when empty, refresh stale buckets, ping questionable
    /// nodes) and saves its state.
    public var maintenanceInterval: Duration = .seconds(5)
    public var saveInterval: Duration = .seconds(60)
    /// Queries answered per second per source address (bursts twice that).
    public var answerRate: Double = 20

    public init(bindHost: String = "0.0.0.0", port: Int = 0, bootstrap: [String] = [], stateFile: URL? = nil) {
        self.bindHost = bindHost
        self.port = port
        self.bootstrap = bootstrap
        self.stateFile = stateFile
    }
}

/// The DHT's health for a status bar: plain numbers.
public struct DHTStatus: Sendable, Hashable {
    public var port: Int
    public var nodes: Int
    public var lookupsRunning: Int
    public var lookupsDone: Int
    public var peersFound: Int
    /// Peers other nodes announced to us, over every info-hash.
    public var torrentsStored: Int

    public init(port: Int = 0, nodes: Int = 0, lookupsRunning: Int = 0, lookupsDone: Int = 0, peersFound: Int = 0,
                torrentsStored: Int = 0) {
        self.port = port
        self.nodes = nodes
        self.lookupsRunning = lookupsRunning
        self.lookupsDone = lookupsDone
        self.peersFound = peersFound
        self.torrentsStored = torrentsStored
    }
}
