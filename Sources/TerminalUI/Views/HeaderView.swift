/// The top line: totals on the left, the list views on the right.
enum HeaderView {
    static func draw(
        _ rows: [TorrentRow], summary: SessionSummary, state: UIState, into buffer: inout ScreenBuffer, rect: Rect
    ) {
        let down = rows.reduce(0) { $0 + $1.downloadRate }
        let up = rows.reduce(0) { $0 + $1.uploadRate }
        let peers = rows.reduce(0) { $0 + $1.peersConnected + $1.seedsConnected }
        let views = viewHitRanges(width: rect.width)
        let limit = (views.first?.1.lowerBound ?? rect.width) - 1
        var x = buffer.write(" Swarm ", x: rect.x, y: rect.y, role: .title, limit: limit)
        var parts = ["▼ \(Units.bytes(down))/s", "▲ \(Units.bytes(up))/s", "peers \(peers)"]
        if let restoring = summary.restoring { parts.insert(restoring.text, at: 0) }
        if let dht = summary.dhtNodes { parts.append("DHT \(dht) nodes") }
        for (n, part) in parts.enumerated() {
            let start = x + (n == 0 ? 2 : 3)
            guard start + DisplayWidth.of(part) <= limit else { break }
            x = buffer.write(part, x: start, y: rect.y, limit: limit)
        }
        if !state.filter.isEmpty {
            buffer.write("   /" + state.filter, x: x, y: rect.y, role: .prompt, limit: limit)
        }
        for (n, (view, range)) in views.enumerated() {
            if n > 0 { buffer.write("│", x: range.lowerBound - 2, y: rect.y, role: .border) }
            buffer.write(view.rawValue, x: range.lowerBound, y: rect.y, role: view == state.view ? .tabActive : .tabInactive)
        }
    }

    /// Where each view name sits, right-aligned; none on a narrow terminal (the status bar names the view).
    static func viewHitRanges(width: Int) -> [(ListView, Range<Int>)] {
        let names = ListView.allCases.map(\.rawValue)
        let total = names.reduce(0) { $0 + $1.count } + 3 * (names.count - 1) + 1
        guard width >= total + 44 else { return [] }
        var x = width - total
        var out: [(ListView, Range<Int>)] = []
        for view in ListView.allCases {
            out.append((view, x..<(x + view.rawValue.count)))
            x += view.rawValue.count + 3
        }
        return out
    }
}
