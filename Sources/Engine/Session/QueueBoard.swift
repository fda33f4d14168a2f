import NIOConcurrencyHelpers
import TorrentModel

/// What the session's queue needs to know of one torrent.
struct QueueFacts: Equatable, Sendable {
    enum Phase: Equatable, Sendable {
        /// Downloading or seeding: holds a slot.
        case running
        /// Waiting for a slot.
        case queued
        /// Paused, checking, stopped or in error: wants no slot.
        case idle
    }

    var priority: Int
    var isComplete: Bool
    var phase: Phase

    init(priority: TorrentPriority, isComplete: Bool, activity: TorrentActivity) {
        self.priority = priority.rawValue
        self.isComplete = isComplete
        switch activity {
        case .downloading, .seeding: phase = .running
        case .queued: phase = .queued
        default: phase = .idle
        }
    }

    var wantsToRun: Bool { phase != .idle }
}

/// Every torrent's queue facts, written by each torrent as they change (under a lock, no hop) and read by
/// the session when it plans the queue: planning costs no hop into each torrent, and is skipped when
/// nothing changed since the last plan (`generation`).
final class QueueBoard: Sendable {
    private struct Entry {
        /// The torrent that wrote it: a removed torrent's late writes do not count for a new one.
        var owner: ObjectIdentifier
        var facts: QueueFacts
    }

    private struct State {
        var entries: [InfoHash: Entry] = [:]
        var generation: UInt64 = 0
    }

    private let state = NIOLockedValueBox(State())

    /// A new torrent's facts (replacing those of an earlier torrent of this info-hash).
    func register(_ hash: InfoHash, owner: ObjectIdentifier, _ facts: QueueFacts) {
        state.withLockedValue {
            $0.entries[hash] = Entry(owner: owner, facts: facts)
            $0.generation &+= 1
        }
    }

    /// Facts that changed, when `owner` is still the torrent registered for `hash`.
    func update(_ hash: InfoHash, owner: ObjectIdentifier, _ facts: QueueFacts) {
        state.withLockedValue {
            guard $0.entries[hash]?.owner == owner else { return }
            $0.entries[hash]?.facts = facts
            $0.generation &+= 1
        }
    }

    func unregister(_ hash: InfoHash) {
        state.withLockedValue {
            guard $0.entries.removeValue(forKey: hash) != nil else { return }
            $0.generation &+= 1
        }
    }

    /// Counts every change: equal generations mean equal facts.
    var generation: UInt64 { state.withLockedValue { $0.generation } }

    /// The facts of `hashes`, in their order (nil for one not registered), and the generation they are of.
    func facts(of hashes: [InfoHash]) -> (facts: [QueueFacts?], generation: UInt64) {
        state.withLockedValue { state in
            (hashes.map { state.entries[$0]?.facts }, state.generation)
        }
    }
}
