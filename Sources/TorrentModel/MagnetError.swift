/// Why a magnet link was rejected. The descriptions quote the offending part, made terminal-safe.
public enum MagnetError: Error, Equatable, Sendable, CustomStringConvertible {
    case notAMagnetLink
    case tooLong(Int)
    case missingInfoHash
    case badInfoHash(String)
    case conflictingInfoHashes
    /// Only a BitTorrent v2 hash (`urn:btmh:`), which Swarm does not speak yet.
    case onlyVersion2
    case badPercentEncoding(String)
    case badTracker(String)
    case badPeerAddress(String)
    case badFileSelection(String)
    case tooMany(String, limit: Int)

    public var description: String {
        switch self {
        case .notAMagnetLink: "not a magnet link: it must start with 'magnet:?'"
        case .tooLong(let n): "bad magnet link: \(n) characters is too long"
        case .missingInfoHash: "bad magnet link: no 'xt=urn:btih:' info-hash"
        case .badInfoHash(let text):
            "bad magnet link: info-hash '\(text.terminalSafe)' is neither 40 hex digits nor 32 base32 characters"
        case .conflictingInfoHashes: "bad magnet link: it names two different info-hashes"
        case .onlyVersion2: "unsupported magnet link: it has only a BitTorrent v2 hash (urn:btmh)"
        case .badPercentEncoding(let key): "bad magnet link: broken %-escape in '\(key.terminalSafe)'"
        case .badTracker(let url): "bad magnet link: tracker '\(url.terminalSafe)' is not a URL"
        case .badPeerAddress(let text):
            "bad magnet link: peer '\(text.terminalSafe)' is not HOST:PORT or [IPv6]:PORT"
        case .badFileSelection(let text):
            "bad magnet link: file selection 'so=\(text.terminalSafe)' is not like 0,2,4-6"
        case .tooMany(let what, let limit): "bad magnet link: more than \(limit) \(what)"
        }
    }
}
