/// Per-piece state for the Pieces tab: what we have, what is in flight, and how many connected peers
/// have each piece.
public struct PieceMapData: Sendable, Hashable {
    public enum PieceState: UInt8, Sendable, Hashable {
        case missing = 0
        case downloading = 1
        case have = 2
    }

    public var states: [PieceState]
    /// Connected peers having each piece; empty when unknown.
    public var availability: [UInt16]

    public init(states: [PieceState], availability: [UInt16] = []) {
        self.states = states
        self.availability = availability
    }

    public var count: Int { states.count }
    public var haveCount: Int { states.lazy.filter { $0 == .have }.count }
    public var downloadingCount: Int { states.lazy.filter { $0 == .downloading }.count }

    /// Missing pieces that no connected peer has.
    public var unavailableMissing: Int {
        guard availability.count == states.count else { return 0 }
        var n = 0
        for i in states.indices where states[i] != .have && availability[i] == 0 { n += 1 }
        return n
    }

    /// Missing pieces that exactly one connected peer has.
    public var singleSourceMissing: Int {
        guard availability.count == states.count else { return 0 }
        var n = 0
        for i in states.indices where states[i] != .have && availability[i] == 1 { n += 1 }
        return n
    }

    /// The lowest availability of any piece (the swarm's weakest point), nil when unknown.
    public var rarest: Int? { availability.min().map(Int.init) }

    /// Distributed copies: complete copies in the connected swarm plus the fraction of the next one
    /// (pieces above the minimum count over the piece count), libtorrent's definition.
    public var distributedCopies: Double? {
        guard let minimum = availability.min(), !availability.isEmpty else { return nil }
        let above = availability.lazy.filter { $0 > minimum }.count
        return Double(minimum) + Double(above) / Double(availability.count)
    }
}
