import Bencode

/// What a node keeps between runs: its id and the nodes that were good, bencoded as
/// `{id: 20 bytes, nodes: compact IPv4 nodes, nodes6: compact IPv6 nodes}`.
public struct DHTState: Sendable, Equatable {
    public var id: NodeID
    public var nodes: [NodeInfo]

    public init(id: NodeID, nodes: [NodeInfo]) {
        self.id = id
        self.nodes = nodes
    }

    public var encoded: [UInt8] {
        BencodeEncoder.encode(.dict([
            "id": .bytes(id.bytes),
            "nodes": .bytes(NodeInfo.encodeCompact(nodes, ipv6: false)),
            "nodes6": .bytes(NodeInfo.encodeCompact(nodes, ipv6: true)),
        ]))
    }

    /// Nil for anything that is not a state file we wrote (a damaged file starts the node afresh).
    public init?(decoding bytes: [UInt8]) {
        guard bytes.count <= 1 << 20,
            let value = try? BencodeDecoder(limits: .init(maxDepth: 4, maxStringLength: 1 << 20, maxItems: 16))
                .decode(bytes),
            let id = value["id"]?.bytes.flatMap(NodeID.init(bytes:))
        else { return nil }
        let v4 = value["nodes"]?.bytes.flatMap { NodeInfo.decodeCompact($0, ipv6: false) } ?? []
        let v6 = value["nodes6"]?.bytes.flatMap { NodeInfo.decodeCompact($0, ipv6: true) } ?? []
        self.init(id: id, nodes: v4 + v6)
    }
}
