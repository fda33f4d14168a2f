/// The torrent list: one row per torrent, columns dropping out on narrow terminals.
enum TorrentListView {
    static func draw(_ rows: [TorrentRow], state: UIState, into buffer: inout ScreenBuffer, rect: Rect) {
        guard !rect.isEmpty else { return }
        let columns = self.columns(numberWidth: String(rows.map(\.number).max() ?? 1).count)
        let sortedIndex = columns.firstIndex { $0.sortKey == state.sort }
        let arrow = state.sortDescending ? "▼" : "▲"
        let selected = rows.firstIndex { $0.id == state.selectedID }
        let inner = Rect(x: rect.x + 2, y: rect.y, width: rect.width - 2, height: rect.height)
        Table.draw(
            rows, columns: columns.map(\.column), into: &buffer, rect: inner, selected: nil, top: state.listTop,
            titleSuffix: { $0 == sortedIndex ? arrow : "" })
        if rows.isEmpty {
            buffer.write(UIReducer.emptyListReason(state), x: rect.x + 2, y: rect.y + 1, role: .dim, limit: rect.maxX)
        }
        if let selected, selected >= state.listTop, selected - state.listTop < rect.height - 1 {
            let y = rect.y + 1 + selected - state.listTop
            buffer.write("▶", x: rect.x, y: y, role: .selection)
            buffer.paint(Rect(x: rect.x, y: y, width: rect.width, height: 1),
                role: state.focus == .list ? .selection : .tabInactive)
        }
    }

    struct ListColumn {
        var sortKey: SortKey
        var column: TableColumn<TorrentRow>
    }

    /// Every column, with the rank that decides which stay on a narrow terminal (highest stays longest).
    static func columns(numberWidth: Int) -> [ListColumn] {
        [
            ListColumn(sortKey: .number, column: .text("#", width: max(1, numberWidth), right: true, keep: 20) {
                String($0.number)
            }),
            ListColumn(sortKey: .name, column: .text("Name", width: 18, flex: 1, keep: 100) { $0.name }),
            ListColumn(sortKey: .size, column: .text("Size", width: 5, right: true, keep: 55) {
                Units.compactBytes(Double($0.size))
            }),
            ListColumn(sortKey: .progress, column: TableColumn("Progress", width: 10, keep: 30) { row, width in
                Glyphs.progressBar(row.progress, width: width)
            }),
            ListColumn(sortKey: .progress, column: .text("Done", width: 4, right: true, keep: 95) {
                Units.percent($0.progress)
            }),
            ListColumn(sortKey: .state, column: .text("State", width: 11, keep: 90, role: { $0.state.role }) {
                $0.state.label
            }),
            ListColumn(sortKey: .downloadRate, column: .text("▼ Rate", width: 7, right: true, keep: 80) {
                Units.compactRate($0.downloadRate)
            }),
            ListColumn(sortKey: .uploadRate, column: .text("▲ Rate", width: 7, right: true, keep: 60) {
                Units.compactRate($0.uploadRate)
            }),
            ListColumn(sortKey: .eta, column: .text("ETA", width: 5, right: true, keep: 70) { row in
                row.isComplete ? "—" : (row.state.isTransferring ? Units.duration(seconds: row.etaSeconds) : "—")
            }),
            ListColumn(sortKey: .seeds, column: .text("Seeds", width: 7, right: true, keep: 45) {
                swarmCount($0.seedsConnected, $0.seedsKnown)
            }),
            ListColumn(sortKey: .peers, column: .text("Peers", width: 7, right: true, keep: 40) {
                swarmCount($0.peersConnected, $0.peersKnown)
            }),
            ListColumn(sortKey: .ratio, column: .text("Ratio", width: 5, right: true, keep: 25) {
                Units.ratio($0.ratio)
            }),
            ListColumn(sortKey: .priority, column: .text("Prio", width: 4, keep: 10) { row in
                switch row.priority {
                case .low: "low"
                case .normal: "norm"
                case .high: "high"
                }
            }),
        ]
    }

    /// `4/112`: connected, then known from trackers.
    static func swarmCount(_ connected: Int, _ known: Int?) -> String {
        guard let known else { return String(connected) }
        return "\(connected)/\(Units.count(known))"
    }
}
