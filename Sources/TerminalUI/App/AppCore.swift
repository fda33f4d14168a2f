/// The UI without a terminal: takes updates and keys, returns commands and screens. `TerminalApp` drives
/// one from a real terminal; tests drive one directly.
public struct AppCore: Sendable {
    public private(set) var state: UIState
    public private(set) var model = UIModel()
    public var completePath: @Sendable (String) -> [String]
    /// Showing a daemon's engine (see `UIContext.isAttached`).
    public var isAttached: Bool

    public init(
        size: Size, keys: KeyBindings = .standard, completePath: @escaping @Sendable (String) -> [String] = { _ in [] },
        isAttached: Bool = false
    ) {
        state = UIState(size: size, keys: keys)
        self.completePath = completePath
        self.isAttached = isAttached
    }

    /// The torrent whose detail the source should send.
    public var selectedID: TorrentID? { state.selectedID }

    /// Takes the source's latest data; `now` paces the rate history (one sample a second).
    public mutating func ingest(_ update: SwarmUpdate, at now: Duration) {
        model.rows = update.rows
        model.summary = update.summary
        if update.detail != nil || model.detail?.id != state.selectedID { model.detail = update.detail }
        model.history.record(update.rows, at: now)
        refresh()
    }

    /// Applies a key; returns the commands for the engine (and `.quit`).
    public mutating func handle(_ key: Key) -> [UICommand] {
        let (next, commands) = UIReducer.reduce(state, key, context: context)
        let listChanged = next.filter != state.filter || next.view != state.view || next.sort != state.sort
            || next.sortDescending != state.sortDescending
        state = next
        if listChanged { refresh() }
        return commands
    }

    /// Shows a message from a command that failed (or any other news) in the status bar.
    public mutating func report(_ message: StatusMessage) {
        state.status = message
    }

    public func render() -> ScreenBuffer { ScreenRenderer.render(state: state, model: model) }

    private var context: UIContext {
        var context = UIContext(visible: model.visible, detail: model.detail?.id == state.selectedID ? model.detail : nil,
            anyTransferring: model.rows.contains { $0.state.isTransferring }, completePath: completePath,
            isAttached: isAttached)
        context.sessionLimits = (model.summary.downloadLimit, model.summary.uploadLimit)
        context.sessionOptions = model.summary.options
        return context
    }

    private mutating func refresh() {
        model.visible = ListQuery.visibleRows(model.rows, state: state)
        state = UIReducer.normalized(state, context)
    }
}
