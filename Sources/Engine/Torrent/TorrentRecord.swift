import Bencode
import Foundation
import TorrentModel

/// Everything needed to bring a torrent back after a restart, as the store saves it.
public struct TorrentRecord: Sendable, Equatable {
    /// What the torrent comes back as: running (downloading or seeding), paused, or waiting in the queue.
    public enum State: String, Sendable, Codable, CaseIterable {
        case active, paused, queued
    }

    /// The torrent file: the raw `info` dictionary and the trackers (see `Metainfo.torrentFileBytes`).
    public var metainfo: [UInt8]
    public var infoHash: InfoHash
    public var name: String
    public var directory: String
    public var state: State
    public var settings: TorrentSettings
    /// Place in the session's order (and so in the queue among equal priorities).
    public var queuePosition: Int
    public var resume: ResumeData
    public var uploaded: Int64
    public var downloaded: Int64
    public var seedingSeconds: Double
    public var addedAt: Date
    public var completedAt: Date?

    public init(
        metainfo: [UInt8], infoHash: InfoHash, name: String, directory: String, state: State,
        settings: TorrentSettings, queuePosition: Int, resume: ResumeData, uploaded: Int64, downloaded: Int64,
        seedingSeconds: Double, addedAt: Date, completedAt: Date?
    ) {
        self.metainfo = metainfo
        self.infoHash = infoHash
        self.name = name
        self.directory = directory
        self.state = state
        self.settings = settings
        self.queuePosition = queuePosition
        self.resume = resume
        self.uploaded = uploaded
        self.downloaded = downloaded
        self.seedingSeconds = seedingSeconds
        self.addedAt = addedAt
        self.completedAt = completedAt
    }

    /// A torrent never started: nothing verified, no file known. Whatever is on disk when it starts is
    /// hashed (a missing file matches "no file", and has nothing to verify).
    public static func new(
        _ metainfo: Metainfo, directory: URL, state: State = .active, settings: TorrentSettings = TorrentSettings(),
        queuePosition: Int = 0, addedAt: Date = Date()
    ) -> TorrentRecord {
        TorrentRecord(
            metainfo: metainfo.torrentFileBytes, infoHash: metainfo.infoHash, name: metainfo.name,
            directory: directory.path, state: state, settings: settings, queuePosition: queuePosition,
            resume: ResumeData(verified: Bitfield(count: metainfo.pieceCount), files: metainfo.files.map { _ in nil }),
            uploaded: 0, downloaded: 0, seedingSeconds: 0, addedAt: addedAt, completedAt: nil)
    }

    /// What a save compares to know whether the torrent changed since: cheap to take, no disk access.
    public struct Mark: Sendable, Equatable {
        var piecesHave: Int
        var state: State
        var activityLabel: String
        var settings: TorrentSettings
        var directory: String
        var uploaded: Int64
        var downloaded: Int64
        var seedingHours: Int
        var completedAt: Date?
        /// Queue place (see `Session+QueuePlaces.swift`): given when added, unchanged by removals.
        public internal(set) var queuePosition = 0
    }
}
