import Bencode
import NIOCore

/// The BEP 10 extension handshake (extended message 0): which extensions a peer speaks, its client
/// name, and how many requests it accepts in flight (`reqq`).
public struct ExtensionHandshake: Equatable, Sendable {
    /// Extension names mapped to the message ids the sender wants to receive them with.
    public var extensions: [String: Int] = [:]
    public var client: String?
    public var maxRequests: Int?
    public var listenPort: UInt16?
    /// Size of the info dictionary in bytes (BEP 9), sent by peers that have it.
    public var metadataSize: Int?

    public init(
        extensions: [String: Int] = [:], client: String? = nil, maxRequests: Int? = nil, listenPort: UInt16? = nil,
        metadataSize: Int? = nil
    ) {
        self.extensions = extensions
        self.client = client
        self.maxRequests = maxRequests
        self.listenPort = listenPort
        self.metadataSize = metadataSize
    }

    /// Parses the payload of extended message 0. Nil when it is not a bencoded dictionary.
    public init?(payload: ByteBuffer) {
        let bytes = payload.getBytes(at: payload.readerIndex, length: payload.readableBytes) ?? []
        guard let value = try? BencodeDecoder(limits: .init(maxDepth: 8, maxStringLength: 1 << 16, maxItems: 10_000))
            .decode(bytes), case .dictionary = value
        else { return nil }
        if let m = value["m"]?.dictionary {
            for (key, id) in m {
                if let name = String(validating: key, as: UTF8.self), let id = id.integer, id >= 0, id < 256 {
                    extensions[name] = Int(id)
                }
            }
        }
        client = value["v"]?.text
        if let reqq = value["reqq"]?.integer, reqq > 0 { maxRequests = Int(min(reqq, 100_000)) }
        if let port = value["p"]?.integer, port > 0, port < 65536 { listenPort = UInt16(port) }
        if let size = value["metadata_size"]?.integer, size > 0, size <= Int64(Int32.max) { metadataSize = Int(size) }
    }

    public var payload: ByteBuffer {
        var dict: [String: BencodeValue] = ["m": .dict(extensions.mapValues { .integer(Int64($0)) })]
        if let client { dict["v"] = .string(client) }
        if let maxRequests { dict["reqq"] = .integer(Int64(maxRequests)) }
        if let listenPort { dict["p"] = .integer(Int64(listenPort)) }
        if let metadataSize { dict["metadata_size"] = .integer(Int64(metadataSize)) }
        return ByteBuffer(bytes: BencodeEncoder.encode(.dict(dict)))
    }
}
