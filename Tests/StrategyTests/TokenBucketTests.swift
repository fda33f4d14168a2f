import Strategy
import XCTest

final class TokenBucketTests: XCTestCase {
    func testWithinBurstNoWait() {
        var bucket = TokenBucket(bytesPerSecond: 100_000, burst: 50_000, now: .zero)
        XCTAssertEqual(bucket.reserve(40_000, now: .zero), .zero)
    }

    func testOverLimitWaitsForTheDeficit() {
        var bucket = TokenBucket(bytesPerSecond: 100_000, burst: 50_000, now: .zero)
        XCTAssertEqual(bucket.reserve(50_000, now: .zero), .zero)
        // 100 KB more with an empty bucket: one second at 100 KB/s.
        XCTAssertEqual(bucket.reserve(100_000, now: .zero), .seconds(1))
    }

    func testAverageRateHoldsOverTime() {
        var bucket = TokenBucket(bytesPerSecond: 1_000_000, burst: 16_384, now: .zero)
        var now: Duration = .zero
        var sent = 0
        // A sender that always waits as told, sending 16 KiB blocks for ten seconds.
        while now < .seconds(10) {
            now += bucket.reserve(16_384, now: now)
            sent += 16_384
        }
        XCTAssertEqual(Double(sent) / 10, 1_000_000, accuracy: 20_000)
    }

    func testRateChangesTakeEffectAtOnce() {
        var bucket = TokenBucket(bytesPerSecond: 1_000_000, burst: 16_384, now: .zero)
        _ = bucket.reserve(16_384, now: .zero)
        bucket.setRate(100_000, now: .zero)
        // Empty bucket at the new rate: 100 KB take one second, not a tenth.
        XCTAssertEqual(bucket.reserve(100_000, now: .zero), .seconds(1))
        XCTAssertEqual(bucket.rate, 100_000)
    }

    func testTheDefaultBurstIsASixteenthOfASecondEvenAfterIdling() {
        let rate = 8.0 * 1_048_576
        var bucket = TokenBucket(bytesPerSecond: rate, now: .zero)
        XCTAssertEqual(bucket.burst, rate / 16)
        // Ten idle seconds refill the bucket to the burst only: one more MiB waits an eighth of a second.
        XCTAssertEqual(bucket.reserve(Int(rate / 16), now: .seconds(10)), .zero)
        XCTAssertEqual(bucket.reserve(1_048_576, now: .seconds(10)), .milliseconds(125))
        XCTAssertEqual(TokenBucket.defaultBurst(forRate: 100_000), 64 * 1024)
    }
}
