import Foundation
import Strategy
import TorrentModel

extension Torrent {
    /// Hashes the data on disk again and carries on from what it finds: a paused or queued torrent stays
    /// so, a running one resumes, and one in error runs again (the way to resume after fixing a full disk
    /// or a missing folder).
    public func recheck() async throws {
        let previous = activity
        switch previous {
        case .checking: return
        case .downloading, .seeding: await halt()
        default: break
        }
        trackerTask?.cancel()
        pieceBuffers.removeAll()
        activity = .checking(0)
        while pendingWrites > 0 { try? await Task.sleep(for: .milliseconds(10)) }
        let checked = Counter()
        checkProgress = checked
        defer { checkProgress = nil }
        let have: Bitfield
        do {
            try await storage.checkDirectory()
            have = try await storage.check { n in checked.add(n) }
            lastKnownHave = nil
        } catch {
            activity = .error("\(error)")
            throw error
        }
        picker = PiecePicker(geometry: metainfo.geometry, have: have)
        applyPiecePriorities()
        logger.info("\(metainfo.name): recheck found \(have.setCount) of \(metainfo.pieceCount) pieces")
        switch previous {
        case .paused, .queued, .stopped:
            activity = previous
        default:
            try await prepareFiles()
            activity = picker.isComplete ? .seeding : .downloading
            lastTickAt = nil
            startLoops()
            connectMore()
        }
    }
}

extension Torrent {
    /// Moves the data to another download directory: transfers stop while the files move, then carry on
    /// as before (a paused torrent stays paused).
    public func move(to destination: URL) async throws {
        let previous = activity
        if case .checking = previous { throw TorrentControlError.busyChecking }
        if isRunning { await halt() }
        activity = .checking(0)
        do {
            // Blocks still on their way to the old files land before they move.
            while pendingWrites > 0 { try await Task.sleep(for: .milliseconds(10)) }
            try await storage.move(to: destination)
        } catch {
            activity = .error("\(error)")
            throw error
        }
        logger.info("\(metainfo.name): moved to \(destination.path)")
        switch previous {
        case .downloading, .seeding:
            activity = picker.isComplete ? .seeding : .downloading
            lastTickAt = nil
            startLoops()
            connectMore()
        default:
            activity = previous
        }
    }
}
