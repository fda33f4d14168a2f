/// Where the UI gets its data. Called from a background task at the UI's refresh rate; it must not block
/// the engine for long (an actor hop to read snapshots is fine).
public protocol SnapshotSource: Sendable {
    /// Every torrent's row, the detail of `selected` (when it exists) and session facts.
    func update(selected: TorrentID?) async -> SwarmUpdate
}

/// Where the UI sends what the user asked for. Each command runs in its own task, so a slow command never
/// freezes the screen.
public protocol CommandSink: Sendable {
    /// Performs `command`; returns a message for the status bar when it could not (for example "pause is
    /// not supported yet"), nil on success.
    func perform(_ command: UICommand) async -> String?
}
