/// The pieces that could be started next, grouped by priority and then by availability.
///
/// Invariant: a piece is a member exactly when it is wanted (priority > 0), not verified and not in
/// progress. Each bucket is kept in uniformly random order (a piece is inserted by swapping it with a random
/// slot, which is one step of an inside-out Fisher–Yates shuffle; removal moves the last piece into the
/// gap, which keeps the order uniform), so walking a bucket from the front breaks availability ties at
/// random without ever sorting. An availability change moves one piece between neighbouring buckets: O(1).
struct RarityBuckets: Sendable {
    struct Level: Sendable {
        var priority: Int
        /// `buckets[a]` holds the member pieces of this priority that `a` connected peers have.
        var buckets: [[Int]] = []
        var count = 0
    }

    /// Sorted by priority, highest first. Levels stay when they empty; there are only ever a few.
    private(set) var levels: [Level] = []
    /// Per piece: its index inside its bucket, or -1 when it is not a member.
    private var position: [Int32]

    init(pieceCount: Int) {
        position = [Int32](repeating: -1, count: pieceCount)
    }

    var count: Int { levels.reduce(0) { $0 + $1.count } }

    /// The highest priority that has a member, or `Int.min` when there are none.
    var highestPriority: Int { levels.first { $0.count > 0 }?.priority ?? .min }

    func contains(_ piece: Int) -> Bool { position[piece] >= 0 }

    /// The piece's place in its bucket's random order; smaller means it is tried first.
    func rank(of piece: Int) -> Int { Int(position[piece]) }

    func levelIndex(ofPriority priority: Int) -> Int? {
        levels.firstIndex { $0.priority == priority }
    }

    mutating func insert<G: RandomNumberGenerator>(
        _ piece: Int, priority: Int, availability: Int, using generator: inout G
    ) {
        precondition(position[piece] < 0, "piece \(piece) is already a candidate")
        let level: Int
        if let found = levelIndex(ofPriority: priority) {
            level = found
        } else {
            level = levels.firstIndex { $0.priority < priority } ?? levels.count
            levels.insert(Level(priority: priority), at: level)
        }
        while levels[level].buckets.count <= availability { levels[level].buckets.append([]) }
        let slot = levels[level].buckets[availability].count
        levels[level].buckets[availability].append(piece)
        position[piece] = Int32(slot)
        levels[level].count += 1
        let other = Int.random(in: 0...slot, using: &generator)
        if other != slot {
            let displaced = levels[level].buckets[availability][other]
            levels[level].buckets[availability].swapAt(other, slot)
            position[displaced] = Int32(slot)
            position[piece] = Int32(other)
        }
    }

    mutating func remove(_ piece: Int, priority: Int, availability: Int) {
        let slot = Int(position[piece])
        precondition(slot >= 0, "piece \(piece) is not a candidate")
        guard let level = levelIndex(ofPriority: priority) else { preconditionFailure("no level \(priority)") }
        let last = levels[level].buckets[availability].removeLast()
        if last != piece {
            levels[level].buckets[availability][slot] = last
            position[last] = Int32(slot)
        }
        position[piece] = -1
        levels[level].count -= 1
    }

    /// Moves a member to the bucket of its new availability; does nothing for non-members.
    mutating func updateAvailability<G: RandomNumberGenerator>(
        of piece: Int, priority: Int, from old: Int, to new: Int, using generator: inout G
    ) {
        guard contains(piece) else { return }
        remove(piece, priority: priority, availability: old)
        insert(piece, priority: priority, availability: new, using: &generator)
    }
}
