import Foundation

/// Queue places as saved: each torrent keeps the place it was given when added (one more than the last),
/// so a removal leaves a gap and writes nothing for the others. Gaps are harmless: only the order counts.
public enum QueueOrder {
    /// Places beyond this (a damaged store) count as this, so that numbering on from them cannot overflow.
    public static let largestPlace = 1 << 40

    /// The records in queue order, by saved place, then time added, then info-hash (so equal places, which
    /// stores written before places were kept could hold, always come back in one order), each with a
    /// place of its own: its saved one, or one more than the record before when that is not above it. A
    /// store without duplicates keeps every place as it was.
    public static func normalized(_ records: [TorrentRecord]) -> [TorrentRecord] {
        let clamped = records.map { record in
            var record = record
            record.queuePosition = min(max(record.queuePosition, 0), largestPlace)
            return record
        }
        var sorted = clamped.sorted { a, b in
            if a.queuePosition != b.queuePosition { return a.queuePosition < b.queuePosition }
            let (addedA, addedB) = (added(a), added(b))
            if addedA != addedB { return addedA < addedB }
            return a.infoHash.bytes.lexicographicallyPrecedes(b.infoHash.bytes)
        }
        var previous = -1
        for index in sorted.indices {
            sorted[index].queuePosition = max(sorted[index].queuePosition, previous + 1)
            previous = sorted[index].queuePosition
        }
        return sorted
    }

    /// When the record was added, in seconds; a time that is not a number (a damaged row) counts as 0.
    private static func added(_ record: TorrentRecord) -> Double {
        let seconds = record.addedAt.timeIntervalSince1970
        return seconds.isNaN ? 0 : seconds
    }
}
