import NIOConcurrencyHelpers

/// Whether a starting daemon is still bringing back its saved torrents. Its socket answers from the
/// start: lists show what is there so far (marked as restoring), and requests that change torrents wait
/// until the restore is over, so that they never race it.
public final class RestoreStatus: Sendable {
    private let state = NIOLockedValueBox(State())

    private struct State {
        /// Saved torrents being restored; nil once they are all back.
        var total: Int?
        /// Every saved torrent is listed (some may still be checking their files).
        var listed = false
        var finished = true
        var waiting: [CheckedContinuation<Void, Never>] = []
    }

    public init() {}

    /// The restore of `total` saved torrents has begun.
    public func begin(total: Int) {
        state.withLockedValue {
            $0.total = total
            $0.listed = false
            $0.finished = false
        }
    }

    /// Every torrent is listed, before they all start: subscribers get the whole list at once.
    public func torrentsListed() {
        state.withLockedValue { $0.listed = true }
    }

    /// Whether every torrent is listed (or none is being restored).
    public var isListed: Bool { state.withLockedValue { $0.listed || $0.total == nil } }

    /// Every torrent is back: lists stop saying they are restoring. Changes still wait for `finish()`
    /// (the daemon's bookkeeping of what is saved comes after).
    public func torrentsRestored() {
        state.withLockedValue { $0.total = nil }
    }

    /// The restore is over (done or failed); waiting requests go ahead.
    public func finish() {
        let waiting = state.withLockedValue { state in
            defer {
                state.total = nil
                state.finished = true
                state.waiting = []
            }
            return state.waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// How many torrents are being restored; nil when none are.
    public var total: Int? { state.withLockedValue { $0.total } }

    /// Returns once no restore runs.
    public func waitUntilFinished() async {
        await withCheckedContinuation { continuation in
            let running = state.withLockedValue { state in
                guard !state.finished else { return false }
                state.waiting.append(continuation)
                return true
            }
            if !running { continuation.resume() }
        }
    }
}
