import NIOConcurrencyHelpers
import Strategy
import TorrentModel

/// What the session's queue needs to know of one torrent.
struct QueueFacts: Equatable, Sendable {
    var priority: Int
    var isComplete: Bool
    var phase: QueueRanking<InfoHash>.Phase

    init(priority: TorrentPriority, isComplete: Bool, activity: TorrentActivity) {
        self.priority = priority.rawValue
        self.isComplete = isComplete
        switch activity {
        case .downloading, .seeding: phase = .running
        case .queued: phase = .queued
        default: phase = .idle
        }
    }
}

/// Every torrent's queue facts, written by each torrent as they change (under a lock, no hop), and the
/// info-hashes whose facts changed since the session last took them (`takeChanges`): planning the queue
/// costs no hop into each torrent, and nothing when no torrent's facts changed.
final class QueueBoard: Sendable {
    private struct Entry {
        /// The torrent that wrote it: a removed torrent's late writes do not count for a new one.
        var owner: ObjectIdentifier
        var facts: QueueFacts
    }

    private struct State {
        var entries: [InfoHash: Entry] = [:]
        var changed: Set<InfoHash> = []
    }

    private let state = NIOLockedValueBox(State())

    /// A new torrent's facts (replacing those of an earlier torrent of this info-hash).
    func register(_ hash: InfoHash, owner: ObjectIdentifier, _ facts: QueueFacts) {
        state.withLockedValue {
            $0.entries[hash] = Entry(owner: owner, facts: facts)
            $0.changed.insert(hash)
        }
    }

    /// Facts that changed, when `owner` is still the torrent registered for `hash`.
    func update(_ hash: InfoHash, owner: ObjectIdentifier, _ facts: QueueFacts) {
        state.withLockedValue {
            guard $0.entries[hash]?.owner == owner else { return }
            $0.entries[hash]?.facts = facts
            $0.changed.insert(hash)
        }
    }

    func unregister(_ hash: InfoHash) {
        state.withLockedValue {
            guard $0.entries.removeValue(forKey: hash) != nil else { return }
            $0.changed.insert(hash)
        }
    }

    /// The facts of each info-hash that changed since the last call (nil: no longer registered).
    func takeChanges() -> [(InfoHash, QueueFacts?)] {
        state.withLockedValue { state in
            guard !state.changed.isEmpty else { return [] }
            let changes = state.changed.map { ($0, state.entries[$0]?.facts) }
            state.changed.removeAll(keepingCapacity: true)
            return changes
        }
    }
}
