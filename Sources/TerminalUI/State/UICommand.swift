import Engine
/// Something the user asked the engine (or the app) to do. The reducer produces these; the app executes
/// them against the engine through a `CommandSink`.
public enum UICommand: Sendable, Hashable {
    case pause(TorrentID)
    case resume(TorrentID)
    case remove(TorrentID, deleteData: Bool)
    case setPriority(TorrentID, TorrentPriority)
    case setFilePriority(TorrentID, fileIndex: Int, FileRow.Priority)
    case recheck(TorrentID)
    /// `stopAfterMetadata`: a magnet link stays paused once its metadata is in, so files can be chosen.
    /// `directory` as typed (nil: the default download directory).
    case add(AddSource, paused: Bool = false, stopAfterMetadata: Bool = false, directory: String? = nil)
    /// Download pieces in order (to play while downloading), or not.
    case setSequential(TorrentID, Bool)
    /// The first and last pieces of each file first (for previews), or not.
    case setFirstAndLastPiecesFirst(TorrentID, Bool)
    /// Move the data to another directory (as typed: `~` and relative paths are the sink's to resolve).
    case move(TorrentID, directory: String)
    /// Rate limits in bytes per second (nil: none) of one torrent, or of all together when the id is nil.
    case setRateLimits(TorrentID?, download: Double?, upload: Double?)
    /// Seeding stops at this ratio or after these seconds of seeding; nil: all torrents' limit applies.
    case setSeedLimits(TorrentID, ratio: Double?, seconds: Double?)
    /// Connected peers of a torrent at most; nil: all torrents' limit applies.
    case setMaxPeers(TorrentID, Int?)
    /// Options of all torrents together; those not named stay as they are (seeding time in seconds).
    case setSessionOptions([SessionOption: SessionOption.Value])
    /// Leave the UI and stop the session. Handled by the app itself, never sent to the sink.
    case quit
    /// Leave the UI and let the daemon it is attached to carry on. Handled by the app itself.
    case detach

    /// What the user typed in the add prompt.
    public enum AddSource: Sendable, Hashable {
        case torrentFile(path: String)
        case magnet(String)

        /// A magnet link or a path, from what was typed.
        public init(_ typed: String) {
            let trimmed = typed.trimmingCharacters(in: " ")
            if trimmed.lowercased().hasPrefix("magnet:") {
                self = .magnet(trimmed)
            } else {
                self = .torrentFile(path: trimmed)
            }
        }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
