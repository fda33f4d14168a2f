/// Keys to state changes and commands, with no I/O: `(UIState, Key) -> (UIState, [UICommand])`.
/// A key that cannot act leaves a reason in the status bar.
public enum UIReducer {
    public static func reduce(_ state: UIState, _ key: Key, context: UIContext) -> (UIState, [UICommand]) {
        var s = state
        if case .resize(let size) = key {
            s.size = size
            return (normalized(s, context), [])
        }
        if key == .control("c") { return (s, [context.isAttached ? .detach : .quit]) }
        s.status = nil
        var commands: [UICommand] = []
        switch s.mode {
        case .normal: commands = normalKey(&s, key, context)
        case .help(let scroll): helpKey(&s, key, scroll: scroll)
        case .prompt(let prompt): commands = promptKey(&s, key, prompt, context)
        case .confirm(let confirmation): commands = confirmKey(&s, key, confirmation)
        }
        return (normalized(s, context), commands)
    }

    static func normalKey(_ s: inout UIState, _ key: Key, _ context: UIContext) -> [UICommand] {
        if let action = s.keys.action(for: key) { return perform(action, &s, context) }
        switch key {
        case .scrollUp: move(&s, by: -1, context)
        case .scrollDown: move(&s, by: 1, context)
        case .character(let c) where ("1"..."5").contains(c):
            s.view = ListView.allCases[Int(String(c))! - 1]
        case .click(let x, let y): click(&s, x: x, y: y, context)
        case .delete, .backspace:
            s.status = StatusMessage("Use \(s.keys.primary(.remove)) to remove a torrent "
                + "(\(s.keys.primary(.removeWithData)) also deletes its data).")
        default: s.status = StatusMessage("\(describe(key)) does nothing here. Press \(s.keys.primary(.help)) for the keys.")
        }
        return []
    }

    private static func perform(_ action: KeyAction, _ s: inout UIState, _ context: UIContext) -> [UICommand] {
        switch action {
        case .quit: return quit(&s, context)
        case .help: s.mode = .help(scroll: 0)
        case .up: move(&s, by: -1, context)
        case .down: move(&s, by: 1, context)
        case .pageUp: move(&s, by: -pageSize(s, context), context)
        case .pageDown: move(&s, by: pageSize(s, context), context)
        case .first: move(&s, by: Int.min / 2, context)
        case .last: move(&s, by: Int.max / 2, context)
        case .details: toggleFocus(&s, context)
        case .back: escape(&s)
        case .nextTab: switchTab(&s, by: 1, context)
        case .previousTab: switchTab(&s, by: -1, context)
        case .pause: return pauseOrResume(&s, context)
        case .priorityUp: return changePriority(&s, up: true, context)
        case .priorityDown: return changePriority(&s, up: false, context)
        case .add: s.mode = .prompt(Prompt(kind: .add))
        case .addPaused:
            var prompt = Prompt(kind: .add)
            prompt.paused = true
            s.mode = .prompt(prompt)
        case .addMetadataOnly:
            var prompt = Prompt(kind: .add)
            prompt.stopAfterMetadata = true
            s.mode = .prompt(prompt)
        case .addTo:
            var prompt = Prompt(kind: .add)
            prompt.choosesDirectory = true
            s.mode = .prompt(prompt)
        case .sequential: return toggleSequential(&s, context)
        case .firstLast: return toggleFirstLast(&s, context)
        case .move: askMoveDirectory(&s, context)
        case .limit: askLimits(&s, context)
        case .seedLimits: askSeedLimits(&s, context)
        case .maxPeers: askMaxPeers(&s, context)
        case .options: s.mode = .prompt(Prompt(kind: .sessionOptions, text: context.sessionOptions.map(SessionOption.text) ?? ""))
        case .limitAll:
            let (down, up) = context.sessionLimits
            s.mode = .prompt(Prompt(kind: .limits(nil, name: "all torrents"), text: limitsText(down, up)))
        case .remove: askRemove(&s, deleteData: false, context)
        case .removeWithData: askRemove(&s, deleteData: true, context)
        case .recheck: return recheck(&s, context)
        case .filter: s.mode = .prompt(Prompt(kind: .filter, text: s.filter))
        case .sort: cycleSort(&s)
        case .reverseSort: reverseSort(&s)
        case .nextView: cycleView(&s, by: 1)
        case .previousView: cycleView(&s, by: -1)
        case .detach:
            if context.isAttached { return [.detach] }
            s.status = StatusMessage("\(s.keys.primary(.detach)) detaches from a background engine; this UI runs its own "
                + "(\(s.keys.primary(.quit)) quits).")
        }
        return []
    }

    private static func quit(_ s: inout UIState, _ context: UIContext) -> [UICommand] {
        if context.isAttached {
            s.mode = .confirm(Confirmation(
                question: "Stop the engine too? y: stop every transfer, n: leave it running (Esc: stay)",
                command: .quit, isDangerous: false, alternative: .detach))
            return []
        }
        guard context.anyTransferring else { return [.quit] }
        s.mode = .confirm(Confirmation(
            question: "Quit? Transfers are running and will stop.", command: .quit, isDangerous: false))
        return []
    }

    private static func escape(_ s: inout UIState) {
        if s.focus == .detail {
            s.focus = .list
        } else if !s.filter.isEmpty {
            s.filter = ""
            s.status = StatusMessage("Filter cleared.", isError: false)
        } else {
            s.status = StatusMessage(
                "Nothing to cancel. Press \(s.keys.primary(.quit)) to quit, \(s.keys.primary(.help)) for the keys.")
        }
    }

    private static func toggleFocus(_ s: inout UIState, _ context: UIContext) {
        if s.focus == .detail {
            s.focus = .list
            return
        }
        guard context.selectedRow(s) != nil else {
            s.status = StatusMessage("No torrent selected: nothing to show in detail.")
            return
        }
        guard Layout(size: s.size, rowCount: context.layoutRowCount).detail != nil else {
            s.status = StatusMessage("The terminal is too short for the detail pane (it needs \(Layout.detailMinimumHeight) rows).")
            return
        }
        s.focus = .detail
    }

    private static func switchTab(_ s: inout UIState, by step: Int, _ context: UIContext) {
        guard Layout(size: s.size, rowCount: context.layoutRowCount).detail != nil else {
            s.status = StatusMessage("The terminal is too short for the detail tabs (they need \(Layout.detailMinimumHeight) rows).")
            return
        }
        let all = DetailTab.allCases
        let index = all.firstIndex(of: s.tab)!
        s.tab = all[(index + step + all.count) % all.count]
        s.detailRow = 0
    }

    private static func cycleSort(_ s: inout UIState) {
        let all = SortKey.allCases
        s.sort = all[(all.firstIndex(of: s.sort)! + 1) % all.count]
        s.sortDescending = defaultDescending(s.sort)
        s.status = StatusMessage(sortDescription(s), isError: false)
    }

    private static func reverseSort(_ s: inout UIState) {
        s.sortDescending.toggle()
        s.status = StatusMessage(sortDescription(s), isError: false)
    }

    /// Rates, sizes and ratios read best largest first.
    static func defaultDescending(_ key: SortKey) -> Bool {
        switch key {
        case .number, .name, .state, .eta: false
        default: true
        }
    }

    static func sortDescription(_ s: UIState) -> String {
        "Sorted by \(s.sort.rawValue) \(s.sortDescending ? "▼" : "▲")  (s: next column, S: reverse)"
    }

    private static func cycleView(_ s: inout UIState, by step: Int) {
        let all = ListView.allCases
        s.view = all[(all.firstIndex(of: s.view)! + step + all.count) % all.count]
    }

    static func describe(_ key: Key) -> String {
        switch key {
        case .character(let c): "'\(String(c).terminalSafeKey)'"
        case .control(let c): "Ctrl-\(String(c).uppercased())"
        default: "That key"
        }
    }
}

extension String {
    fileprivate var terminalSafeKey: String { String(map { ScreenBuffer.safe($0) }) }
}
