import NIOConcurrencyHelpers
import PeerWire

/// Listing ten thousand idle torrents costs nothing: a torrent keeps its list row (and its save mark) where
/// the session reads it without a hop while nothing in the row can change (no check running, no bytes in its rate window),
/// and drops it at the first change of anything the row shows (each such property's `didSet`, and the
/// byte counters where they count). The session's `ListRevision` is bumped then, so a list whose rows were
/// all cached is still the list until the revision moves.
extension Torrent {
    /// Drops the cached row; cheap when there is none (a flag, no lock), as on every message of a transfer.
    func rowMayHaveChanged() {
        guard rowCached else { return }
        rowCached = false
        rowCache.clear()
    }

    /// This torrent's list row, cached when it is steady; and whether it was.
    func listItemCaching() -> (row: TorrentListItem, cached: Bool) {
        let row = listItem()
        let now = self.now
        // Rates shown only while running; a window with no bytes in it stays at zero until bytes come.
        guard checkProgress == nil, !isRunning || (download.isIdle(now: now) && upload.isIdle(now: now)) else {
            return (row, false)
        }
        rowCache.set(row)
        rowCached = true
        return (row, true)
    }

    /// `saveMark()`, cached until something it shows changes or, while seeding, until its seeding hours
    /// would (the store's saver then compares ten thousand idle torrents without a hop).
    func saveMarkCaching() -> TorrentRecord.Mark {
        let mark = saveMark()
        var validFor = Duration.seconds(1 << 40)
        if activity == .seeding {
            validFor = .seconds(3600 - currentSeedingTime.components.seconds % 3600)
        }
        rowCache.set(mark, until: ContinuousClock.now + validFor)
        rowCached = true
        return mark
    }
}

/// One torrent's cached list row and save mark (see `Torrent+RowCache.swift`).
public final class RowCache: Sendable {
    private struct Cached {
        var row: TorrentListItem?
        var mark: (TorrentRecord.Mark, until: ContinuousClock.Instant)?
    }
    private let cached = NIOLockedValueBox(Cached())
    let revision: ListRevision

    init(revision: ListRevision) {
        self.revision = revision
    }

    public var current: TorrentListItem? { cached.withLockedValue { $0.row } }

    /// The save mark, when cached and still valid.
    func mark(at now: ContinuousClock.Instant) -> TorrentRecord.Mark? {
        cached.withLockedValue { cached in cached.mark.flatMap { now < $0.until ? $0.0 : nil } }
    }

    func set(_ value: TorrentListItem) { cached.withLockedValue { $0.row = value } }

    func set(_ mark: TorrentRecord.Mark, until: ContinuousClock.Instant) { cached.withLockedValue { $0.mark = (mark, until) } }

    /// Drops the row and the mark and bumps the revision (after they are gone, so a list made from the
    /// old revision is never taken for the new one).
    func clear() {
        cached.withLockedValue { $0 = Cached() }
        revision.bump()
    }
}

/// A counter that moves whenever a cached list row is dropped or the session's torrents or their order
/// change.
public final class ListRevision: Sendable {
    private let value = NIOLockedValueBox<UInt64>(0)

    public init() {}

    public var current: UInt64 { value.withLockedValue { $0 } }

    func bump() { value.withLockedValue { $0 &+= 1 } }
}
