/// One tracker's row for display.
public struct TrackerStatus: Sendable, Hashable, Codable {
    public enum State: Sendable, Hashable, Codable {
        /// Not contacted yet (or not needed: an earlier tracker answers).
        case idle
        /// A request is in flight.
        case updating
        /// The last announce succeeded.
        case working
        /// The last announce failed; see `lastError`.
        case failing
    }

    public var url: String
    /// 0-based tier index.
    public var tier: Int
    public var state: State
    /// Whether this is the tracker the torrent currently announces to.
    public var isCurrent: Bool
    /// Time since the last announce that reached this tracker (successful or not).
    public var sinceLastAnnounce: Duration?
    /// Time until the next regular announce, shown on the tracker that will get it.
    public var untilNextAnnounce: Duration?
    public var seeders: Int?
    public var leechers: Int?
    /// Completed downloads, known from scrapes.
    public var downloaded: Int?
    /// Peers in the last successful announce.
    public var peersReceived: Int?
    public var lastError: String?
    public var lastWarning: String?
}

/// BEP 12 multitracker state of one torrent, without any I/O or clock: times are passed in as `now`,
/// a `Duration` since any fixed origin.
///
/// Announces go to the first tracker, in tier order, that answers. Each tier is shuffled once at start,
/// and a tracker that answers moves to the front of its tier. After a success the next regular announce is
/// due after the tracker's `interval` (never sooner than its `min interval`); after a round in which every
/// tracker failed, retries back off exponentially.
public struct TrackerTierState: Sendable {
    public struct Policy: Sendable, Hashable {
        /// Intervals below this are raised to it (protects trackers from a zero interval).
        public var intervalFloor: Duration
        /// Intervals above this are lowered to it.
        public var intervalCeiling: Duration
        /// First retry delay after a round in which every tracker failed; doubles per failed round.
        public var retryBase: Duration
        public var retryCeiling: Duration

        public init(
            intervalFloor: Duration = .seconds(15), intervalCeiling: Duration = .seconds(4 * 3600),
            retryBase: Duration = .seconds(30), retryCeiling: Duration = .seconds(1800)
        ) {
            self.intervalFloor = intervalFloor
            self.intervalCeiling = intervalCeiling
            self.retryBase = retryBase
            self.retryCeiling = retryCeiling
        }
    }

    struct Entry: Sendable {
        let url: String
        let tier: Int
        var lastAnnounce: Duration?
        var updating = false
        var failing = false
        var seeders: Int?
        var leechers: Int?
        var downloaded: Int?
        var peersReceived: Int?
        var lastError: String?
        var lastWarning: String?
        var trackerID: String?
        /// The tracker acknowledged `started` (and no `stopped` since).
        var started = false
    }

    public let policy: Policy
    private var entries: [Entry]
    /// Current order of entry indices, per tier.
    private var order: [[Int]]
    private var current: Int?
    private var nextAnnounceAt: Duration?
    private var minAnnounceAt: Duration?
    private var failedRounds = 0

    public init<R: RandomNumberGenerator>(tiers: [[String]], policy: Policy = Policy(), using rng: inout R) {
        self.policy = policy
        var entries: [Entry] = []
        var order: [[Int]] = []
        var seen: Set<String> = []
        for urls in tiers {
            var tierOrder: [Int] = []
            for url in urls {
                let trimmed = url.trimmingSpaces
                guard !trimmed.isEmpty, seen.insert(trimmed).inserted else { continue }
                tierOrder.append(entries.count)
                entries.append(Entry(url: trimmed, tier: order.count))
            }
            if !tierOrder.isEmpty {
                tierOrder.shuffle(using: &rng)
                order.append(tierOrder)
            }
        }
        self.entries = entries
        self.order = order
    }

    public init(tiers: [[String]], policy: Policy = Policy()) {
        var rng = SystemRandomNumberGenerator()
        self.init(tiers: tiers, policy: policy, using: &rng)
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Tracker URLs in the order to try them: tier by tier, each tier in its current order.
    public var announceOrder: [String] { order.flatMap { $0.map { entries[$0].url } } }

    /// The current tier lists (after shuffling and promotions).
    public var tiers: [[String]] { order.map { $0.map { entries[$0].url } } }

    /// The tracker that answered last, if any.
    public var currentURL: String? { current.map { entries[$0].url } }

    /// Trackers that acknowledged `started` and have not been sent `stopped`: the ones to tell `stopped`.
    public var startedURLs: [String] { entries.filter(\.started).map(\.url) }

    /// The `tracker id` to echo to `url`.
    public func trackerID(for url: String) -> String? { index(of: url).flatMap { entries[$0].trackerID } }

    /// The event to actually send to `url`: a regular announce to a tracker that has not acknowledged
    /// `started` yet (for example when an earlier tier comes back) is sent as `started`.
    public func effectiveEvent(_ event: AnnounceEvent, for url: String) -> AnnounceEvent {
        guard event == .none, let i = index(of: url) else { return event }
        return entries[i].started ? .none : .started
    }

    /// Whether a regular (`.none`) announce may go out now, given the last `min interval`.
    public func regularAnnounceAllowed(now: Duration) -> Bool {
        guard let minAnnounceAt else { return true }
        return now >= minAnnounceAt
    }

    /// Time until the next regular announce is due; zero when it is due (or nothing was announced yet).
    public func nextAnnounceDelay(now: Duration) -> Duration {
        guard let nextAnnounceAt, nextAnnounceAt > now else { return .zero }
        return nextAnnounceAt - now
    }

    /// A request to `url` is starting.
    public mutating func recordAttempt(url: String, now: Duration) {
        guard let i = index(of: url) else { return }
        entries[i].updating = true
    }

    /// `url` answered `response` to `event`: it becomes current, moves to the front of its tier, and the
    /// next announce is scheduled from its intervals.
    public mutating func recordSuccess(url: String, event: AnnounceEvent, response: AnnounceResponse, now: Duration) {
        guard let i = index(of: url) else { return }
        entries[i].updating = false
        entries[i].failing = false
        entries[i].lastAnnounce = now
        entries[i].lastError = nil
        entries[i].lastWarning = response.warning
        entries[i].peersReceived = response.peers.count
        if let s = response.seeders { entries[i].seeders = s }
        if let l = response.leechers { entries[i].leechers = l }
        if let id = response.trackerID { entries[i].trackerID = id }
        entries[i].started = event != .stopped
        promote(i)
        current = i
        failedRounds = 0
        let minInterval = response.minInterval.map { clamp(.seconds(max(0, $0))) }
        let interval = max(clamp(.seconds(response.interval)), minInterval ?? .zero)
        nextAnnounceAt = now + interval
        minAnnounceAt = minInterval.map { now + $0 }
    }

    /// A request to `url` failed.
    public mutating func recordFailure(url: String, error: TrackerError, now: Duration) {
        guard let i = index(of: url) else { return }
        entries[i].updating = false
        entries[i].failing = true
        entries[i].lastAnnounce = now
        entries[i].lastError = error.description
        if case .failure = error { entries[i].started = false }
    }

    /// Every tracker failed in one announce round: schedule a retry with exponential backoff.
    public mutating func recordRoundFailed(now: Duration) {
        failedRounds += 1
        current = nil
        var delay = policy.retryBase
        for _ in 1..<min(failedRounds, 20) where delay < policy.retryCeiling { delay = delay * 2 }
        nextAnnounceAt = now + min(delay, policy.retryCeiling)
    }

    /// `stopped` went out: nothing more is scheduled, and trackers need `started` again.
    public mutating func recordStopped() {
        nextAnnounceAt = nil
        minAnnounceAt = nil
        for i in entries.indices { entries[i].started = false }
    }

    public mutating func recordScrape(url: String, result: ScrapeResult) {
        guard let i = index(of: url) else { return }
        entries[i].seeders = result.seeders
        entries[i].leechers = result.leechers
        entries[i].downloaded = result.downloaded
    }

    /// Rows for display, in tier order (original order within a tier).
    public func statuses(now: Duration) -> [TrackerStatus] {
        entries.indices.map { i in
            let e = entries[i]
            let state: TrackerStatus.State =
                e.updating ? .updating : e.failing ? .failing : e.lastAnnounce != nil ? .working : .idle
            let showsNext = current == i || (current == nil && e.lastAnnounce != nil)
            return TrackerStatus(
                url: e.url, tier: e.tier, state: state, isCurrent: current == i,
                sinceLastAnnounce: e.lastAnnounce.map { max(.zero, now - $0) },
                untilNextAnnounce: showsNext ? nextAnnounceAt.map { max(.zero, $0 - now) } : nil,
                seeders: e.seeders, leechers: e.leechers, downloaded: e.downloaded, peersReceived: e.peersReceived,
                lastError: e.lastError, lastWarning: e.lastWarning)
        }
    }

    private func index(of url: String) -> Int? { entries.firstIndex { $0.url == url } }

    private mutating func promote(_ i: Int) {
        let tier = entries[i].tier
        guard let position = order[tier].firstIndex(of: i), position > 0 else { return }
        order[tier].remove(at: position)
        order[tier].insert(i, at: 0)
    }

    private func clamp(_ d: Duration) -> Duration { min(max(d, policy.intervalFloor), policy.intervalCeiling) }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
