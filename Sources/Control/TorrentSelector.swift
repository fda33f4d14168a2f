import Foundation
import TorrentModel

/// Finds the torrent a user means: a list position (`1` is the first, as `swarm list` numbers them), an
/// info-hash or a prefix of one, or a name: exactly (ignoring case), else a part of it. Anything that
/// matches several torrents is an error listing them.
public enum TorrentSelector {
    public struct Candidate: Sendable, Equatable {
        public var infoHash: InfoHash
        public var name: String

        public init(infoHash: InfoHash, name: String) {
            self.infoHash = infoHash
            self.name = name
        }
    }

    public enum Failure: Error, Equatable, CustomStringConvertible, Sendable {
        case empty
        case noMatch(String)
        case ambiguous(String, [Candidate])

        public var description: String {
            switch self {
            case .empty: return "no torrent named: give an info-hash, a list number or a name"
            case .noMatch(let text): return "no torrent matches '\(text)' (see swarm list)"
            case .ambiguous(let text, let matches):
                let shown = matches.prefix(10).map { "\($0.infoHash.hex.prefix(8))  \($0.name)" }
                let more = matches.count > 10 ? "\n  ... and \(matches.count - 10) more" : ""
                return "'\(text)' matches \(matches.count) torrents; use more of the info-hash:\n  "
                    + shown.joined(separator: "\n  ") + more
            }
        }
    }

    /// The one torrent of `candidates` (in list order) that `text` names.
    public static func resolve(_ text: String, in candidates: [Candidate]) throws(Failure) -> InfoHash {
        let query = text.trimmingCharacters(in: .whitespaces)
        guard !query.isEmpty else { throw .empty }
        if query.allSatisfy(\.isASCIIDigit), let position = Int(query), position >= 1, position <= candidates.count {
            return candidates[position - 1].infoHash
        }
        let lower = query.lowercased()
        if lower.allSatisfy(\.isHexDigit) {
            let byHash = candidates.filter { $0.infoHash.hex.hasPrefix(lower) }
            if let only = try single(byHash, query) { return only }
        }
        let exact = candidates.filter { $0.name.lowercased() == lower }
        if let only = try single(exact, query) { return only }
        let partial = candidates.filter { $0.name.lowercased().contains(lower) }
        if let only = try single(partial, query) { return only }
        throw .noMatch(query)
    }

    private static func single(_ matches: [Candidate], _ query: String) throws(Failure) -> InfoHash? {
        switch matches.count {
        case 0: return nil
        case 1: return matches[0].infoHash
        default: throw .ambiguous(query, matches)
        }
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
