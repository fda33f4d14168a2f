import TorrentModel

/// announce_peer tokens (BEP 5): a token is a hash of a secret and the asker's IP address, so only a node
/// that did get_peers from that address can announce. The secret changes every `rotation`; tokens made
/// with the current or the previous secret are accepted, so a token stays good for 5 to 10 minutes.
public struct TokenIssuer: Sendable {
    public static let rotation: Duration = .seconds(5 * 60)
    public static let tokenLength = 8

    private var current: [UInt8]
    private var previous: [UInt8]
    private var rotatedAt: Duration
    private let newSecret: @Sendable () -> [UInt8]

    /// `newSecret` makes each new secret; tests pass a deterministic one.
    public init(now: Duration, newSecret: @escaping @Sendable () -> [UInt8] = TokenIssuer.randomSecret) {
        self.newSecret = newSecret
        current = newSecret()
        previous = newSecret()
        rotatedAt = now
    }

    @Sendable public static func randomSecret() -> [UInt8] {
        (0..<16).map { _ in UInt8.random(in: 0...255) }
    }

    public mutating func token(for host: String, now: Duration) -> [UInt8] {
        rotateIfDue(now: now)
        return Self.make(secret: current, host: host)
    }

    public mutating func isValid(_ token: [UInt8], for host: String, now: Duration) -> Bool {
        rotateIfDue(now: now)
        return token == Self.make(secret: current, host: host) || token == Self.make(secret: previous, host: host)
    }

    private mutating func rotateIfDue(now: Duration) {
        let elapsed = now - rotatedAt
        guard elapsed >= Self.rotation else { return }
        // After two rotation periods of silence neither old secret may stay valid.
        previous = elapsed >= Self.rotation * 2 ? newSecret() : current
        current = newSecret()
        rotatedAt = now
    }

    private static func make(secret: [UInt8], host: String) -> [UInt8] {
        let address = IPText.parse(host) ?? Array(host.utf8)
        return Array(PieceHash.sha1(secret + address).prefix(tokenLength))
    }
}
