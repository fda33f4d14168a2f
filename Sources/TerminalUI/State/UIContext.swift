import Engine

/// What the reducer may read besides the state: the rows on screen and the selected torrent's detail.
public struct UIContext: Sendable {
    /// The list as shown: filtered, in view, sorted.
    public var visible: [TorrentRow]
    public var detail: TorrentDetail?
    /// Whether any torrent (visible or not) is moving data: quitting asks first.
    public var anyTransferring: Bool
    /// Completions for a partly typed path (the app lists the file system; tests pass a fake).
    public var completePath: @Sendable (String) -> [String]
    /// The UI shows a daemon's engine: `Q` detaches, and `q` asks whether to stop the engine too.
    public var isAttached: Bool
    /// The session's rate limits (bytes per second, nil for none), to start the limits prompt from.
    public var sessionLimits: (download: Double?, upload: Double?) = (nil, nil)
    /// All torrents' options, to start the options prompt from; nil when the engine did not say.
    public var sessionOptions: Session.Options?

    public init(
        visible: [TorrentRow], detail: TorrentDetail? = nil, anyTransferring: Bool = false,
        completePath: @escaping @Sendable (String) -> [String] = { _ in [] }, isAttached: Bool = false
    ) {
        self.isAttached = isAttached
        self.visible = visible
        self.detail = detail
        self.anyTransferring = anyTransferring
        self.completePath = completePath
    }

    public var layoutRowCount: Int { visible.count }

    func selectedIndex(_ state: UIState) -> Int? {
        guard let id = state.selectedID else { return nil }
        return visible.firstIndex { $0.id == id }
    }

    func selectedRow(_ state: UIState) -> TorrentRow? { selectedIndex(state).map { visible[$0] } }

    /// Rows in the current detail tab that can be selected.
    func detailRowCount(_ tab: DetailTab) -> Int {
        switch tab {
        case .peers: detail?.peers.count ?? 0
        case .files: detail?.files?.count ?? 0
        case .trackers: detail?.trackers.count ?? 0
        case .pieces, .health: 0
        }
    }
}
