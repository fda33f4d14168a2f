/// The torrents in queue order (higher priority first, then lower place), kept sorted one change at a time,
/// so that `QueuePlanner`'s decisions for thousands of torrents cost one pass and no sort. Gives the same
/// decisions as `QueuePlanner.allowed` with each torrent's place as its position. Inlinable, so that the
/// engine's use (with info-hashes) is specialized rather than generic: a plan reads every item.
public struct QueueRanking<ID: Hashable & Sendable>: Sendable {
    public enum Phase: Sendable, Equatable {
        /// Downloading or seeding: holds a slot.
        case running
        /// Waiting for a slot.
        case queued
        /// Paused, checking or in error: wants no slot.
        case idle
    }

    public struct Item: Sendable, Equatable {
        public var id: ID
        public var priority: Int
        /// Lower first among equal priorities; distinct for each torrent.
        public var place: Int
        public var isComplete: Bool
        public var phase: Phase

        @inlinable
        public init(id: ID, priority: Int, place: Int, isComplete: Bool, phase: Phase) {
            self.id = id
            self.priority = priority
            self.place = place
            self.isComplete = isComplete
            self.phase = phase
        }
    }

    /// In queue order.
    @usableFromInline var ranked: [Item] = []
    /// Where each one sorts: found again by binary search.
    @usableFromInline var keys: [ID: (priority: Int, place: Int)] = [:]

    @inlinable public init() {}

    public var items: [Item] { ranked }
    public var count: Int { ranked.count }

    /// Adds the torrent, or changes what is known of it.
    @inlinable
    public mutating func set(_ item: Item) {
        if let old = keys[item.id], let index = index(of: item.id, priority: old.priority, place: old.place) {
            if old == (item.priority, item.place) {
                ranked[index] = item
                return
            }
            ranked.remove(at: index)
        }
        keys[item.id] = (item.priority, item.place)
        ranked.insert(item, at: lowerBound(priority: item.priority, place: item.place))
    }

    @inlinable
    public mutating func remove(_ id: ID) {
        guard let old = keys.removeValue(forKey: id), let index = index(of: id, priority: old.priority, place: old.place)
        else { return }
        ranked.remove(at: index)
    }

    /// Sets (an item) or removes (nil) each one. Many changes at once (a restore) are merged with one sort
    /// rather than moving the items once for each.
    @inlinable
    public mutating func apply(_ changes: [(id: ID, item: Item?)]) {
        guard changes.count > 32, changes.count * 8 > ranked.count else {
            for (id, item) in changes {
                if let item { set(item) } else { remove(id) }
            }
            return
        }
        var byID: [ID: Item] = [:]
        byID.reserveCapacity(ranked.count + changes.count)
        for item in ranked { byID[item.id] = item }
        for (id, item) in changes { byID[id] = item }
        ranked = byID.values.sorted { Self.sortsBefore($0, priority: $1.priority, place: $1.place) }
        keys = [:]
        keys.reserveCapacity(ranked.count)
        for item in ranked { keys[item.id] = (item.priority, item.place) }
    }

    @inlinable
    static func sortsBefore(_ item: Item, priority: Int, place: Int) -> Bool {
        item.priority != priority ? item.priority > priority : item.place < place
    }

    /// The first index whose item does not sort before (priority, place).
    @inlinable
    func lowerBound(priority: Int, place: Int) -> Int {
        var low = 0
        var high = ranked.count
        while low < high {
            let middle = (low + high) / 2
            if Self.sortsBefore(ranked[middle], priority: priority, place: place) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Where `id` is, sorted at (priority, place).
    @inlinable
    func index(of id: ID, priority: Int, place: Int) -> Int? {
        var index = lowerBound(priority: priority, place: place)
        while index < ranked.count, ranked[index].priority == priority, ranked[index].place == place {
            if ranked[index].id == id { return index }
            index += 1
        }
        return nil
    }

    /// Under `planner`'s limits: the queued torrents that get a slot, and the running ones that lose theirs.
    @inlinable
    public func changes(under planner: QueuePlanner) -> (start: [ID], queue: [ID]) {
        var start: [ID] = []
        var queue: [ID] = []
        var downloads = 0
        var seeds = 0
        // By index: the fields are read in place, without copying each item.
        for index in ranked.indices where ranked[index].phase != .idle {
            let runs: Bool
            if ranked[index].isComplete {
                runs = planner.maxActiveSeeds.map { seeds < $0 } ?? true
                if runs { seeds += 1 }
            } else {
                runs = planner.maxActiveDownloads.map { downloads < $0 } ?? true
                if runs { downloads += 1 }
            }
            if runs && ranked[index].phase == .queued { start.append(ranked[index].id) }
            if !runs && ranked[index].phase == .running { queue.append(ranked[index].id) }
        }
        return (start, queue)
    }
}
