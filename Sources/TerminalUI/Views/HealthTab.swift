import Engine

/// Health tab: connected against known peers, availability, rate history and plain-language notes.
enum HealthTab {
    static func draw(
        _ row: TorrentRow, _ detail: TorrentDetail, history: RateHistory?, into buffer: inout ScreenBuffer, rect: Rect
    ) {
        let inner = rect.inset(columns: 2)
        guard inner.height > 0 else { return }
        buffer.write(swarmLine(row, detail), x: inner.x, y: inner.y, role: .header, limit: inner.maxX)
        var top = inner.y + 1
        if let options = detail.settings.flatMap(optionsLine), inner.height > 2 {
            buffer.write(options, x: inner.x, y: top, role: .dim, limit: inner.maxX)
            top += 1
        }
        let notes = HealthAdvisor.notes(row, detail)
        let graphRows = max(1, inner.maxY - top - notes.count)
        let graphRect = Rect(x: inner.x, y: top, width: inner.width, height: min(graphRows, 6))
        RateGraph.draw(history ?? RateHistory(), current: (row.downloadRate, row.uploadRate), into: &buffer, rect: graphRect)
        var y = graphRect.maxY
        for note in notes where y < inner.maxY {
            let x = buffer.write(note.symbol + " ", x: inner.x, y: y, role: note.role, limit: inner.maxX)
            buffer.write(note.text, x: x, y: y, limit: inner.maxX)
            y += 1
        }
    }

    /// The torrent's own options that differ from the defaults; nil when none does.
    static func optionsLine(_ settings: TorrentSettings) -> String? {
        var parts: [String] = []
        if settings.sequential { parts.append("sequential") }
        if settings.firstAndLastPiecesFirst { parts.append("first and last pieces first") }
        if settings.downloadLimit != nil || settings.uploadLimit != nil {
            func limit(_ rate: Double?) -> String { rate.map(Units.rate) ?? "∞" }
            parts.append("limits ▼ \(limit(settings.downloadLimit)) ▲ \(limit(settings.uploadLimit))")
        }
        switch settings.seedRatioLimit {
        case let ratio? where ratio >= 0: parts.append("seeds to ratio \(Units.fixed(ratio, decimals: 2))")
        case _?: parts.append("no ratio limit")
        case nil: break
        }
        switch settings.seedTimeLimit {
        case let seconds? where seconds >= 0: parts.append("seeds for \(Units.duration(seconds: seconds))")
        case _?: parts.append("no seeding time limit")
        case nil: break
        }
        if let peers = settings.maxPeers { parts.append("at most \(peers) peers") }
        return parts.isEmpty ? nil : "Options  " + parts.joined(separator: "   ")
    }

    static func swarmLine(_ row: TorrentRow, _ detail: TorrentDetail) -> String {
        var parts = [
            "seeds \(row.seedsConnected) connected / \(row.seedsKnown.map(Units.count) ?? "?") known",
            "peers \(row.peersConnected) / \(row.peersKnown.map(Units.count) ?? "?")",
        ]
        if let copies = detail.pieces?.distributedCopies {
            parts.append("availability \(Units.fixed(copies, decimals: 2)) copies")
        }
        parts.append("known addresses \(detail.knownPeers)")
        return "Swarm  " + parts.joined(separator: "   ")
    }
}

/// Download and upload history side by side (or stacked when there is height), scaled to their peaks.
enum RateGraph {
    static func draw(
        _ history: RateHistory, current: (Double, Double), into buffer: inout ScreenBuffer, rect: Rect
    ) {
        guard !rect.isEmpty else { return }
        let minutes = max(1, (history.count + 59) / 60)
        let span = "last \(minutes) min"
        if rect.height >= 4 {
            let half = rect.height / 2
            series("▼ " + Units.rate(current.0), history.downloads, span, .graphDown, into: &buffer,
                rect: Rect(x: rect.x, y: rect.y, width: rect.width, height: half))
            series("▲ " + Units.rate(current.1), history.uploads, span, .graphUp, into: &buffer,
                rect: Rect(x: rect.x, y: rect.y + half, width: rect.width, height: rect.height - half))
        } else {
            let half = rect.width / 2
            series("▼ " + Units.rate(current.0), history.downloads, span, .graphDown, into: &buffer,
                rect: Rect(x: rect.x, y: rect.y, width: half - 2, height: 1))
            series("▲ " + Units.rate(current.1), history.uploads, span, .graphUp, into: &buffer,
                rect: Rect(x: rect.x + half, y: rect.y, width: rect.width - half, height: 1))
        }
    }

    /// A label column, then bars `rect.height` rows tall, the peak written under the label.
    private static func series(
        _ label: String, _ values: [Double], _ span: String, _ role: ColorRole, into buffer: inout ScreenBuffer,
        rect: Rect
    ) {
        let labelWidth = 16
        let peak = values.max() ?? 0
        buffer.write(label, x: rect.x, y: rect.y, limit: rect.x + labelWidth - 1)
        if rect.height > 1 {
            buffer.write("peak " + Units.compactRate(peak), x: rect.x, y: rect.y + 1, role: .dim,
                limit: rect.x + labelWidth - 1)
        }
        let graphWidth = rect.width - labelWidth
        guard graphWidth > 4 else { return }
        let samples = Glyphs.resample(values, to: graphWidth)
        let levels = rect.height * 8
        for (i, v) in samples.enumerated() {
            let filled = peak > 0 && v > 0 ? max(1, Int((v / peak * Double(levels)).rounded())) : 0
            for row in 0..<rect.height {
                let fromBottom = rect.height - 1 - row
                let eighths = max(0, min(8, filled - fromBottom * 8))
                if eighths > 0 {
                    buffer.write(String(Glyphs.eighthsVertical[eighths]), x: rect.x + labelWidth + i, y: rect.y + row,
                        role: role)
                }
            }
        }
        if rect.height > 2 { buffer.write(span, x: rect.x, y: rect.y + 2, role: .dim, limit: rect.x + labelWidth - 1) }
    }
}
