/// The bottom line: a prompt, a question, a message or the main keys on the left; counts, free space and
/// limits on the right.
enum StatusBarView {
    /// The main keys, as bound, with what they do.
    static func hints(_ keys: KeyBindings) -> [String] {
        let first = keys.primary
        return [
            "\(first(.help)) help", "\(first(.pause)) pause", "\(first(.priorityUp))/\(first(.priorityDown)) priority",
            "\(first(.add)) add", "\(first(.remove)) remove", "\(first(.filter)) filter", "\(first(.sort)) sort",
            "\(first(.nextTab)) next tab", "\(first(.quit)) quit",
        ]
    }

    static func draw(
        _ model: UIModel, state: UIState, into buffer: inout ScreenBuffer, rect: Rect
    ) {
        buffer.fill(rect, role: .statusBar)
        let right = rightText(model, state: state)
        let rightWidth = DisplayWidth.of(right)
        let showRight = rect.width - rightWidth >= 30
        let leftLimit = showRight ? rect.maxX - rightWidth - 2 : rect.maxX
        if showRight { buffer.write(right, x: rect.maxX - rightWidth - 1, y: rect.y, role: .statusBar) }
        let x = rect.x + 1
        switch state.mode {
        case .prompt(let prompt):
            let label = promptLabel(prompt, keys: state.keys, room: leftLimit - x)
            var column = buffer.write(label, x: x, y: rect.y, role: .prompt, limit: leftLimit)
            let room = leftLimit - column - 1
            let shown = tail(prompt.text, width: room)
            column = buffer.write(shown, x: column, y: rect.y, role: .statusBar, limit: leftLimit)
            buffer.write("▏", x: column, y: rect.y, role: .prompt, limit: leftLimit)
        case .confirm(let confirmation):
            buffer.write(confirmation.question + (confirmation.alternative == nil ? "  [y/N]" : "  [y/n]"), x: x, y: rect.y,
                role: confirmation.isDangerous ? .statusError : .warning, limit: leftLimit)
        case .normal, .help:
            if let status = state.status {
                buffer.write(status.text, x: x, y: rect.y, role: status.isError ? .statusError : .statusBar,
                    limit: leftLimit)
            } else {
                buffer.write(fittingHints(hints(state.keys), width: leftLimit - x), x: x, y: rect.y, role: .statusBar, limit: leftLimit)
            }
        }
    }

    /// What the prompt asks; the add prompt names its toggle keys when that leaves `room` enough for typing.
    static func promptLabel(_ prompt: Prompt, keys: KeyBindings, room: Int = .max) -> String {
        switch prompt.kind {
        case .filter: return "Filter: "
        case .move(_, let name):
            return fitting("Move '\(TextFit.truncate(name, to: 30))' to (Tab completes): ", else: "Move to: ", room)
        case .limits(let id, let name):
            let whose = id == nil ? name : "'\(TextFit.truncate(name, to: 30))'"
            return fitting("Limits of \(whose), down/up (2M/512K, 0 none): ", else: "Limits down/up: ", room)
        case .sessionOptions:
            return fitting(
                "All torrents, name=value (seed-ratio seed-time max-connections max-peers max-active-downloads max-active-seeds; none): ",
                else: "All torrents, name=value: ", room)
        case .saveIn:
            return fitting("Save in (Tab completes; empty: the download folder): ", else: "Save in: ", room)
        case .maxPeers(_, let name):
            return fitting("Peers of '\(TextFit.truncate(name, to: 30))' at most (- all torrents'): ", else: "Peers at most: ", room)
        case .seedLimits(_, let name):
            return fitting(
                "Seeding of '\(TextFit.truncate(name, to: 30))' stops at ratio/minutes (2/1440, - all torrents', none): ",
                else: "Seeding stops at ratio/minutes: ", room)
        case .add:
            let options = [
                prompt.paused ? "paused" : nil, prompt.stopAfterMetadata ? "metadata only" : nil, prompt.choosesDirectory ? "folder" : nil,
            ].compactMap { $0 }
            let toggles = [(KeyAction.addPaused, "paused"), (.addMetadataOnly, "metadata only"), (.addTo, "folder")]
                .filter { !keys.keys(for: $0.0).isEmpty }.map { "\(keys.primary($0.0)) \($0.1)" }
            let chosen = options.isEmpty ? "" : " [" + options.joined(separator: ", ") + "]"
            let full = "Add a .torrent path or magnet link (Tab completes"
                + (toggles.isEmpty ? "" : "; " + toggles.joined(separator: ", ")) + ")" + chosen + ": "
            if DisplayWidth.of(full) + 30 <= room { return full }
            let medium = "Add a .torrent path or magnet link (Tab completes)" + chosen + ": "
            return DisplayWidth.of(medium) + 10 <= room ? medium : "Add" + chosen + ": "
        }
    }

    /// `label` when it leaves 20 columns to type in, else `short`.
    private static func fitting(_ label: String, else short: String, _ room: Int) -> String {
        DisplayWidth.of(label) + 20 <= room ? label : short
    }

    /// As many whole hints as fit, help and quit first to stay.
    static func fittingHints(_ hints: [String], width: Int) -> String {
        var kept = hints
        while kept.count > 2, DisplayWidth.of(kept.joined(separator: "  ")) > width {
            kept.remove(at: kept.count - 2)
        }
        return kept.joined(separator: "  ")
    }

    /// The end of `text` that fits `width` columns, so the cursor stays visible while typing.
    static func tail(_ text: String, width: Int) -> String {
        guard width > 0 else { return "" }
        var out: [Character] = []
        var used = 0
        for character in text.reversed() {
            let w = DisplayWidth.of(character)
            if used + w > width { break }
            out.append(character)
            used += w
        }
        return String(out.reversed())
    }

    static func rightText(_ model: UIModel, state: UIState) -> String {
        var parts: [String] = []
        if state.view != .all || !state.filter.isEmpty {
            parts.append("\(state.view.rawValue) \(model.visible.count)/\(model.rows.count)")
        }
        if let dht = model.summary.dht { parts.append(dht.text) }
        if let free = model.summary.freeDiskBytes { parts.append("free " + Units.bytes(free)) }
        let limit = { (value: Double?) in value.map { Units.compactRate($0) } ?? "∞" }
        parts.append("limits " + limit(model.summary.downloadLimit) + "/" + limit(model.summary.uploadLimit))
        return parts.joined(separator: "   ")
    }
}
