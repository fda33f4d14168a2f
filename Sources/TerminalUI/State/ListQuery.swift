/// The list the user sees: the view, then the name filter, then the sort.
public enum ListQuery {
    public static func visibleRows(_ rows: [TorrentRow], state: UIState) -> [TorrentRow] {
        let needle = state.filter.lowercased()
        var out = rows.filter { state.view.includes($0) && (needle.isEmpty || $0.name.lowercased().contains(needle)) }
        let key = state.sort
        let descending = state.sortDescending
        func inOrder(_ a: TorrentRow, _ b: TorrentRow) -> Bool {
            let order = compare(a, b, by: key)
            if order == 0 { return a.number < b.number }
            return descending ? order > 0 : order < 0
        }
        // Updates come several times a second and the list is mostly in order already (always, sorted by
        // number): checking costs one pass, sorting 10,000 rows many.
        if zip(out, out.dropFirst()).contains(where: { !inOrder($0, $1) }) {
            if key == .name {
                // Lower-case each name once, not in every comparison.
                out = out.map { ($0.name.lowercased(), $0) }.sorted { a, b in
                    if a.0 == b.0 { return a.1.number < b.1.number }
                    return descending ? a.0 > b.0 : a.0 < b.0
                }.map(\.1)
            } else {
                out.sort(by: inOrder)
            }
        }
        return out
    }

    /// -1, 0 or 1.
    static func compare(_ a: TorrentRow, _ b: TorrentRow, by key: SortKey) -> Int {
        switch key {
        case .number: return sign(a.number, b.number)
        case .name: return sign(a.name.lowercased(), b.name.lowercased())
        case .size: return sign(a.size, b.size)
        case .progress: return sign(a.progress, b.progress)
        case .state: return sign(a.state.label, b.state.label)
        case .downloadRate: return sign(a.downloadRate, b.downloadRate)
        case .uploadRate: return sign(a.uploadRate, b.uploadRate)
        case .eta: return sign(a.etaSeconds ?? .infinity, b.etaSeconds ?? .infinity)
        case .seeds: return sign(a.seedsConnected, b.seedsConnected)
        case .peers: return sign(a.peersConnected, b.peersConnected)
        case .ratio: return sign(a.ratio, b.ratio)
        case .priority: return sign(a.priority, b.priority)
        }
    }

    private static func sign<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (b < a ? 1 : 0) }
}
