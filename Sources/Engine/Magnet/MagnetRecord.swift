import Foundation
import TorrentModel

/// A magnet link whose metadata is still being fetched, as the store keeps it so that it comes back
/// after a restart (once the metadata arrives it is a torrent, saved as a `TorrentRecord`).
public struct MagnetRecord: Sendable, Equatable {
    public var infoHash: InfoHash
    /// The link as the user gave it (`MagnetLink.uri`): trackers, peers and file selection included.
    public var link: String
    public var directory: String
    public var paused: Bool
    public var stopAfterMetadata: Bool
    public var settings: TorrentSettings
    public var addedAt: Date

    public init(
        infoHash: InfoHash, link: String, directory: String, paused: Bool, stopAfterMetadata: Bool,
        settings: TorrentSettings, addedAt: Date
    ) {
        self.infoHash = infoHash
        self.link = link
        self.directory = directory
        self.paused = paused
        self.stopAfterMetadata = stopAfterMetadata
        self.settings = settings
        self.addedAt = addedAt
    }
}

extension Session {
    /// The magnet links still waiting for their metadata (paused ones included), in the session's order.
    public func magnetRecords() async -> [MagnetRecord] {
        var records: [MagnetRecord] = []
        // In queue order, without going over every torrent (this runs at every save).
        for hash in fetches.keys.sorted(by: { queuePlace(of: $0) < queuePlace(of: $1) }) {
            guard torrents[hash] == nil, let fetch = fetches[hash] else { continue }
            guard let paused = await fetch.pausedIfPending else { continue }
            records.append(MagnetRecord(
                infoHash: hash, link: fetch.link.uri, directory: await fetch.directory.path, paused: paused,
                stopAfterMetadata: fetch.stopAfterMetadata, settings: fetch.settings, addedAt: fetch.addedAt))
        }
        return records
    }

    /// Starts fetching the saved magnet links again. Returns the ones that could not be restored, with why
    /// (a link whose torrent is already in the session is skipped quietly: it finished just before a stop).
    public func restoreMagnets(_ records: [MagnetRecord]) async -> [(InfoHash, String)] {
        var failures: [(InfoHash, String)] = []
        for record in records where torrents[record.infoHash] == nil && fetches[record.infoHash] == nil {
            do {
                let link = try MagnetLink(parsing: record.link)
                _ = try await addMagnet(
                    link, directory: URL(fileURLWithPath: record.directory), settings: record.settings,
                    paused: record.paused, stopAfterMetadata: record.stopAfterMetadata, addedAt: record.addedAt)
            } catch {
                failures.append((record.infoHash, "\(error)"))
            }
        }
        return failures
    }
}

extension MetadataFetch {
    /// Whether the fetch is paused; nil once it has its metadata or failed for good (nothing to save).
    var pausedIfPending: Bool? {
        switch phase {
        case .paused: true
        case .fetching, .stopped: false
        case .done, .failed: nil
        }
    }
}
