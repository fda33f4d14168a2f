/// Trackers tab: each tracker's state, timing, counts and last message.
enum TrackersTab {
    static func draw(_ detail: TorrentDetail, state: UIState, into buffer: inout ScreenBuffer, rect: Rect) {
        guard !detail.trackers.isEmpty else {
            buffer.write("  No trackers: peers come from DHT, PEX or by hand.", x: rect.x, y: rect.y + 1,
                role: .dim, limit: rect.maxX)
            return
        }
        let top = DetailScroll.top(selected: state.detailRow, count: detail.trackers.count, rows: rect.height - 1)
        Table.draw(detail.trackers, columns: columns, into: &buffer, rect: rect.inset(columns: 2),
            selected: state.focus == .detail ? state.detailRow : nil, top: top)
    }

    static func statusRole(_ status: TrackerRow.Status) -> ColorRole {
        switch status {
        case .idle: .dim
        case .updating: .checking
        case .working: .ok
        case .failing: .error
        }
    }

    static func optional(_ n: Int?) -> String { n.map(Units.count) ?? "—" }

    static var columns: [TableColumn<TrackerRow>] {
        [
            .text("URL", width: 20, flex: 2, keep: 100) { ($0.isCurrent ? "* " : "") + $0.url },
            .text("Tier", width: 4, right: true, keep: 40) { String($0.tier + 1) },
            .text("Status", width: 8, keep: 90, role: { statusRole($0.status) }) { $0.status.rawValue },
            .text("Last", width: 5, right: true, keep: 50) { $0.sinceLastAnnounce.map(Units.duration) ?? "—" },
            .text("Next", width: 5, right: true, keep: 55) { $0.untilNextAnnounce.map(Units.duration) ?? "—" },
            .text("Seeds", width: 5, right: true, keep: 70) { optional($0.seeders) },
            .text("Leech", width: 5, right: true, keep: 65) { optional($0.leechers) },
            .text("Done", width: 5, right: true, keep: 30) { optional($0.downloaded) },
            .text("Got", width: 4, right: true, keep: 35) { optional($0.peersReceived) },
            .text("Message", width: 12, flex: 1, keep: 80, role: { $0.lastError != nil ? .error : .warning }) {
                $0.lastError ?? $0.lastWarning ?? ""
            },
        ]
    }
}
