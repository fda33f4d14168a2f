import Engine
import Foundation
import TorrentModel

/// The torrent a subscriber selected, in full: peers, trackers, and its piece map and files.
public struct SelectedTorrent: Codable, Sendable, Equatable {
    public var snapshot: TorrentSnapshot
    public var detail: TorrentDetailSnapshot?

    public init(snapshot: TorrentSnapshot, detail: TorrentDetailSnapshot?) {
        self.snapshot = snapshot
        self.detail = detail
    }
}

/// What a front end shows: every torrent's list row, the selected torrent in full, session facts. The
/// answer to `overview`, and the first message of a subscription; `EngineChanges` carry it forward.
public struct EngineView: Codable, Sendable, Equatable {
    public var rows: [TorrentListItem]
    public var selected: SelectedTorrent?
    public var summary: EngineSummary
    /// Non-nil while the daemon is still restoring its saved torrents.
    public var restoring: RestoreProgress?

    public init(rows: [TorrentListItem], selected: SelectedTorrent? = nil, summary: EngineSummary, restoring: RestoreProgress? = nil) {
        self.rows = rows
        self.selected = selected
        self.summary = summary
        self.restoring = restoring
    }

    /// This view with `changes` applied. Changes name rows by info-hash: a changed row replaces the row
    /// with its hash or, new, goes at the end; removed hashes that are not there are ignored; an `order`
    /// keeps the rows it names, in its order (rows it does not name are dropped).
    public func applying(_ changes: EngineChanges) -> EngineView {
        var result = self
        result.selected = changes.selected
        result.summary = changes.summary
        result.restoring = changes.restoring
        guard !changes.changed.isEmpty || !changes.removed.isEmpty || changes.order != nil else { return result }
        var rows = self.rows
        if !changes.removed.isEmpty {
            let removed = Set(changes.removed)
            rows.removeAll { removed.contains($0.infoHash) }
        }
        var position: [InfoHash: Int] = [:]
        position.reserveCapacity(rows.count)
        for (index, row) in rows.enumerated() { position[row.infoHash] = index }
        for row in changes.changed {
            if let index = position[row.infoHash] {
                rows[index] = row
            } else {
                position[row.infoHash] = rows.count
                rows.append(row)
            }
        }
        if let order = changes.order {
            var seen = Set<InfoHash>()
            rows = order.compactMap { hash in
                guard let index = position[hash], seen.insert(hash).inserted else { return nil }
                return rows[index]
            }
        }
        result.rows = rows
        return result
    }
}

/// What changed from one `EngineView` to the next: the rows that changed or are new, the rows removed,
/// and the order when applying the rest would not give it. The selected torrent, the summary and the
/// restore progress are small and come whole.
public struct EngineChanges: Codable, Sendable, Equatable {
    public var changed: [TorrentListItem]
    public var removed: [InfoHash]
    /// Every row's hash in order; nil when the changes alone give the order.
    public var order: [InfoHash]?
    public var selected: SelectedTorrent?
    public var summary: EngineSummary
    public var restoring: RestoreProgress?

    public init(
        changed: [TorrentListItem] = [], removed: [InfoHash] = [], order: [InfoHash]? = nil, selected: SelectedTorrent? = nil,
        summary: EngineSummary, restoring: RestoreProgress? = nil
    ) {
        self.changed = changed
        self.removed = removed
        self.order = order
        self.selected = selected
        self.summary = summary
        self.restoring = restoring
    }

    /// The changes that turn `old` into `new`: `old.applying(EngineChanges(from: old, to: new)) == new`.
    public init(from old: EngineView, to new: EngineView) {
        // Usually the same torrents in the same order (often the very same rows, reused): compare row by
        // row, in place, no dictionary needed.
        let changedInPlace = old.rows.withUnsafeBufferPointer { before in
            new.rows.withUnsafeBufferPointer { after -> [TorrentListItem]? in
                guard before.count == after.count else { return nil }
                if before.baseAddress == after.baseAddress { return [] }
                for index in after.indices where before[index].infoHash != after[index].infoHash { return nil }
                var changed: [TorrentListItem] = []
                for index in after.indices where before[index] != after[index] { changed.append(after[index]) }
                return changed
            }
        }
        if let changedInPlace {
            self.init(changed: changedInPlace, selected: new.selected, summary: new.summary, restoring: new.restoring)
            return
        }
        var before: [InfoHash: TorrentListItem] = [:]
        before.reserveCapacity(old.rows.count)
        for row in old.rows { before[row.infoHash] = row }
        var changed: [TorrentListItem] = []
        for row in new.rows where before[row.infoHash] != row { changed.append(row) }
        let present = Set(new.rows.map(\.infoHash))
        let removed = old.rows.map(\.infoHash).filter { !present.contains($0) }
        self.init(changed: changed, removed: removed, selected: new.selected, summary: new.summary, restoring: new.restoring)
        // Rows that stay keep their place and new ones go at the end; anything else needs the order.
        if old.applying(self).rows.map(\.infoHash) != new.rows.map(\.infoHash) {
            order = new.rows.map(\.infoHash)
        }
    }

    /// Nothing to send: applying these changes gives the view they were made from.
    public func changesNothing(in view: EngineView) -> Bool {
        changed.isEmpty && removed.isEmpty && order == nil && selected == view.selected && summary == view.summary
            && restoring == view.restoring
    }
}
