import Engine
/// Keys that act on the selected torrent.
extension UIReducer {
    static func pauseOrResume(_ s: inout UIState, _ context: UIContext) -> [UICommand] {
        guard let row = selected(&s, context, for: "pause or resume") else { return [] }
        switch row.state {
        case .paused, .error:
            s.status = StatusMessage("Resuming \(quoted(row.name)).", isError: false)
            return [.resume(row.id)]
        default:
            s.status = StatusMessage("Pausing \(quoted(row.name)).", isError: false)
            return [.pause(row.id)]
        }
    }

    static func changePriority(_ s: inout UIState, up: Bool, _ context: UIContext) -> [UICommand] {
        if s.focus == .detail, s.tab == .files { return changeFilePriority(&s, up: up, context) }
        guard let row = selected(&s, context, for: "change priority") else { return [] }
        guard let next = up ? row.priority.raised : row.priority.lowered else {
            s.status = StatusMessage("\(quoted(row.name)) is already at \(row.priority.label) priority.")
            return []
        }
        s.status = StatusMessage("Priority \(next.label) for \(quoted(row.name)).", isError: false)
        return [.setPriority(row.id, next)]
    }

    private static func changeFilePriority(_ s: inout UIState, up: Bool, _ context: UIContext) -> [UICommand] {
        guard let detail = context.detail else {
            s.status = StatusMessage("No torrent selected.")
            return []
        }
        guard let files = detail.files else {
            s.status = StatusMessage("The file list is not available yet.")
            return []
        }
        guard files.indices.contains(s.detailRow) else {
            s.status = StatusMessage("No file selected.")
            return []
        }
        let file = files[s.detailRow]
        guard let next = up ? file.priority.raised : file.priority.lowered else {
            s.status = StatusMessage("\(quoted(file.path)) is already at \(file.priority.label) priority.")
            return []
        }
        s.status = StatusMessage("Priority \(next.label) for \(quoted(file.path)).", isError: false)
        return [.setFilePriority(detail.id, fileIndex: file.index ?? s.detailRow, next)]
    }

    static func askRemove(_ s: inout UIState, deleteData: Bool, _ context: UIContext) {
        guard let row = selected(&s, context, for: "remove") else { return }
        let question =
            deleteData
            ? "DELETE \(quoted(row.name)) AND ALL ITS DOWNLOADED DATA FROM DISK?"
            : "Remove \(quoted(row.name)) from the list? Its data stays on disk."
        s.mode = .confirm(Confirmation(
            question: question, command: .remove(row.id, deleteData: deleteData), isDangerous: deleteData))
    }

    static func recheck(_ s: inout UIState, _ context: UIContext) -> [UICommand] {
        guard let row = selected(&s, context, for: "recheck") else { return [] }
        if row.state.isChecking {
            s.status = StatusMessage("\(quoted(row.name)) is already being checked.")
            return []
        }
        if case .fetchingMetadata = row.state {
            s.status = StatusMessage("\(quoted(row.name)) has no metadata yet: nothing to check.")
            return []
        }
        s.status = StatusMessage("Rechecking \(quoted(row.name)).", isError: false)
        return [.recheck(row.id)]
    }

    static func toggleSequential(_ s: inout UIState, _ context: UIContext) -> [UICommand] {
        guard let (row, settings) = selectedSettings(&s, context, for: "download in order") else { return [] }
        let on = !settings.sequential
        s.status = StatusMessage("Sequential download \(on ? "on" : "off") for \(quoted(row.name)).", isError: false)
        return [.setSequential(row.id, on)]
    }

    static func toggleFirstLast(_ s: inout UIState, _ context: UIContext) -> [UICommand] {
        guard let (row, settings) = selectedSettings(&s, context, for: "fetch first and last pieces first") else { return [] }
        let on = !settings.firstAndLastPiecesFirst
        s.status = StatusMessage("First and last pieces first \(on ? "on" : "off") for \(quoted(row.name)).", isError: false)
        return [.setFirstAndLastPiecesFirst(row.id, on)]
    }

    /// A magnet link still fetching its metadata can be moved too: its files will go there.
    static func askMoveDirectory(_ s: inout UIState, _ context: UIContext) {
        guard let row = selected(&s, context, for: "move") else { return }
        if row.state.isChecking {
            s.status = StatusMessage("\(quoted(row.name)) is being checked; move it when that is done.")
            return
        }
        s.mode = .prompt(Prompt(kind: .move(row.id, name: row.name)))
    }

    static func askLimits(_ s: inout UIState, _ context: UIContext) {
        guard let (row, settings) = selectedSettings(&s, context, for: "limit") else { return }
        s.mode = .prompt(Prompt(kind: .limits(row.id, name: row.name), text: limitsText(settings.downloadLimit, settings.uploadLimit)))
    }

    /// Limits as the prompt shows and reads them: `down/up`, `0` for none.
    static func limitsText(_ download: Double?, _ upload: Double?) -> String {
        RateLimitInput.text(download) + "/" + RateLimitInput.text(upload)
    }

    /// `2M/512K`: both limits; nil with a reason when either is not a rate.
    static func parseLimits(_ text: String) -> (download: Double?, upload: Double?)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let down = RateLimitInput.parse(String(parts[0])), let up = RateLimitInput.parse(String(parts[1]))
        else { return nil }
        return (down.limit, up.limit)
    }

    static func askSeedLimits(_ s: inout UIState, _ context: UIContext) {
        guard let (row, settings) = selectedSettings(&s, context, for: "set seeding limits for") else { return }
        s.mode = .prompt(Prompt(
            kind: .seedLimits(row.id, name: row.name), text: seedLimitsText(settings.seedRatioLimit, settings.seedTimeLimit)))
    }

    static func askMaxPeers(_ s: inout UIState, _ context: UIContext) {
        guard let (row, settings) = selectedSettings(&s, context, for: "limit the peers of") else { return }
        s.mode = .prompt(Prompt(kind: .maxPeers(row.id, name: row.name), text: settings.maxPeers.map(String.init) ?? "-"))
    }

    /// A peer limit as typed: `.some(nil)` for `-` or nothing (all torrents' limit), nil when not a count from 1.
    static func parseMaxPeers(_ text: String) -> Int?? {
        let typed = text.trimmingCharacters(in: " ")
        if typed.isEmpty || typed == "-" { return .some(nil) }
        guard let peers = Int(typed), (1...1_000_000).contains(peers) else { return nil }
        return .some(peers)
    }

    /// `ratio/minutes`: `-` for all torrents' limit, `none` for no limit.
    static func seedLimitsText(_ ratio: Double?, _ seconds: Double?) -> String {
        func text(_ value: Double?, scale: Double) -> String {
            guard let value else { return "-" }
            guard value >= 0 else { return "none" }
            let scaled = scale == 1 ? value : (value / scale).rounded()
            return scaled == scaled.rounded() ? String(Int(scaled)) : String(format: "%.2f", scaled)
        }
        return text(ratio, scale: 1) + "/" + text(seconds, scale: 60)
    }

    /// Reads `ratio/minutes`; nil when either part is neither `-`, `none` nor a number from 0 up.
    static func parseSeedLimits(_ text: String) -> (ratio: Double?, seconds: Double?)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: " ") }
        guard parts.count == 2 else { return nil }
        var values: [Double?] = []
        for part in parts {
            if part == "-" || part.isEmpty {
                values.append(nil)
            } else if part.lowercased() == "none" {
                values.append(TorrentSettings.noSeedLimit)
            } else if let value = Double(part), value.isFinite, value >= 0, value < 1e9 {
                values.append(value)
            } else {
                return nil
            }
        }
        return (values[0], values[1].map { $0 < 0 ? $0 : $0 * 60 })
    }

    /// The selected row and its options, which come with its detail (the list rows leave them out); nil
    /// with a reason while they are not known.
    private static func selectedSettings(
        _ s: inout UIState, _ context: UIContext, for action: String
    ) -> (TorrentRow, TorrentSettings)? {
        guard let row = selectedWithMetadata(&s, context, for: action) else { return nil }
        guard let detail = context.detail, detail.id == row.id, let settings = detail.settings else {
            s.status = StatusMessage("The options of \(quoted(row.name)) are still on their way; try again in a moment.")
            return nil
        }
        return (row, settings)
    }

    /// The selected row when its metadata is known (a magnet link has no files or pieces before).
    private static func selectedWithMetadata(_ s: inout UIState, _ context: UIContext, for action: String) -> TorrentRow? {
        guard let row = selected(&s, context, for: action) else { return nil }
        if row.awaitingMetadata {
            s.status = StatusMessage("\(quoted(row.name)) has no metadata yet: wait until it is fetched.")
            return nil
        }
        return row
    }

    /// The selected row, or nil with a reason in the status bar.
    private static func selected(_ s: inout UIState, _ context: UIContext, for action: String) -> TorrentRow? {
        if let row = context.selectedRow(s) { return row }
        s.status = StatusMessage(
            context.visible.isEmpty
                ? "No torrents here to \(action). Press a to add one."
                : "No torrent selected to \(action).")
        return nil
    }

    /// A name shortened for a status line.
    static func quoted(_ name: String) -> String { "'" + TextFit.truncate(name, to: 40) + "'" }
}
