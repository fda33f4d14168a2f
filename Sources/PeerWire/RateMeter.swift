/// A transfer rate averaged over a sliding window of one-second buckets. Time is passed in.
public struct RateMeter: Sendable {
    private var buckets: [Int64]
    private var currentSecond: Int64 = 0
    public private(set) var total: Int64 = 0

    public init(windowSeconds: Int = 10) {
        buckets = Array(repeating: 0, count: max(windowSeconds, 1))
    }

    public mutating func add(_ bytes: Int, now: Duration) {
        advance(to: now)
        buckets[Int(currentSecond % Int64(buckets.count))] += Int64(bytes)
        total += Int64(bytes)
    }

    /// Counts bytes moved before this meter existed (restored totals) without changing the rate.
    public mutating func addToTotal(_ bytes: Int64) {
        total += bytes
    }

    /// Bytes per second over the window, not counting the second in progress.
    public mutating func rate(now: Duration) -> Double {
        advance(to: now)
        let index = Int(currentSecond % Int64(buckets.count))
        let sum = buckets.enumerated().reduce(Int64(0)) { $0 + ($1.offset == index ? 0 : $1.element) }
        let window = min(Int64(buckets.count - 1), max(currentSecond, 1))
        return Double(sum) / Double(max(window, 1))
    }

    /// No bytes in the window, the second in progress included: the rate is zero and stays so until `add`.
    public mutating func isIdle(now: Duration) -> Bool {
        advance(to: now)
        return buckets.allSatisfy { $0 == 0 }
    }

    private mutating func advance(to now: Duration) {
        let second = now.components.seconds
        guard second > currentSecond else { return }
        let steps = min(second - currentSecond, Int64(buckets.count))
        for step in 1...steps {
            buckets[Int((currentSecond + step) % Int64(buckets.count))] = 0
        }
        currentSecond = second
    }
}
