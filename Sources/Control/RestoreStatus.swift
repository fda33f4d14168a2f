import NIOConcurrencyHelpers

/// Whether a starting daemon is still bringing back its saved torrents. Its socket answers from the
/// start: lists show what is there so far (marked as restoring), and requests that change torrents wait
/// until the restore is over, so that they never race it.
public final class RestoreStatus: Sendable {
    private let state = NIOLockedValueBox(State())

    private struct State {
        var total: Int?
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    public init() {}

    /// The restore of `total` saved torrents has begun.
    public func begin(total: Int) {
        state.withLockedValue { $0.total = total }
    }

    /// The restore is over (done or failed); waiting requests go ahead.
    public func finish() {
        let waiting = state.withLockedValue { state in
            defer {
                state.total = nil
                state.waiting = []
            }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// How many torrents are being restored; nil when no restore runs.
    public var total: Int? { state.withLockedValue { $0.total } }

    /// Returns once no restore runs.
    public func waitUntilFinished() async {
        await withCheckedContinuation { continuation in
            let running = state.withLockedValue { state in
                guard state.total != nil else { return false }
                state.waiting.append(continuation)
                return true
            }
            if !running { continuation.resume() }
        }
    }
}
