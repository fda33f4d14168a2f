/// A Kademlia routing table (BEP 5): buckets of at most `bucketSize` nodes by shared id prefix with our
/// own id; the bucket that holds our own id splits when full. Pure: every call takes the time `now`
/// (any monotonic clock's reading since a fixed origin), so tests drive it with a fake clock.
///
/// A node is good when it answered within `goodInterval`, questionable after that, and bad after
/// `maxFailures` queries in a row went unanswered. A full bucket keeps newcomers in a replacement cache:
/// a bad node makes room at once; questionable ones are handed back to be pinged.
public struct RoutingTable: Sendable {
    public static let bucketSize = 8
    public static let goodInterval: Duration = .seconds(15 * 60)
    public static let maxFailures = 2

    public enum NodeState: Sendable, Equatable { case good, questionable, bad }

    public enum InsertResult: Sendable, Equatable {
        case added, updated, ignored
        /// The bucket is full: the node waits in the replacement cache. Ping these questionable nodes; the
        /// ones that fail make room.
        case full(ping: [NodeInfo])
    }

    struct Entry: Sendable {
        var node: NodeInfo
        var lastSeen: Duration
        var failures = 0
    }

    struct Bucket: Sendable {
        var nodes: [Entry] = []
        var replacements: [Entry] = []
        var lastChanged: Duration
    }

    public let ownID: NodeID
    private(set) var buckets: [Bucket]

    public init(ownID: NodeID, now: Duration) {
        self.ownID = ownID
        self.buckets = [Bucket(lastChanged: now)]
    }

    public var count: Int { buckets.reduce(0) { $0 + $1.nodes.count } }
    public var bucketCount: Int { buckets.count }

    public var allNodes: [NodeInfo] { buckets.flatMap { $0.nodes.map(\.node) } }

    public func state(of id: NodeID, now: Duration) -> NodeState? {
        guard let (b, i) = find(id) else { return nil }
        return Self.state(buckets[b].nodes[i], now: now)
    }

    static func state(_ entry: Entry, now: Duration) -> NodeState {
        if entry.failures >= maxFailures { return .bad }
        return now - entry.lastSeen <= goodInterval ? .good : .questionable
    }

    /// The node answered us or queried us: it is added, refreshed, or waits for room.
    @discardableResult
    public mutating func heard(from node: NodeInfo, now: Duration) -> InsertResult {
        guard node.id != ownID, node.address.port != 0 else { return .ignored }
        if let (b, i) = find(node.id) {
            // The same id from another address is not believed: it would let anyone move a node.
            guard buckets[b].nodes[i].node.address == node.address else { return .ignored }
            buckets[b].nodes[i].lastSeen = now
            buckets[b].nodes[i].failures = 0
            buckets[b].lastChanged = now
            return .updated
        }
        // One entry per address: a host that changes its id does not get a second slot.
        if buckets.contains(where: { $0.nodes.contains { $0.node.address == node.address } }) { return .ignored }
        while true {
            let b = bucketIndex(for: node.id)
            if buckets[b].nodes.count < Self.bucketSize {
                buckets[b].nodes.append(Entry(node: node, lastSeen: now))
                buckets[b].replacements.removeAll { $0.node.id == node.id }
                buckets[b].lastChanged = now
                return .added
            }
            if let bad = buckets[b].nodes.firstIndex(where: { Self.state($0, now: now) == .bad }) {
                buckets[b].nodes[bad] = Entry(node: node, lastSeen: now)
                buckets[b].lastChanged = now
                return .added
            }
            if b == buckets.count - 1 && buckets.count < 160 {
                split()
                continue
            }
            buckets[b].replacements.removeAll { $0.node.id == node.id || $0.node.address == node.address }
            buckets[b].replacements.append(Entry(node: node, lastSeen: now))
            if buckets[b].replacements.count > Self.bucketSize { buckets[b].replacements.removeFirst() }
            let questionable = buckets[b].nodes.filter { Self.state($0, now: now) == .questionable }.map(\.node)
            return .full(ping: questionable)
        }
    }

    /// A query to the node went unanswered. A node that turns bad gives its slot to the newest
    /// replacement, if any.
    public mutating func failed(_ id: NodeID, now: Duration) {
        guard let (b, i) = find(id) else { return }
        buckets[b].nodes[i].failures += 1
        guard Self.state(buckets[b].nodes[i], now: now) == .bad else { return }
        if let replacement = buckets[b].replacements.popLast() {
            buckets[b].nodes[i] = replacement
            buckets[b].lastChanged = now
        }
    }

    /// Removes a node outright (for example one that answered with another id).
    public mutating func remove(_ id: NodeID) {
        guard let (b, i) = find(id) else { return }
        buckets[b].nodes.remove(at: i)
        if let replacement = buckets[b].replacements.popLast() { buckets[b].nodes.append(replacement) }
    }

    /// Up to `count` good or questionable nodes, closest to `target` first.
    public func closest(to target: NodeID, count: Int = RoutingTable.bucketSize, now: Duration) -> [NodeInfo] {
        let candidates = buckets.flatMap { $0.nodes.filter { Self.state($0, now: now) != .bad }.map(\.node) }
        return Array(candidates.sorted { target.isCloser($0.id, than: $1.id) }.prefix(count))
    }

    /// Nodes to ping: questionable ones, so that they turn good again or bad.
    public func questionableNodes(now: Duration) -> [NodeInfo] {
        buckets.flatMap { $0.nodes.filter { Self.state($0, now: now) == .questionable }.map(\.node) }
    }

    public func goodNodes(now: Duration) -> [NodeInfo] {
        buckets.flatMap { $0.nodes.filter { Self.state($0, now: now) == .good }.map(\.node) }
    }

    /// Buckets nothing happened in for `interval`: look up a random id in each (`refreshTarget`).
    public func staleBuckets(now: Duration, interval: Duration = RoutingTable.goodInterval) -> [Int] {
        buckets.indices.filter { now - buckets[$0].lastChanged >= interval }
    }

    /// A random id that falls in bucket `index` (it shares exactly `index` leading bits with ours).
    public func refreshTarget(bucket index: Int, using generator: inout some RandomNumberGenerator) -> NodeID {
        ownID.random(sharingPrefix: index, using: &generator)
    }

    /// Marks a bucket as just refreshed.
    public mutating func touchBucket(_ index: Int, now: Duration) {
        guard buckets.indices.contains(index) else { return }
        buckets[index].lastChanged = now
    }

    func bucketIndex(for id: NodeID) -> Int {
        min(ownID.commonPrefixLength(with: id), buckets.count - 1)
    }

    private func find(_ id: NodeID) -> (Int, Int)? {
        let b = bucketIndex(for: id)
        guard let i = buckets[b].nodes.firstIndex(where: { $0.node.id == id }) else { return nil }
        return (b, i)
    }

    /// Splits the last bucket: nodes sharing one more bit with our id move to a new last bucket.
    private mutating func split() {
        let depth = buckets.count - 1
        var old = buckets[depth]
        var new = Bucket(lastChanged: old.lastChanged)
        let own = ownID
        let movesDown = { (entry: Entry) in own.commonPrefixLength(with: entry.node.id) > depth }
        new.nodes = old.nodes.filter(movesDown)
        old.nodes.removeAll(where: movesDown)
        new.replacements = old.replacements.filter(movesDown)
        old.replacements.removeAll(where: movesDown)
        buckets[depth] = old
        buckets.append(new)
    }
}
