/// The `?` overlay: every key, the peer flags and the map glyphs, in a scrollable box.
enum HelpOverlay {
    /// Each line of the key list: the actions whose keys it names, and what they do.
    private static let keyLines: [([KeyAction], String)] = [
        ([.up, .down], "move"),
        ([.pageUp, .pageDown], "a page up / down"),
        ([.first, .last], "first / last torrent"),
        ([.details], "open the detail pane / back to the list"),
        ([.back], "back, or clear the filter"),
        ([.nextTab, .previousTab], "next / previous tab"),
        ([.pause], "pause or resume the selected torrent"),
        ([.priorityUp, .priorityDown], "torrent priority; in the Files tab, the selected file's priority"),
        ([.add], "add a .torrent file (Tab completes the path) or a magnet link"),
        ([.addPaused], "in the add prompt: add it paused (elsewhere: add, paused)"),
        ([.addMetadataOnly], "in the add prompt: a magnet link pauses once its metadata is in"),
        ([.addTo], "in the add prompt: choose the folder to save in after Enter"),
        ([.sequential], "download the selected torrent in order, or not"),
        ([.firstLast], "first and last pieces of each file first (previews), or not"),
        ([.move], "move the selected torrent's data to another directory"),
        ([.limit, .limitAll], "rate limits of the selected torrent;  of all torrents together"),
        ([.seedLimits], "seeding limits of the selected torrent: ratio and minutes"),
        ([.maxPeers], "peers of the selected torrent at most (- all torrents' limit)"),
        ([.options], "all torrents: seed-ratio=2 seed-time=1440 max-active-downloads=3 ..."),
        ([.remove], "remove from the list (asks)"),
        ([.removeWithData], "remove and DELETE the data (asks)"),
        ([.recheck], "recheck the data on disk"),
        ([.filter], "filter by name (Enter keeps it, Esc clears it)"),
        ([.sort, .reverseSort], "sort by the next column;  reverse the order"),
        ([.nextView, .previousView], "views: all, downloading, seeding, paused, error (1-5 too)"),
        ([.detach], "detach from the daemon, transfers carry on (q asks)"),
        ([.quit], "quit (asks while transfers run);  Ctrl-C quits at once"),
        ([.help], "this help (↑ ↓ scroll, any other key closes)"),
    ]

    private static let reference: [String] = [
        "  Mouse              click a torrent, a tab, a view, a peer or a file",
        "",
        "Peer flags",
        "  D d   we download from them: unchoked / choked (shown when we want their pieces)",
        "  U u   they download from us: unchoked / choked (shown when they want ours)",
        "  -     neither side is interested",
        "  O optimistic unchoke   S snubbed (sent nothing for a while)   E encrypted",
        "  < incoming connection   > outgoing connection",
        "",
        "Units",
        "  B K M G T: bytes, KiB, MiB, GiB, TiB (powers of 1024); rates are per second",
        "  Seeds and Peers: connected / known from the trackers",
        "",
        "Pieces map",
        "  █ have  ▓ downloading  ░ missing, one piece a cell when the map fits;",
        "  otherwise braille cells hold several pieces; a dot is lit when we have at least half of its pieces.",
        "  The color of missing pieces tells how many connected peers have them.",
    ]

    /// Every line of the help with the keys as bound (actions left with no key are not listed).
    static func lines(_ keys: KeyBindings) -> [String] {
        var out = ["Keys"]
        for (actions, text) in keyLines {
            let names = actions.map { keys.label($0) }.filter { !$0.isEmpty }
            guard !names.isEmpty else { continue }
            let column = names.joined(separator: "  ")
            let padding = max(1, 19 - DisplayWidth.of(column))
            out.append("  " + column + String(repeating: " ", count: padding) + text)
        }
        return out + reference
    }

    static func draw(scroll: Int, keys: KeyBindings, into buffer: inout ScreenBuffer, bounds: Rect) {
        let lines = lines(keys)
        let width = min(bounds.width - 2, 96)
        let height = min(bounds.height - 2, lines.count + 2)
        guard width >= 20, height >= 3 else { return }
        let box = Rect(x: (bounds.width - width) / 2, y: (bounds.height - height) / 2, width: width, height: height)
        buffer.fill(box, role: .normal)
        drawBorder(box, title: " Help: \(keys.primary(.help)) or Esc closes ", into: &buffer)
        let room = box.height - 2
        let top = max(0, min(scroll, lines.count - room))
        for i in 0..<room where top + i < lines.count {
            let line = lines[top + i]
            let role: ColorRole = line.hasPrefix(" ") ? .normal : .title
            buffer.write(line, x: box.x + 2, y: box.y + 1 + i, role: role, limit: box.maxX - 1)
        }
        if top + room < lines.count {
            buffer.write(" ↓ more ", x: box.maxX - 10, y: box.maxY - 1, role: .dim, limit: box.maxX - 1)
        }
    }

    static func drawBorder(_ box: Rect, title: String, into buffer: inout ScreenBuffer) {
        let horizontal = String(repeating: "─", count: max(0, box.width - 2))
        buffer.write("┌" + horizontal + "┐", x: box.x, y: box.y, role: .border)
        buffer.write("└" + horizontal + "┘", x: box.x, y: box.maxY - 1, role: .border)
        for y in (box.y + 1)..<(box.maxY - 1) {
            buffer.write("│", x: box.x, y: y, role: .border)
            buffer.write("│", x: box.maxX - 1, y: y, role: .border)
        }
        buffer.write(title, x: box.x + 2, y: box.y, role: .title, limit: box.maxX - 1)
    }
}

/// What a terminal below the minimum size shows instead of a broken layout.
enum TooSmallView {
    static func draw(size: Size, quitKey: String = "q", into buffer: inout ScreenBuffer) {
        let message =
            "Terminal too small: \(size.width)×\(size.height). Swarm needs at least "
            + "\(Layout.minimum.width)×\(Layout.minimum.height). Enlarge it, or press \(quitKey) to quit."
        let lines = TextFit.wrap(message, width: size.width)
        let top = max(0, (size.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < size.height {
            let x = max(0, (size.width - DisplayWidth.of(line)) / 2)
            buffer.write(line, x: x, y: top + i, role: i == 0 ? .warning : .normal)
        }
    }
}
