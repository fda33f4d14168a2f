import TorrentModel
import Tracker

extension Torrent {
    /// Announces `started`, then re-announces on the trackers' schedule (or at once when asked), sends
    /// `completed` when the download finishes, and feeds every peer list to the connection loop.
    func runTrackers() async {
        guard let announcer, await announcer.hasTrackers else { return }
        var event: AnnounceEvent = .started
        var completedSent = picker.isComplete
        var lastScrape: ContinuousClock.Instant?
        while !Task.isCancelled {
            let forced = reannounceRequested
            reannounceRequested = false
            let found = await announcer.announce(event, stats: transferStats, force: forced)
            trackerStatuses = await announcer.statuses()
            guard !Task.isCancelled else { return }
            addPeers(found, source: .tracker)
            // Scrape for the swarm's totals (seeds, leechers, downloads) now and then, as rTorrent does.
            if lastScrape.map({ ContinuousClock.now - $0 > Self.scrapeInterval }) ?? true {
                lastScrape = ContinuousClock.now
                await announcer.scrape()
                trackerStatuses = await announcer.statuses()
            }
            let deadline = ContinuousClock.now + (await announcer.nextAnnounceDelay())
            event = .none
            // One timer until the next announce (no polling: thousands of idle torrents cost nothing);
            // `reannounce()` and the download's completion cut it short.
            if !reannounceRequested && !(picker.isComplete && !completedSent) {
                let wait = Task<Void, Never> { _ = try? await Task.sleep(until: deadline, clock: .continuous) }
                trackerWait = wait
                await withTaskCancellationHandler { await wait.value } onCancel: { wait.cancel() }
                if trackerWait == wait { trackerWait = nil }
            }
            trackerStatuses = await announcer.statuses()
            if picker.isComplete && !completedSent {
                completedSent = true
                event = .completed
            }
        }
    }

    static let scrapeInterval: Duration = .seconds(600)

    /// Asks the trackers for peers now, as `kill -USR1` does for rTorrent and libtorrent's tools.
    public func reannounce() {
        reannounceRequested = true
        trackerWait?.cancel()
    }

    /// The tracker statuses with their countdowns brought up to now.
    var currentTrackerStatuses: [TrackerStatus] {
        let elapsed = now - trackerStatusesAt
        return trackerStatuses.map { status in
            var status = status
            status.sinceLastAnnounce = status.sinceLastAnnounce.map { $0 + elapsed }
            status.untilNextAnnounce = status.untilNextAnnounce.map { max(.zero, $0 - elapsed) }
            return status
        }
    }

    /// Tells the trackers we leave (`stopped`), within the announcer's short timeout.
    func announceStopped() async {
        guard let announcer else { return }
        trackerTask?.cancel()
        _ = await announcer.announce(.stopped, stats: transferStats)
    }

    var transferStats: TransferStats {
        let wanted = metainfo.geometry.byteCount(of: wantedPieces)
        let have = metainfo.geometry.byteCount(of: picker.have.intersection(wantedPieces))
        return TransferStats(uploaded: upload.total, downloaded: download.total, left: wanted - have)
    }
}
