import TorrentModel

/// An iterative Kademlia lookup (BEP 5) as a pure state machine: it keeps the candidates it heard of,
/// closest to the target first, asks at most `alpha` of them at a time, and is done when the `k` closest
/// that did not fail have all answered. For get_peers it also gathers peers and the tokens needed to
/// announce to the closest nodes. The caller sends the queries `nextQueries()` returns and reports each
/// answer (`responded`) or timeout (`failed`).
public struct Lookup: Sendable {
    public enum Kind: Sendable, Equatable { case findNode, getPeers }

    public static let alpha = 3
    public static let k = RoutingTable.bucketSize
    /// A lookup stops asking after this many queries, whatever else happens.
    public static let maxQueries = 64
    static let maxCandidates = 128

    enum Status: Sendable, Equatable { case fresh, inFlight, responded, failed }

    struct Candidate: Sendable {
        let node: NodeInfo
        var status: Status = .fresh
        var token: [UInt8]?
    }

    public let target: NodeID
    public let kind: Kind
    let ownID: NodeID?
    private(set) var candidates: [Candidate] = []
    public private(set) var peers: [PeerAddress] = []
    private var knownPeers: Set<PeerAddress> = []
    public private(set) var queriesSent = 0

    /// `ownID` is left out of the candidates (we never ask ourselves).
    public init(target: NodeID, kind: Kind, ownID: NodeID? = nil, seeds: [NodeInfo]) {
        self.target = target
        self.kind = kind
        self.ownID = ownID
        add(seeds)
    }

    public var inFlight: Int { candidates.filter { $0.status == .inFlight }.count }

    /// Candidates to ask now; they count as in flight until answered or failed.
    public mutating func nextQueries() -> [NodeInfo] {
        var slots = Self.alpha - inFlight
        var out: [NodeInfo] = []
        for i in closestLiveIndices() where slots > 0 && queriesSent < Self.maxQueries {
            guard candidates[i].status == .fresh else { continue }
            candidates[i].status = .inFlight
            out.append(candidates[i].node)
            queriesSent += 1
            slots -= 1
        }
        return out
    }

    /// An answer from `node`: the closer nodes it named, and for get_peers its peers and token.
    public mutating func responded(_ node: NodeInfo, nodes: [NodeInfo], values: [PeerAddress] = [], token: [UInt8]? = nil) {
        guard let i = candidates.firstIndex(where: { $0.node.id == node.id }), candidates[i].status == .inFlight else {
            return
        }
        candidates[i].status = .responded
        candidates[i].token = token
        for peer in values where !knownPeers.contains(peer) && peers.count < 1000 {
            knownPeers.insert(peer)
            peers.append(peer)
        }
        add(nodes)
    }

    /// `node` did not answer in time (or answered with an error).
    public mutating func failed(_ node: NodeInfo) {
        guard let i = candidates.firstIndex(where: { $0.node.id == node.id }), candidates[i].status == .inFlight else {
            return
        }
        candidates[i].status = .failed
    }

    /// Done: the `k` closest live candidates have all answered, or the query budget is spent and nothing
    /// is in flight.
    public var isDone: Bool {
        if inFlight > 0 { return false }
        if queriesSent >= Self.maxQueries { return true }
        return closestLiveIndices().allSatisfy { candidates[$0].status == .responded }
    }

    /// How many nodes answered.
    public var respondedCount: Int { candidates.filter { $0.status == .responded }.count }

    /// The closest nodes that answered, closest first.
    public var closestResponded: [NodeInfo] {
        Array(candidates.filter { $0.status == .responded }.prefix(Self.k).map(\.node))
    }

    /// The closest nodes that answered get_peers with a token, to announce to.
    public var announceTargets: [(node: NodeInfo, token: [UInt8])] {
        Array(candidates.compactMap { c in
            c.status == .responded ? c.token.map { (node: c.node, token: $0) } : nil
        }.prefix(Self.k))
    }

    /// Indices of the `k` closest candidates that have not failed (candidates are kept sorted).
    private func closestLiveIndices() -> [Int] {
        Array(candidates.indices.filter { candidates[$0].status != .failed }.prefix(Self.k))
    }

    private mutating func add(_ nodes: [NodeInfo]) {
        for node in nodes where node.id != ownID && node.address.port != 0 {
            guard !candidates.contains(where: { $0.node.id == node.id || $0.node.address == node.address }) else {
                continue
            }
            let index = candidates.firstIndex { target.isCloser(node.id, than: $0.node.id) } ?? candidates.endIndex
            candidates.insert(Candidate(node: node), at: index)
        }
        // Far candidates beyond the cap are dropped; ones in flight stay so their answers still count.
        while candidates.count > Self.maxCandidates,
            let last = candidates.lastIndex(where: { $0.status == .fresh })
        {
            candidates.remove(at: last)
        }
    }
}
