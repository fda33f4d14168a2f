/// How many queries we answer per source address: a token bucket per IP (`rate` per second, bursts up
/// to `burst`). The number of tracked sources is capped; idle ones (full buckets) are forgotten first.
public struct SourceRateLimiter: Sendable {
    public let rate: Double
    public let burst: Double
    public let maxSources: Int
    private var buckets: [String: (tokens: Double, last: Duration)] = [:]

    public init(rate: Double = 20, burst: Double = 40, maxSources: Int = 4096) {
        self.rate = rate
        self.burst = burst
        self.maxSources = maxSources
    }

    public var trackedSources: Int { buckets.count }

    /// Whether to answer one more query from `host` now.
    public mutating func allow(_ host: String, now: Duration) -> Bool {
        if buckets[host] == nil && buckets.count >= maxSources { forgetIdle(now: now) }
        var bucket = buckets[host] ?? (tokens: burst, last: now)
        bucket.tokens = min(burst, bucket.tokens + rate * Self.seconds(now - bucket.last))
        bucket.last = now
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[host] = bucket
        return allowed
    }

    private mutating func forgetIdle(now: Duration) {
        buckets = buckets.filter { $0.value.tokens + rate * Self.seconds(now - $0.value.last) < burst }
        // Still full of busy sources: forget the longest-quiet half rather than refuse newcomers forever.
        if buckets.count >= maxSources {
            let keep = buckets.sorted { $0.value.last > $1.value.last }.prefix(maxSources / 2)
            buckets = Dictionary(uniqueKeysWithValues: keep.map { ($0.key, $0.value) })
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
