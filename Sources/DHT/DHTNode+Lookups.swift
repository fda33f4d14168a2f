import TorrentModel

/// Iterative lookups: get_peers and announce_peer for the engine, find_node for upkeep.
extension DHTNode {
    /// What a get_peers lookup (and announce) came to.
    public struct PeersResult: Sendable {
        /// Peers from the nodes asked, and those announced to this node itself (it is part of the DHT).
        public var peers: [PeerAddress]
        /// Nodes that answered; none means the table was empty or nobody replied, so try again soon.
        public var nodesResponded: Int
        /// Nodes that took our announce_peer.
        public var announcedTo: Int
    }

    /// Peers of the info-hash found with an iterative get_peers lookup.
    public func getPeers(_ infoHash: InfoHash) async -> PeersResult {
        let target = NodeID(unchecked: infoHash.bytes)
        let lookup = await lookup(target, kind: .getPeers)
        return PeersResult(peers: merged(lookup.peers, target), nodesResponded: lookup.respondedCount, announcedTo: 0)
    }

    /// get_peers, then announce_peer to the closest nodes that gave a token. `port` is our TCP port; nil
    /// announces the UDP source port (`implied_port`).
    public func announce(_ infoHash: InfoHash, port: UInt16?) async -> PeersResult {
        let target = NodeID(unchecked: infoHash.bytes)
        let result = await lookup(target, kind: .getPeers)
        let accepted = await withTaskGroup(of: Bool.self) { group -> Int in
            for (node, token) in result.announceTargets {
                let query = KRPCQuery.announcePeer(
                    infoHash: target, port: port ?? 0, token: token, impliedPort: port == nil)
                group.addTask { await self.query(query, to: node.address, expecting: node.id) != nil }
            }
            var count = 0
            for await ok in group where ok { count += 1 }
            return count
        }
        return PeersResult(peers: merged(result.peers, target), nodesResponded: result.respondedCount, announcedTo: accepted)
    }

    func merged(_ found: [PeerAddress], _ target: NodeID) -> [PeerAddress] {
        var seen = Set(found)
        var out = found
        for peer in store.peers(for: target, now: now) where seen.insert(peer).inserted { out.append(peer) }
        peersFound += out.count
        return out
    }

    func lookup(_ target: NodeID, kind: Lookup.Kind) async -> Lookup {
        lookupsRunning += 1
        defer {
            lookupsRunning -= 1
            lookupsDone += 1
        }
        var lookup = Lookup(
            target: target, kind: kind, ownID: ownID, seeds: table.closest(to: target, count: Lookup.k * 2, now: now))
        let query: KRPCQuery = kind == .getPeers
            ? .getPeers(infoHash: target, want: []) : .findNode(target: target, want: [])
        let ipv6 = usesIPv6
        await withTaskGroup(of: (NodeInfo, KRPCResponse?).self) { group in
            var running = 0
            while true {
                if !stopped && !lookup.isDone {
                    for node in lookup.nextQueries() {
                        running += 1
                        group.addTask { (node, await self.query(query, to: node.address, expecting: node.id)) }
                    }
                }
                guard running > 0, let (node, response) = await group.next() else { break }
                running -= 1
                if let response {
                    lookup.responded(node, nodes: ipv6 ? response.nodes6 : response.nodes, values: response.values,
                                     token: response.token)
                } else {
                    lookup.failed(node)
                }
            }
        }
        return lookup
    }
}
