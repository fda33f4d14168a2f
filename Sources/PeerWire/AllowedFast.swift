import TorrentModel

/// The allowed-fast set of BEP 6: pieces a peer may request while choked, derived from its address and the
/// info-hash so that both ends (and the peer on any reconnect from the same network) get the same set.
public enum AllowedFast {
    /// How many pieces we allow: libtorrent's default, and BEP 6's suggestion.
    public static let defaultCount = 10

    /// BEP 6's canonical algorithm: SHA-1 chained over the peer's IPv4 /24 and the info-hash, each digest
    /// giving five 32-bit piece indices modulo the piece count, duplicates skipped, until `count` pieces.
    /// IPv4-mapped IPv6 addresses count as IPv4. BEP 6 covers IPv4 only; for other IPv6 addresses we use
    /// the /64 (the first 8 bytes, the rest zero). Nil-free: an unparsable host gets no pieces.
    public static func pieces(forHost host: String, infoHash: [UInt8], pieceCount: Int, count: Int = defaultCount)
        -> [Int]
    {
        guard pieceCount > 0, count > 0 else { return [] }
        var x: [UInt8]
        if let v4 = IPAddressText.ipv4Bytes(host) {
            x = Array(v4[0..<3]) + [0]
        } else if let v6 = IPAddressText.ipv6Bytes(host) {
            x = IPAddressText.isIPv4Mapped(v6) ? Array(v6[12..<15]) + [0] : Array(v6[0..<8]) + Array(repeating: 0, count: 8)
        } else {
            return []
        }
        let wanted = min(count, pieceCount)
        var result: [Int] = []
        var chosen = Set<Int>()
        x += infoHash
        while result.count < wanted {
            x = PieceHash.sha1(x)
            for i in 0..<5 where result.count < wanted {
                let y = UInt32(x[4 * i]) << 24 | UInt32(x[4 * i + 1]) << 16 | UInt32(x[4 * i + 2]) << 8 | UInt32(x[4 * i + 3])
                let index = Int(y % UInt32(pieceCount))
                if chosen.insert(index).inserted { result.append(index) }
            }
        }
        return result
    }
}
