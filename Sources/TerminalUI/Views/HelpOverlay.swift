/// The `?` overlay: every key, the peer flags and the map glyphs, in a scrollable box.
enum HelpOverlay {
    static let lines: [String] = [
        "Keys",
        "  ↑ ↓  j k           move        PgUp PgDn  Home End (g G)   page, first, last",
        "  Enter              open the detail pane / back to the list;  Esc  back, or clear the filter",
        "  Tab  → ←           next / previous tab (Shift-Tab too)",
        "  p  Space           pause or resume the selected torrent",
        "  +  -               torrent priority; in the Files tab, the selected file's priority",
        "  a                  add a .torrent file (Tab completes the path) or a magnet link",
        "  d                  remove from the list (asks);  D  remove and DELETE the data (asks)",
        "  r                  recheck the data on disk",
        "  /                  filter by name (Enter keeps it, Esc clears it)",
        "  s  S               sort by the next column;  reverse the order",
        "  v  V  1-5          views: all, downloading, seeding, paused, error",
        "  q                  quit (asks while transfers run);  Ctrl-C quits at once",
        "  Q                  detach from the daemon, transfers carry on (q asks)",
        "  ?                  this help (↑ ↓ scroll, any other key closes)",
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

    static func draw(scroll: Int, into buffer: inout ScreenBuffer, bounds: Rect) {
        let width = min(bounds.width - 2, 96)
        let height = min(bounds.height - 2, lines.count + 2)
        guard width >= 20, height >= 3 else { return }
        let box = Rect(x: (bounds.width - width) / 2, y: (bounds.height - height) / 2, width: width, height: height)
        buffer.fill(box, role: .normal)
        drawBorder(box, title: " Help: ? or Esc closes ", into: &buffer)
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
    static func draw(size: Size, into buffer: inout ScreenBuffer) {
        let message =
            "Terminal too small: \(size.width)×\(size.height). Swarm needs at least "
            + "\(Layout.minimum.width)×\(Layout.minimum.height). Enlarge it, or press q to quit."
        let lines = TextFit.wrap(message, width: size.width)
        let top = max(0, (size.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < size.height {
            let x = max(0, (size.width - DisplayWidth.of(line)) / 2)
            buffer.write(line, x: x, y: top + i, role: i == 0 ? .warning : .normal)
        }
    }
}
