/// A rate limit as a token bucket: `rate` bytes per second, with bursts of up to `burst` bytes.
///
/// `reserve` never refuses: it takes the bytes (the bucket may go negative) and says how long the caller
/// must wait before sending them, so the average rate holds without dropping or splitting messages.
public struct TokenBucket: Sendable {
    public private(set) var rate: Double
    public private(set) var burst: Double
    private var tokens: Double
    private var updatedAt: Duration

    /// The burst that goes with a rate: a sixteenth of a second of it (at least 64 KiB). A bucket refills
    /// while idle, so this is what every transfer gets for free at its start; a quarter of a second (2 MiB
    /// at 8 MiB/s) let a 48 MiB download beat the limit's 6 s by 0.25 s. Senders that wait as told keep
    /// the average rate whatever the burst.
    public static func defaultBurst(forRate rate: Double) -> Double { max(rate / 16, 64 * 1024) }

    public init(bytesPerSecond rate: Double, burst: Double? = nil, now: Duration) {
        self.rate = rate
        self.burst = burst ?? Self.defaultBurst(forRate: rate)
        self.tokens = self.burst
        self.updatedAt = now
    }

    /// Changes the rate (and the burst that goes with it) from `now` on; bytes already taken stay taken.
    public mutating func setRate(_ rate: Double, now: Duration) {
        _ = reserve(0, now: now)
        self.rate = rate
        burst = Self.defaultBurst(forRate: rate)
        tokens = min(tokens, burst)
    }

    /// Takes `bytes` and returns how long to wait before using them (zero when within the limit).
    public mutating func reserve(_ bytes: Int, now: Duration) -> Duration {
        let elapsed = Double((now - updatedAt).components.attoseconds) / 1e18 + Double((now - updatedAt).components.seconds)
        tokens = min(burst, tokens + max(elapsed, 0) * rate)
        updatedAt = now
        tokens -= Double(bytes)
        guard tokens < 0, rate > 0 else { return .zero }
        return .nanoseconds(Int64(-tokens / rate * 1e9))
    }
}
