import TorrentModel

/// Which address families a requester wants nodes of (BEP 32 `want`: `n4`, `n6`).
public struct NodeFamilies: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let ipv4 = NodeFamilies(rawValue: 1)
    public static let ipv6 = NodeFamilies(rawValue: 2)
}

/// The four queries of BEP 5.
public enum KRPCQuery: Hashable, Sendable {
    case ping
    /// `want` is empty when the requester did not say (then: the family of the socket it came on).
    case findNode(target: NodeID, want: NodeFamilies)
    case getPeers(infoHash: NodeID, want: NodeFamilies)
    /// `impliedPort`: use the UDP source port instead of `port` (BEP 5 `implied_port`).
    case announcePeer(infoHash: NodeID, port: UInt16, token: [UInt8], impliedPort: Bool)

    public var methodName: String {
        switch self {
        case .ping: "ping"
        case .findNode: "find_node"
        case .getPeers: "get_peers"
        case .announcePeer: "announce_peer"
        }
    }
}

/// A reply's arguments. Which ones are present depends on the query it answers.
public struct KRPCResponse: Hashable, Sendable {
    public var id: NodeID
    public var nodes: [NodeInfo] = []
    public var nodes6: [NodeInfo] = []
    /// Peers of a get_peers reply (compact 6- or 18-byte entries on the wire).
    public var values: [PeerAddress] = []
    public var token: [UInt8]?

    public init(id: NodeID, nodes: [NodeInfo] = [], nodes6: [NodeInfo] = [], values: [PeerAddress] = [],
                token: [UInt8]? = nil) {
        self.id = id
        self.nodes = nodes
        self.nodes6 = nodes6
        self.values = values
        self.token = token
    }
}

/// KRPC error codes (BEP 5).
public enum KRPCErrorCode: Int64, Sendable {
    case generic = 201, server = 202, protocolError = 203, methodUnknown = 204
}

/// One KRPC message: a query, a response or an error, with its transaction id.
public struct KRPCMessage: Hashable, Sendable {
    public enum Body: Hashable, Sendable {
        case query(sender: NodeID, KRPCQuery)
        case response(KRPCResponse)
        case error(code: Int64, message: String)
    }

    public var transactionID: [UInt8]
    public var body: Body
    /// The sender's client version (`v`), when it sent one.
    public var version: [UInt8]?
    /// BEP 43: the sender only asks and never answers, so it does not belong in a routing table.
    public var readOnly: Bool

    public init(transactionID: [UInt8], body: Body, version: [UInt8]? = nil, readOnly: Bool = false) {
        self.transactionID = transactionID
        self.body = body
        self.version = version
        self.readOnly = readOnly
    }
}
