/// How far a starting daemon is in bringing back its saved torrents. While it restores, it already
/// answers, with the torrents listed so far.
public struct RestoreProgress: Codable, Sendable, Hashable {
    /// Torrents in the list so far, of `total` saved ones.
    public var listed: Int
    public var total: Int

    public init(listed: Int, total: Int) {
        self.listed = listed
        self.total = total
    }
}
