/// What the renderer draws from: the engine's data as the UI keeps it.
public struct UIModel: Sendable {
    public var rows: [TorrentRow] = []
    /// `rows` as shown: view, filter and sort applied (kept up to date by `AppCore`).
    public var visible: [TorrentRow] = []
    public var detail: TorrentDetail?
    public var summary = SessionSummary()
    public var history = RateHistoryStore()

    public init(rows: [TorrentRow] = [], detail: TorrentDetail? = nil, summary: SessionSummary = SessionSummary()) {
        self.rows = rows
        self.detail = detail
        self.summary = summary
    }
}

/// Draws a whole screen from the state and the model: a pure function of its inputs.
public enum ScreenRenderer {
    public static func render(state: UIState, model: UIModel) -> ScreenBuffer {
        var buffer = ScreenBuffer(size: state.size)
        let layout = Layout(size: state.size, rowCount: model.visible.count)
        if layout.isTooSmall {
            TooSmallView.draw(size: state.size, quitKey: state.keys.primary(.quit), into: &buffer)
            return buffer
        }
        HeaderView.draw(model.rows, summary: model.summary, state: state, into: &buffer, rect: layout.header)
        for y in layout.rules { buffer.write(String(repeating: "─", count: state.size.width), x: 0, y: y, role: .border) }
        TorrentListView.draw(model.visible, state: state, into: &buffer, rect: layout.list)
        let selected = model.visible.first { $0.id == state.selectedID }
        if let bar = layout.tabBar, let detailRect = layout.detail {
            TabBarView.draw(selected, state: state, into: &buffer, rect: bar)
            drawDetail(selected, model: model, state: state, into: &buffer, rect: detailRect)
        }
        StatusBarView.draw(model, state: state, into: &buffer, rect: layout.status)
        if case .prompt(let prompt) = state.mode, !prompt.candidates.isEmpty, layout.status.y > 0 {
            let line = "  " + prompt.candidates.joined(separator: "  ")
            let row = layout.status.y - 1
            buffer.fill(Rect(x: 0, y: row, width: state.size.width, height: 1), role: .prompt)
            buffer.write(line, x: 0, y: row, role: .prompt)
        }
        if case .help(let scroll) = state.mode { HelpOverlay.draw(scroll: scroll, keys: state.keys, into: &buffer, bounds: buffer.bounds) }
        return buffer
    }

    private static func drawDetail(
        _ row: TorrentRow?, model: UIModel, state: UIState, into buffer: inout ScreenBuffer, rect: Rect
    ) {
        guard let row else {
            buffer.write("  Select a torrent to see its peers, pieces, files, trackers and health.", x: rect.x,
                y: rect.y, role: .dim, limit: rect.maxX)
            return
        }
        guard let detail = model.detail, detail.id == row.id else {
            buffer.write("  Loading…", x: rect.x, y: rect.y, role: .dim, limit: rect.maxX)
            return
        }
        switch state.tab {
        case .peers: PeersTab.draw(detail, state: state, into: &buffer, rect: rect)
        case .pieces: PiecesTab.draw(detail, into: &buffer, rect: rect)
        case .files: FilesTab.draw(detail, state: state, into: &buffer, rect: rect)
        case .trackers: TrackersTab.draw(detail, state: state, into: &buffer, rect: rect)
        case .health:
            HealthTab.draw(row, detail, history: model.history.history(for: row.id), into: &buffer, rect: rect)
        }
    }
}
