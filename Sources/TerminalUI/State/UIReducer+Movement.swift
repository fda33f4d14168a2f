/// Moving the selection, mouse clicks, and keeping the state consistent with what is on screen.
extension UIReducer {
    static func move(_ s: inout UIState, by step: Int, _ context: UIContext) {
        if s.focus == .detail {
            let count = context.detailRowCount(s.tab)
            guard count > 0 else {
                s.status = StatusMessage("The \(s.tab.rawValue) tab has no rows to move through.")
                return
            }
            s.detailRow = clamp(s.detailRow + step, count)
            return
        }
        guard !context.visible.isEmpty else {
            s.status = StatusMessage(emptyListReason(s))
            return
        }
        let current = context.selectedIndex(s) ?? 0
        s.selectedID = context.visible[clamp(current + step, context.visible.count)].id
    }

    static func pageSize(_ s: UIState, _ context: UIContext) -> Int {
        let layout = Layout(size: s.size, rowCount: context.layoutRowCount)
        if s.focus == .detail, let detail = layout.detail { return max(1, detail.height - 2) }
        return max(1, layout.listRows - 1)
    }

    static func click(_ s: inout UIState, x: Int, y: Int, _ context: UIContext) {
        let layout = Layout(size: s.size, rowCount: context.layoutRowCount)
        if layout.header.contains(x: x, y: y) {
            for (view, range) in HeaderView.viewHitRanges(width: s.size.width) where range.contains(x) {
                s.view = view
                return
            }
        } else if layout.list.contains(x: x, y: y), y > layout.list.y {
            let index = s.listTop + (y - layout.list.y - 1)
            if context.visible.indices.contains(index) {
                s.selectedID = context.visible[index].id
                s.focus = .list
                return
            }
        } else if let bar = layout.tabBar, bar.contains(x: x, y: y) {
            for (tab, range) in TabBarView.hitRanges() where range.contains(x) {
                s.tab = tab
                s.detailRow = 0
                return
            }
        } else if let detail = layout.detail, detail.contains(x: x, y: y) {
            let count = context.detailRowCount(s.tab)
            let top = DetailScroll.top(selected: s.detailRow, count: count, rows: detail.height - 1)
            let index = top + (y - detail.y - 1)
            if y > detail.y, index < count {
                s.focus = .detail
                s.detailRow = index
                return
            }
        }
        s.status = StatusMessage("Nothing to click there.")
    }

    /// The state made consistent with the rows: a selection that exists, a scroll that shows it.
    static func normalized(_ state: UIState, _ context: UIContext) -> UIState {
        var s = state
        let rows = context.visible
        if rows.isEmpty {
            s.listTop = 0
            if context.selectedIndex(s) == nil { s.focus = .list }
            return s
        }
        let index: Int
        if let found = context.selectedIndex(s) {
            index = found
        } else {
            index = 0
            s.selectedID = rows[0].id
            s.detailRow = 0
        }
        let layout = Layout(size: s.size, rowCount: rows.count)
        let visibleRows = max(1, layout.listRows)
        if index < s.listTop { s.listTop = index }
        if index >= s.listTop + visibleRows { s.listTop = index - visibleRows + 1 }
        s.listTop = max(0, min(s.listTop, rows.count - visibleRows))
        let detailCount = context.detailRowCount(s.tab)
        s.detailRow = detailCount == 0 ? 0 : clamp(s.detailRow, detailCount)
        if layout.detail == nil { s.focus = .list }
        return s
    }

    static func emptyListReason(_ s: UIState) -> String {
        if !s.filter.isEmpty { return "No torrent matches the filter \(quoted(s.filter)); Esc clears it." }
        if s.view != .all { return "No torrent is \(s.view.rawValue); press v to change the view." }
        return "No torrents yet. Press a to add one."
    }

    private static func clamp(_ value: Int, _ count: Int) -> Int { max(0, min(count - 1, value)) }
}

/// Scrolling of detail tables: the selected row stays on screen without stored scroll state.
public enum DetailScroll {
    public static func top(selected: Int, count: Int, rows: Int) -> Int {
        guard rows > 0, count > rows else { return 0 }
        return max(0, min(selected - rows / 2, count - rows))
    }
}
