/// The torrents in queue order (higher priority first, then lower place), kept sorted one change at a time,
/// so that `QueuePlanner`'s decisions for thousands of torrents cost one pass and no sort. Gives the same
/// decisions as `QueuePlanner.allowed` with each torrent's place as its position.
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

        public init(id: ID, priority: Int, place: Int, isComplete: Bool, phase: Phase) {
            self.id = id
            self.priority = priority
            self.place = place
            self.isComplete = isComplete
            self.phase = phase
        }
    }

    /// In queue order.
    public private(set) var items: [Item] = []
    /// Where each one sorts: found again by binary search.
    private var keys: [ID: (priority: Int, place: Int)] = [:]

    public init() {}

    public var count: Int { items.count }

    /// Adds the torrent, or changes what is known of it.
    public mutating func set(_ item: Item) {
        if let old = keys[item.id], let index = index(of: item.id, priority: old.priority, place: old.place) {
            if old == (item.priority, item.place) {
                items[index] = item
                return
            }
            items.remove(at: index)
        }
        keys[item.id] = (item.priority, item.place)
        items.insert(item, at: lowerBound(priority: item.priority, place: item.place))
    }

    public mutating func remove(_ id: ID) {
        guard let old = keys.removeValue(forKey: id), let index = index(of: id, priority: old.priority, place: old.place)
        else { return }
        items.remove(at: index)
    }

    /// Sets (an item) or removes (nil) each one. Many changes at once (a restore) are merged with one sort
    /// rather than moving the items once for each.
    public mutating func apply(_ changes: [(id: ID, item: Item?)]) {
        guard changes.count > 32, changes.count * 8 > items.count else {
            for (id, item) in changes {
                if let item { set(item) } else { remove(id) }
            }
            return
        }
        var byID: [ID: Item] = [:]
        byID.reserveCapacity(items.count + changes.count)
        for item in items { byID[item.id] = item }
        for (id, item) in changes { byID[id] = item }
        items = byID.values.sorted { Self.sortsBefore($0, priority: $1.priority, place: $1.place) }
        keys = [:]
        keys.reserveCapacity(items.count)
        for item in items { keys[item.id] = (item.priority, item.place) }
    }

    private static func sortsBefore(_ item: Item, priority: Int, place: Int) -> Bool {
        item.priority != priority ? item.priority > priority : item.place < place
    }

    /// The first index whose item does not sort before (priority, place).
    private func lowerBound(priority: Int, place: Int) -> Int {
        var low = 0
        var high = items.count
        while low < high {
            let middle = (low + high) / 2
            if Self.sortsBefore(items[middle], priority: priority, place: place) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Where `id` is, sorted at (priority, place).
    private func index(of id: ID, priority: Int, place: Int) -> Int? {
        var index = lowerBound(priority: priority, place: place)
        while index < items.count, items[index].priority == priority, items[index].place == place {
            if items[index].id == id { return index }
            index += 1
        }
        return nil
    }

    /// Under `planner`'s limits: the queued torrents that get a slot, and the running ones that lose theirs.
    public func changes(under planner: QueuePlanner) -> (start: [ID], queue: [ID]) {
        var start: [ID] = []
        var queue: [ID] = []
        var downloads = 0
        var seeds = 0
        // By index: the fields are read in place, without copying each item.
        for index in items.indices where items[index].phase != .idle {
            let runs: Bool
            if items[index].isComplete {
                runs = planner.maxActiveSeeds.map { seeds < $0 } ?? true
                if runs { seeds += 1 }
            } else {
                runs = planner.maxActiveDownloads.map { downloads < $0 } ?? true
                if runs { downloads += 1 }
            }
            if runs && items[index].phase == .queued { start.append(items[index].id) }
            if !runs && items[index].phase == .running { queue.append(items[index].id) }
        }
        return (start, queue)
    }
}
