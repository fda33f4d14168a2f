import TorrentModel

/// Looking up single torrents without visiting every one: what a control request costs with thousands
/// of torrents should not grow with their number.
extension Session {
    /// Every torrent's (and waiting magnet link's) info-hash and name, in order: what a user's selector is
    /// matched against. No torrent is asked (names never change), so this costs no hop into any of them.
    public func names() -> [(infoHash: InfoHash, name: String)] {
        var result: [(infoHash: InfoHash, name: String)] = []
        result.reserveCapacity(order.count)
        for hash in order {
            if let torrent = torrents[hash] {
                result.append((hash, torrent.metainfo.name))
            } else if let fetch = fetches[hash] {
                result.append((hash, fetch.displayName))
            }
        }
        return result
    }

    /// The info-hash at list position `position` (1 is the first) of `names()`, nil past the end. Reads
    /// no torrent (each one read costs a reference count taken the slow way, as torrents are also
    /// referenced weakly): with thousands of torrents that is most of what `names()` costs.
    public func infoHash(atPosition position: Int) -> InfoHash? {
        guard position >= 1 else { return nil }
        var remaining = position
        for hash in order where torrents.index(forKey: hash) != nil || fetches.index(forKey: hash) != nil {
            remaining -= 1
            if remaining == 0 { return hash }
        }
        return nil
    }

    /// Whether a torrent (or a magnet link waiting for its metadata) of this info-hash is in the session.
    public func contains(_ infoHash: InfoHash) -> Bool { torrents[infoHash] != nil || fetches[infoHash] != nil }

    /// The save marks of the given torrents only, in order (those that are not torrents are left out).
    public func saveMarks(of hashes: Set<InfoHash>) async -> [(InfoHash, TorrentRecord.Mark)] {
        var marks: [(InfoHash, TorrentRecord.Mark)] = []
        for hash in order where hashes.contains(hash) {
            guard let torrent = torrents[hash] else { continue }
            var mark = await torrent.saveMark()
            mark.queuePosition = queuePlace(of: hash)
            marks.append((hash, mark))
        }
        return marks
    }
}
