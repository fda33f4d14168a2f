/// How the model's values travel in JSON (the control socket, `--json` output): info-hashes as 40 hex
/// digits, peer addresses as `host` and `port`, peer sources by name.
extension InfoHash: Codable {
    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let hash = InfoHash(hex: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an info-hash: \(text.prefix(60))"))
        }
        self = hash
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(hex)
    }
}

extension PeerAddress: Codable {
    private enum Keys: String, CodingKey { case host, port }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        self.init(host: try container.decode(String.self, forKey: .host), port: try container.decode(UInt16.self, forKey: .port))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(host, forKey: .host)
        try container.encode(port, forKey: .port)
    }
}

extension PeerSource: Codable {}
