import NIOConcurrencyHelpers
import Strategy

/// A rate limit that connections consult from any task without a hop to an actor: a lock around a
/// `TokenBucket` whose rate can change while transfers run. A nil rate means no limit.
public final class RateLimiter: Sendable {
    private struct State {
        var bucket: TokenBucket?
    }

    private let state = NIOLockedValueBox(State())
    private let epoch = ContinuousClock.now

    public init(bytesPerSecond: Double? = nil) {
        setRate(bytesPerSecond)
    }

    /// Bytes per second, or nil when unlimited.
    public var rate: Double? { state.withLockedValue { $0.bucket?.rate } }

    /// Changes the limit now; bytes already reserved keep their waits.
    public func setRate(_ bytesPerSecond: Double?) {
        let now = ContinuousClock.now - epoch
        state.withLockedValue { s in
            guard let rate = bytesPerSecond, rate > 0 else {
                s.bucket = nil
                return
            }
            if s.bucket == nil {
                s.bucket = TokenBucket(bytesPerSecond: rate, now: now)
            } else {
                s.bucket!.setRate(rate, now: now)
            }
        }
    }

    /// Takes `bytes` and says how long to wait before moving them.
    public func reserve(_ bytes: Int) -> Duration {
        let now = ContinuousClock.now - epoch
        return state.withLockedValue { $0.bucket?.reserve(bytes, now: now) ?? .zero }
    }
}

/// The limits one connection obeys: its torrent's and the session's. The longer wait wins.
struct TransferLimits: Sendable {
    let torrentDownload: RateLimiter
    let torrentUpload: RateLimiter
    let sessionDownload: RateLimiter
    let sessionUpload: RateLimiter

    func downloadDelay(for bytes: Int) -> Duration {
        max(torrentDownload.reserve(bytes), sessionDownload.reserve(bytes))
    }

    func uploadDelay(for bytes: Int) -> Duration {
        max(torrentUpload.reserve(bytes), sessionUpload.reserve(bytes))
    }

    /// The tighter of the two upload limits in bytes per second, or nil when neither limits.
    var uploadRate: Double? {
        switch (torrentUpload.rate, sessionUpload.rate) {
        case (let a?, let b?): min(a, b)
        case (let a?, nil): a
        case (nil, let b?): b
        case (nil, nil): nil
        }
    }
}
