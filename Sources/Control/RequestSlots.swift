import NIOConcurrencyHelpers

/// At most `limit` requests of one connection in progress at once: past that the connection stops
/// reading until one is answered, so a client that sends without waiting fills its socket, not our memory.
final class RequestSlots: Sendable {
    let limit: Int
    private let state = NIOLockedValueBox(State())

    private struct State {
        var taken = 0
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    init(limit: Int) { self.limit = max(1, limit) }

    /// Returns once a slot is free, and takes it.
    func acquire() async {
        await withCheckedContinuation { continuation in
            let free = state.withLockedValue { state in
                guard state.taken < limit else {
                    state.waiting.append(continuation)
                    return false
                }
                state.taken += 1
                return true
            }
            if free { continuation.resume() }
        }
    }

    /// Gives a slot back: to the oldest waiter, if any (it keeps the slot taken).
    func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiting.isEmpty else {
                state.taken -= 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }

    /// Requests in progress (for tests).
    var taken: Int { state.withLockedValue { $0.taken } }
}
