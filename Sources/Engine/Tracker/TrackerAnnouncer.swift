import TorrentModel
import Tracker

/// Transfer totals reported in announces, in bytes.
public struct TransferStats: Sendable, Hashable {
    public var uploaded: Int64
    public var downloaded: Int64
    public var left: Int64

    public init(uploaded: Int64, downloaded: Int64, left: Int64) {
        self.uploaded = uploaded
        self.downloaded = downloaded
        self.left = left
    }
}

/// Announces one torrent to its trackers (BEP 12 tiers) and keeps what to show about them.
///
/// Typical use: `announce(.started)`, then loop on `nextAnnounceDelay()` + `announce(.none)`, send
/// `.completed` once when the download finishes, and `.stopped` at shutdown (kept short by
/// `Settings.stoppedTimeout`). No method throws: failures are recorded in `statuses()`.
public actor TrackerAnnouncer {
    public struct Settings: Sendable, Hashable {
        /// Whole-request timeout of an HTTP(S) announce or scrape.
        public var httpTimeout: Duration
        /// UDP retransmission schedule (BEP 15: 15 s × 2^n). The default stops after n = 2 (105 s in all)
        /// rather than n = 8 (over two hours), so that a dead tracker does not hold back the next tier.
        public var udpRetry: UDPRetrySchedule
        /// Cap on the `stopped` announce, so shutdown is quick.
        public var stoppedTimeout: Duration
        /// Cap on each tracker's scrape.
        public var scrapeTimeout: Duration
        /// Peers asked for per announce.
        public var numWant: Int
        /// Interval clamping and failure backoff.
        public var policy: TrackerTierState.Policy

        public init(
            httpTimeout: Duration = .seconds(15), udpRetry: UDPRetrySchedule = UDPRetrySchedule(maxRetry: 2),
            stoppedTimeout: Duration = .seconds(5), scrapeTimeout: Duration = .seconds(15), numWant: Int = 50,
            policy: TrackerTierState.Policy = TrackerTierState.Policy()
        ) {
            self.httpTimeout = httpTimeout
            self.udpRetry = udpRetry
            self.stoppedTimeout = stoppedTimeout
            self.scrapeTimeout = scrapeTimeout
            self.numWant = numWant
            self.policy = policy
        }
    }

    public nonisolated let infoHash: InfoHash
    public nonisolated let peerID: [UInt8]
    public nonisolated let listenPort: UInt16
    public nonisolated let bindHost: String?
    public nonisolated let settings: Settings
    private let transport: TrackerTransport
    private let key = UInt32.random(in: .min ... .max)
    private let origin = ContinuousClock.now
    private var state: TrackerTierState

    public init(
        tiers: [[String]], infoHash: InfoHash, peerID: [UInt8], listenPort: UInt16, bindHost: String? = nil,
        transport: TrackerTransport, settings: Settings = Settings()
    ) {
        self.infoHash = infoHash
        self.peerID = peerID
        self.listenPort = listenPort
        self.bindHost = bindHost
        self.transport = transport
        self.settings = settings
        self.state = TrackerTierState(tiers: tiers, policy: settings.policy)
    }

    private var now: Duration { ContinuousClock.now - origin }

    /// Whether the torrent has any tracker at all.
    public var hasTrackers: Bool { !state.isEmpty }

    /// Announces `event` and returns the peers received (deduplicated), or [] when every tracker failed,
    /// when there are no trackers, or for a regular announce sooner than the tracker's `min interval`
    /// (unless `force`: the user asked for peers now, as rTorrent's and libtorrent's manual re-announce do).
    ///
    /// `.stopped` goes only to the trackers that acknowledged `started`, all at once, within
    /// `Settings.stoppedTimeout`. Other events walk the tiers in order until one tracker answers.
    public func announce(_ event: AnnounceEvent, stats: TransferStats, force: Bool = false) async -> [PeerAddress] {
        guard !state.isEmpty else { return [] }
        if event == .stopped {
            await announceStopped(stats: stats)
            return []
        }
        if event == .none && !force && !state.regularAnnounceAllowed(now: now) { return [] }
        let options = TrackerRequestOptions(httpTimeout: settings.httpTimeout, udpRetry: settings.udpRetry)
        for url in state.announceOrder {
            let sent = state.effectiveEvent(event, for: url)
            let request = makeRequest(sent, stats: stats, trackerID: state.trackerID(for: url))
            state.recordAttempt(url: url, now: now)
            do {
                let response = try await transport.announce(request, to: url, bindHost: bindHost, options: options)
                state.recordSuccess(url: url, event: sent, response: response, now: now)
                var seen: Set<PeerAddress> = []
                return response.peers.filter { seen.insert($0).inserted }
            } catch {
                state.recordFailure(url: url, error: error, now: now)
            }
        }
        state.recordRoundFailed(now: now)
        return []
    }

    private func announceStopped(stats: TransferStats) async {
        let targets = state.startedURLs
        let options = TrackerRequestOptions(
            httpTimeout: settings.stoppedTimeout, udpRetry: settings.udpRetry, deadline: settings.stoppedTimeout)
        let request = makeRequest(.stopped, stats: stats, trackerID: nil)
        let transport = self.transport
        let bindHost = self.bindHost
        for url in targets { state.recordAttempt(url: url, now: now) }
        // One task per tracker; results come back as a plain struct (typed throws inside task-group
        // closures crashed release builds of Swift 6.3 here).
        let results = await withTaskGroup(of: StoppedResult.self) { group in
            for url in targets {
                var request = request
                request.trackerID = state.trackerID(for: url)
                group.addTask {
                    do {
                        let response = try await transport.announce(request, to: url, bindHost: bindHost, options: options)
                        return StoppedResult(url: url, response: response, error: nil)
                    } catch let error as TrackerError {
                        return StoppedResult(url: url, response: nil, error: error)
                    } catch {
                        return StoppedResult(url: url, response: nil, error: nil)
                    }
                }
            }
            var all: [StoppedResult] = []
            for await result in group { all.append(result) }
            return all
        }
        for result in results {
            if let response = result.response {
                state.recordSuccess(url: result.url, event: .stopped, response: response, now: now)
            } else if let error = result.error {
                state.recordFailure(url: result.url, error: error, now: now)
            }
        }
        state.recordStopped()
    }

    /// Time until the next regular announce is due (zero if due now or never announced).
    public func nextAnnounceDelay() -> Duration { state.nextAnnounceDelay(now: now) }

    /// One row per tracker, for display.
    public func statuses() -> [TrackerStatus] { state.statuses(now: now) }

    /// Scrapes every tracker that supports it (concurrently, each within `Settings.scrapeTimeout`) and
    /// records the counts. Returns those of the current tracker, else of the first that answered.
    @discardableResult
    public func scrape() async -> ScrapeResult? {
        let urls = state.announceOrder.filter { url in
            guard let parsed = TrackerURL(url) else { return false }
            return parsed.scheme == "udp" || ((parsed.scheme == "http" || parsed.scheme == "https") && parsed.scrapeURL != nil)
        }
        guard !urls.isEmpty else { return nil }
        let options = TrackerRequestOptions(
            httpTimeout: settings.scrapeTimeout, udpRetry: settings.udpRetry, deadline: settings.scrapeTimeout)
        let transport = self.transport
        let bindHost = self.bindHost
        let infoHash = self.infoHash
        let results = await withTaskGroup(of: (String, ScrapeResult?).self) { group in
            for url in urls {
                group.addTask {
                    (url, try? await transport.scrape(infoHash, at: url, bindHost: bindHost, options: options))
                }
            }
            var all: [String: ScrapeResult] = [:]
            for await (url, result) in group { all[url] = result }
            return all
        }
        for (url, result) in results { state.recordScrape(url: url, result: result) }
        if let current = state.currentURL, let result = results[current] { return result }
        return urls.lazy.compactMap { results[$0] }.first
    }

    private func makeRequest(_ event: AnnounceEvent, stats: TransferStats, trackerID: String?) -> AnnounceRequest {
        AnnounceRequest(
            infoHash: infoHash, peerID: peerID, port: listenPort, uploaded: stats.uploaded, downloaded: stats.downloaded,
            left: stats.left, event: event, numWant: event == .stopped ? 0 : settings.numWant, key: key, compact: true,
            trackerID: trackerID)
    }
}

/// The outcome of one `stopped` announce.
private struct StoppedResult: Sendable {
    let url: String
    let response: AnnounceResponse?
    let error: TrackerError?
}
