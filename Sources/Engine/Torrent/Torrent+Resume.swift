import Foundation
import TorrentModel

extension Torrent {
    /// Remembers whether the torrent runs, is paused or queued, for when it is checking, stopped or in
    /// error (states a restart should not bring back as such).
    func noteSteadyState() {
        switch activity {
        case .downloading, .seeding: steadyState = .active
        case .paused: steadyState = .paused
        case .queued: steadyState = .queued
        case .checking, .stopped, .error, .fetchingMetadata: break
        }
    }

    /// The pieces verified on disk: while a check runs, those known before it.
    var persistedHave: Bitfield { lastKnownHave ?? picker.have }

    /// What a save compares to decide whether this torrent must be written again.
    public func saveMark() -> TorrentRecord.Mark {
        noteSteadyState()
        return TorrentRecord.Mark(
            piecesHave: persistedHave.setCount, state: steadyState, activityLabel: activity.label, settings: settings,
            directory: storage.directory.path, uploaded: upload.total, downloaded: download.total,
            seedingHours: Int(currentSeedingTime.components.seconds / 3600), completedAt: completedAt)
    }

    /// The torrent as it should come back after a restart. The verified pieces are captured first, then
    /// the files are flushed and stamped: so every piece in the record is on disk when the record is.
    public func record(queuePosition: Int) async throws -> TorrentRecord {
        noteSteadyState()
        let have = persistedHave
        let state = steadyState
        let settings = self.settings
        let (uploaded, downloaded) = (upload.total, download.total)
        let time = currentSeedingTime
        let seconds = Double(time.components.seconds) + Double(time.components.attoseconds) / 1e18
        let (added, completed) = (addedAt, completedAt)
        let stamps = try await storage.syncAndStamp()
        return TorrentRecord(
            metainfo: metainfo.torrentFileBytes, infoHash: infoHash, name: metainfo.name,
            directory: storage.directory.path, state: state, settings: settings, queuePosition: queuePosition,
            resume: ResumeData(verified: have, files: stamps), uploaded: uploaded, downloaded: downloaded,
            seedingSeconds: seconds, addedAt: added, completedAt: completed)
    }

    /// Takes back the totals and times of a restored torrent (before it starts).
    func restoreHistory(from record: TorrentRecord) {
        upload.addToTotal(max(0, record.uploaded))
        download.addToTotal(max(0, record.downloaded))
        if record.seedingSeconds.isFinite, record.seedingSeconds > 0, record.seedingSeconds < 1e12 {
            seedingTime = .seconds(record.seedingSeconds)
        }
        addedAt = record.addedAt
        completedAt = record.completedAt
        steadyState = record.state
        rowMayHaveChanged()
    }

    /// A saved torrent comes back (see `Session.restore`): its history, then `start`, in one hop; a
    /// directory that cannot be used, or a failed start, leaves it in error with what it knew.
    func startRestored(_ record: TorrentRecord, holding: TorrentActivity?, unchanged: Bitfield?, directoryProblem: String?) async {
        restoreHistory(from: record)
        do {
            if let directoryProblem { throw Session.RestoreError.directoryUnusable(directoryProblem) }
            try await start(holding: holding, resume: record.resume, unchanged: unchanged)
        } catch {
            failedToStart(error, keeping: record.resume)
        }
    }

    /// A restored torrent that cannot start (its folder is gone, say) stays listed, in error, with what
    /// it knew: it is saved as it was and a resume after the fix rechecks it.
    func failedToStart(_ error: Error, keeping resume: ResumeData?) {
        lastKnownHave = resume?.verified
        activity = .error("\(error)")
    }
}

extension Torrent {
    /// Waits until the pieces being hashed and written have landed (or the deadline passes).
    func waitForWrites(until deadline: ContinuousClock.Instant) async {
        while pendingWrites > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
