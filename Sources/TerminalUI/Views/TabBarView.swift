/// The row of detail tabs, with the selected torrent's name on the right.
enum TabBarView {
    static func draw(_ row: TorrentRow?, state: UIState, into buffer: inout ScreenBuffer, rect: Rect) {
        let ranges = hitRanges()
        for (n, (tab, range)) in ranges.enumerated() {
            if n > 0 { buffer.write("│", x: rect.x + range.lowerBound - 2, y: rect.y, role: .border, limit: rect.maxX) }
            let active = tab == state.tab
            buffer.write(tab.rawValue, x: rect.x + range.lowerBound, y: rect.y,
                role: active ? .tabActive : .tabInactive, limit: rect.maxX)
        }
        guard let row, let last = ranges.last?.1.upperBound else { return }
        let room = rect.width - last - 4
        guard room >= 8 else { return }
        let name = TextFit.truncate(row.name, to: room)
        buffer.write(name, x: rect.maxX - 1 - DisplayWidth.of(name), y: rect.y, role: .dim)
    }

    /// Columns of each tab label.
    static func hitRanges() -> [(DetailTab, Range<Int>)] {
        var x = 2
        return DetailTab.allCases.map { tab in
            defer { x += tab.rawValue.count + 3 }
            return (tab, x..<(x + tab.rawValue.count))
        }
    }
}
