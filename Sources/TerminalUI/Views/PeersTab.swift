/// Peers tab: every connected peer with its flags, rates and progress.
enum PeersTab {
    static func draw(_ detail: TorrentDetail, state: UIState, into buffer: inout ScreenBuffer, rect: Rect) {
        guard !detail.peers.isEmpty else {
            buffer.write("  No peers connected.", x: rect.x, y: rect.y + 1, role: .dim, limit: rect.maxX)
            return
        }
        let top = DetailScroll.top(selected: state.detailRow, count: detail.peers.count, rows: rect.height - 1)
        Table.draw(detail.peers, columns: columns, into: &buffer, rect: rect.inset(columns: 2),
            selected: state.focus == .detail ? state.detailRow : nil, top: top)
    }

    static var columns: [TableColumn<PeerRow>] {
        [
            .text("Address", width: 21, keep: 100) { $0.address },
            .text("Client", width: 16, flex: 1, keep: 80) { $0.client },
            .text("Flags", width: 9, keep: 70) { $0.flags },
            .text("Have", width: 4, right: true, keep: 75) { Units.percent($0.progress) },
            .text("▼ Rate", width: 7, right: true, keep: 90) { Units.compactRate($0.downloadRate) },
            .text("▲ Rate", width: 7, right: true, keep: 85) { Units.compactRate($0.uploadRate) },
            .text("Reqs", width: 4, right: true, keep: 50) { String($0.requestsInFlight) },
            .text("▼ Total", width: 7, right: true, keep: 40) { Units.compactBytes(Double($0.downloaded)) },
            .text("▲ Total", width: 7, right: true, keep: 35) { Units.compactBytes(Double($0.uploaded)) },
            .text("Source", width: 8, keep: 30) { $0.source.rawValue },
        ]
    }
}

extension Rect {
    /// The rectangle without `n` columns on the left.
    func inset(columns n: Int) -> Rect { Rect(x: x + n, y: y, width: width - n, height: height) }
}
