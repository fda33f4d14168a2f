import DHT

/// The DHT's health in plain numbers, for front ends (the status bar, the daemon's summary): nothing of
/// the DHT's networking comes with it.
public struct DHTHealth: Codable, Sendable, Hashable {
    public var nodes: Int
    public var lookupsRunning: Int
    public var lookupsDone: Int
    public var peersFound: Int

    public init(nodes: Int, lookupsRunning: Int, lookupsDone: Int, peersFound: Int) {
        self.nodes = nodes
        self.lookupsRunning = lookupsRunning
        self.lookupsDone = lookupsDone
        self.peersFound = peersFound
    }

    init(_ status: DHTStatus) {
        self.init(
            nodes: status.nodes, lookupsRunning: status.lookupsRunning, lookupsDone: status.lookupsDone,
            peersFound: status.peersFound)
    }
}

extension Session {
    /// The DHT's health for front ends; nil when the DHT is off.
    public func dhtHealth() async -> DHTHealth? {
        await dhtStatus().map(DHTHealth.init)
    }
}
