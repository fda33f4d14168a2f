import Bencode
import TorrentModel

/// Why a datagram was not a KRPC message we accept. `transactionID` is set when the packet was a
/// well-formed dictionary with a `t`, so that a bad query can still get an error reply.
public struct KRPCDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    public let reason: String
    public let transactionID: [UInt8]?
    /// The packet was a query (`y` = `q`): the sender expects an answer.
    public let wasQuery: Bool
    public let code: KRPCErrorCode

    public var description: String { reason }
}

/// Encodes and decodes KRPC messages (BEP 5, with BEP 32's `nodes6` and `want`).
///
/// Decoding is strict about sizes: a datagram over `maxPacketSize`, deep nesting, too many items, ids
/// that are not 20 bytes, compact lists of the wrong length: each is an error, never a crash.
public enum KRPCCodec {
    public static let maxPacketSize = 4096
    public static let maxTransactionIDLength = 32
    private static let limits = BencodeDecoder.Limits(maxDepth: 8, maxStringLength: maxPacketSize, maxItems: 512)

    // MARK: Encoding

    public static func encode(_ message: KRPCMessage) -> [UInt8] {
        var top: [String: BencodeValue] = ["t": .bytes(message.transactionID)]
        if let version = message.version { top["v"] = .bytes(version) }
        if message.readOnly { top["ro"] = .integer(1) }
        switch message.body {
        case .query(let sender, let query):
            top["y"] = .string("q")
            top["q"] = .string(query.methodName)
            var args: [String: BencodeValue] = ["id": .bytes(sender.bytes)]
            switch query {
            case .ping:
                break
            case .findNode(let target, let want):
                args["target"] = .bytes(target.bytes)
                if let want = encodeWant(want) { args["want"] = want }
            case .getPeers(let infoHash, let want):
                args["info_hash"] = .bytes(infoHash.bytes)
                if let want = encodeWant(want) { args["want"] = want }
            case .announcePeer(let infoHash, let port, let token, let impliedPort):
                args["info_hash"] = .bytes(infoHash.bytes)
                args["port"] = .integer(Int64(port))
                args["token"] = .bytes(token)
                if impliedPort { args["implied_port"] = .integer(1) }
            }
            top["a"] = .dict(args)
        case .response(let response):
            top["y"] = .string("r")
            var args: [String: BencodeValue] = ["id": .bytes(response.id.bytes)]
            if !response.nodes.isEmpty { args["nodes"] = .bytes(NodeInfo.encodeCompact(response.nodes, ipv6: false)) }
            if !response.nodes6.isEmpty { args["nodes6"] = .bytes(NodeInfo.encodeCompact(response.nodes6, ipv6: true)) }
            if !response.values.isEmpty {
                args["values"] = .list(response.values.compactMap {
                    NodeAddress(host: $0.host, port: $0.port).compact.map(BencodeValue.bytes)
                })
            }
            if let token = response.token { args["token"] = .bytes(token) }
            top["r"] = .dict(args)
        case .error(let code, let text):
            top["y"] = .string("e")
            top["e"] = .list([.integer(code), .string(text)])
        }
        return BencodeEncoder.encode(.dict(top))
    }

    private static func encodeWant(_ want: NodeFamilies) -> BencodeValue? {
        guard !want.isEmpty else { return nil }
        var list: [BencodeValue] = []
        if want.contains(.ipv4) { list.append(.string("n4")) }
        if want.contains(.ipv6) { list.append(.string("n6")) }
        return .list(list)
    }

    // MARK: Decoding

    public static func decode(_ packet: some Collection<UInt8>) throws(KRPCDecodeError) -> KRPCMessage {
        guard packet.count <= maxPacketSize else {
            throw KRPCDecodeError(reason: "packet of \(packet.count) bytes is too large", transactionID: nil,
                                  wasQuery: false, code: .protocolError)
        }
        let value: BencodeValue
        do {
            value = try BencodeDecoder(limits: limits).decode(packet)
        } catch {
            throw KRPCDecodeError(reason: "not bencode: \(error)", transactionID: nil, wasQuery: false,
                                  code: .protocolError)
        }
        guard value.dictionary != nil else {
            throw KRPCDecodeError(reason: "not a dictionary", transactionID: nil, wasQuery: false, code: .protocolError)
        }
        guard let tid = value["t"]?.bytes, tid.count <= maxTransactionIDLength else {
            throw KRPCDecodeError(reason: "missing or bad transaction id", transactionID: nil, wasQuery: false,
                                  code: .protocolError)
        }
        let kind = value["y"]?.text
        func fail(_ reason: String, _ code: KRPCErrorCode = .protocolError) -> KRPCDecodeError {
            KRPCDecodeError(reason: reason, transactionID: tid, wasQuery: kind == "q", code: code)
        }
        let version = value["v"]?.bytes.flatMap { $0.count <= 16 ? $0 : nil }
        switch kind {
        case "q":
            guard let method = value["q"]?.text else { throw fail("query without a method name") }
            guard let args = value["a"], args.dictionary != nil else { throw fail("query without arguments") }
            guard let sender = args["id"]?.bytes.flatMap(NodeID.init(bytes:)) else { throw fail("bad node id") }
            let query = try decodeQuery(method, args, fail)
            return KRPCMessage(transactionID: tid, body: .query(sender: sender, query), version: version,
                               readOnly: value["ro"]?.integer == 1)
        case "r":
            guard let args = value["r"], args.dictionary != nil else { throw fail("response without a body") }
            return KRPCMessage(transactionID: tid, body: .response(try decodeResponse(args, fail)), version: version)
        case "e":
            guard let list = value["e"]?.list, list.count >= 2, let code = list[0].integer,
                let text = list[1].bytes
            else { throw fail("malformed error") }
            let message = String(decoding: text.prefix(200), as: UTF8.self)
            return KRPCMessage(transactionID: tid, body: .error(code: code, message: message), version: version)
        default:
            throw fail("unknown message type")
        }
    }

    private static func decodeQuery(
        _ method: String, _ args: BencodeValue, _ fail: (String, KRPCErrorCode) -> KRPCDecodeError
    ) throws(KRPCDecodeError) -> KRPCQuery {
        func id(_ key: String) throws(KRPCDecodeError) -> NodeID {
            guard let id = args[key]?.bytes.flatMap(NodeID.init(bytes:)) else {
                throw fail("\(method): bad or missing \(key)", .protocolError)
            }
            return id
        }
        switch method {
        case "ping":
            return .ping
        case "find_node":
            return .findNode(target: try id("target"), want: decodeWant(args["want"]))
        case "get_peers":
            return .getPeers(infoHash: try id("info_hash"), want: decodeWant(args["want"]))
        case "announce_peer":
            let infoHash = try id("info_hash")
            guard let token = args["token"]?.bytes, token.count <= 64 else {
                throw fail("announce_peer: bad or missing token", .protocolError)
            }
            let implied = (args["implied_port"]?.integer ?? 0) != 0
            let port = args["port"]?.integer
            guard implied || port.map({ (1...65535).contains($0) }) == true else {
                throw fail("announce_peer: bad or missing port", .protocolError)
            }
            return .announcePeer(infoHash: infoHash, port: UInt16(clamping: port ?? 0), token: token, impliedPort: implied)
        default:
            throw fail("unknown method", .methodUnknown)
        }
    }

    private static func decodeWant(_ value: BencodeValue?) -> NodeFamilies {
        var want: NodeFamilies = []
        for item in value?.list ?? [] {
            switch item.text {
            case "n4": want.insert(.ipv4)
            case "n6": want.insert(.ipv6)
            default: break
            }
        }
        return want
    }

    private static func decodeResponse(
        _ args: BencodeValue, _ fail: (String, KRPCErrorCode) -> KRPCDecodeError
    ) throws(KRPCDecodeError) -> KRPCResponse {
        guard let id = args["id"]?.bytes.flatMap(NodeID.init(bytes:)) else { throw fail("response: bad node id", .protocolError) }
        var response = KRPCResponse(id: id)
        if let nodes = args["nodes"] {
            guard let bytes = nodes.bytes, let decoded = NodeInfo.decodeCompact(bytes, ipv6: false) else {
                throw fail("response: malformed nodes", .protocolError)
            }
            response.nodes = decoded
        }
        if let nodes6 = args["nodes6"] {
            guard let bytes = nodes6.bytes, let decoded = NodeInfo.decodeCompact(bytes, ipv6: true) else {
                throw fail("response: malformed nodes6", .protocolError)
            }
            response.nodes6 = decoded
        }
        if let values = args["values"] {
            guard let list = values.list else { throw fail("response: values is not a list", .protocolError) }
            for item in list {
                guard let bytes = item.bytes, let address = NodeAddress(compact: bytes), address.port != 0 else { continue }
                response.values.append(PeerAddress(host: address.host, port: address.port))
            }
        }
        if let token = args["token"] {
            guard let bytes = token.bytes, bytes.count <= 64 else { throw fail("response: bad token", .protocolError) }
            response.token = bytes
        }
        return response
    }
}
