/// Decides which torrents may transfer when the user limits how many run at once; the others wait,
/// Queued, in priority order (then the order they were added) and start as slots free up.
///
/// Downloads and seeds have separate limits, as in qBittorrent and Transmission. Torrents the user paused,
/// or that are in error, take no slot.
public struct QueuePlanner: Sendable, Equatable {
    /// Nil for no limit.
    public var maxActiveDownloads: Int?
    public var maxActiveSeeds: Int?

    public init(maxActiveDownloads: Int? = nil, maxActiveSeeds: Int? = nil) {
        self.maxActiveDownloads = maxActiveDownloads
        self.maxActiveSeeds = maxActiveSeeds
    }

    public struct Entry<ID: Hashable & Sendable>: Sendable {
        public var id: ID
        /// Higher starts first.
        public var priority: Int
        /// Place in the session, lower first among equal priorities.
        public var position: Int
        public var isComplete: Bool
        /// False when paused by the user or in error.
        public var wantsToRun: Bool

        public init(id: ID, priority: Int, position: Int, isComplete: Bool, wantsToRun: Bool) {
            self.id = id
            self.priority = priority
            self.position = position
            self.isComplete = isComplete
            self.wantsToRun = wantsToRun
        }
    }

    /// The torrents allowed to run; every other one that wants to run is queued.
    public func allowed<ID>(_ entries: [Entry<ID>]) -> Set<ID> {
        Set(zip(entries, admitted(entries)).filter(\.1).map(\.0.id))
    }

    /// For each entry, whether it may run (never one that does not want to): `allowed` without a set,
    /// for planning thousands of torrents.
    public func admitted<ID>(_ entries: [Entry<ID>]) -> [Bool] {
        // Sorted by plain integers: comparing entries themselves would copy their ids, thousands of times.
        let priorities = entries.map(\.priority)
        let positions = entries.map(\.position)
        let ordered = entries.indices.filter { entries[$0].wantsToRun }.sorted {
            priorities[$0] != priorities[$1] ? priorities[$0] > priorities[$1] : positions[$0] < positions[$1]
        }
        var result = [Bool](repeating: false, count: entries.count)
        var downloads = 0
        var seeds = 0
        for index in ordered {
            if entries[index].isComplete {
                guard maxActiveSeeds.map({ seeds < $0 }) ?? true else { continue }
                seeds += 1
            } else {
                guard maxActiveDownloads.map({ downloads < $0 }) ?? true else { continue }
                downloads += 1
            }
            result[index] = true
        }
        return result
    }
}
