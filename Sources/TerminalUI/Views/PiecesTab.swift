/// Pieces tab: a map of the torrent that fits the pane. The glyph shows have/downloading/missing; the color
/// shows how many connected peers have the pieces we still miss.
enum PiecesTab {
    static func draw(_ detail: TorrentDetail, into buffer: inout ScreenBuffer, rect: Rect) {
        let inner = rect.inset(columns: 2)
        buffer.write(summary(detail), x: inner.x, y: inner.y, role: .header, limit: inner.maxX)
        guard let map = detail.pieces, map.count > 0 else {
            buffer.write("The engine does not publish the piece map for this torrent yet.", x: inner.x,
                y: inner.y + 1, role: .dim, limit: inner.maxX)
            return
        }
        let mapRect = Rect(x: inner.x, y: inner.y + 1, width: inner.width - 1, height: inner.height - 2)
        PieceMapRenderer.draw(map, into: &buffer, rect: mapRect)
        drawLegend(perCell: PieceMapRenderer.piecesPerCell(count: map.count, cells: mapRect.width * mapRect.height),
            into: &buffer, x: inner.x, y: inner.maxY - 1, limit: inner.maxX)
    }

    static func summary(_ detail: TorrentDetail) -> String {
        var parts = ["Pieces \(detail.pieceCount)" + (detail.pieceLength.map { " × " + Units.bytes($0) } ?? "")]
        let count = max(1, detail.pieceCount)
        parts.append("have \(detail.piecesHave) (\(Units.percent(Double(detail.piecesHave) / Double(count))))")
        if let map = detail.pieces {
            parts.append("downloading \(map.downloadingCount)")
            if let rarest = map.rarest { parts.append("rarest \(rarest) " + (rarest == 1 ? "peer" : "peers")) }
            if let copies = map.distributedCopies { parts.append("distributed copies \(Units.fixed(copies, decimals: 2))") }
        }
        return parts.joined(separator: "   ")
    }

    private static func drawLegend(perCell: Int, into buffer: inout ScreenBuffer, x: Int, y: Int, limit: Int) {
        var column = x
        let glyphs: [TextRun] =
            perCell == 1
            ? [TextRun("█", .pieceHave), TextRun(" have  "), TextRun("▓", .pieceDownloading),
                TextRun(" downloading  "), TextRun("░", .pieceMissing), TextRun(" missing")]
            : [TextRun("⣿", .pieceHave), TextRun(" \(perCell) pieces a cell, a dot lit where we have half its pieces  "),
                TextRun("⣿", .pieceDownloading), TextRun(" downloading")]
        for run in glyphs { column = buffer.write(run.text, x: column, y: y, role: run.role, limit: limit) }
        column = buffer.write("   peers with a missing piece: ", x: column, y: y, role: .dim, limit: limit)
        for (n, label) in ["0", "1", "2", "3-4", "5-8", "9+"].enumerated() {
            column = buffer.write("█", x: column, y: y, role: ColorRole.availabilityScale[n], limit: limit)
            column = buffer.write(label + " ", x: column, y: y, role: .dim, limit: limit)
        }
    }
}

/// Packs pieces into cells: one piece a cell as a block when the map fits; otherwise braille cells of 2, 4
/// or 8 pieces (a column, a pair or a single dot each), or 8 runs of pieces, one dot per run.
enum PieceMapRenderer {
    static func piecesPerCell(count: Int, cells: Int) -> Int {
        guard cells > 0 else { return max(1, count) }
        let needed = (count + cells - 1) / cells
        if needed <= 1 { return 1 }
        if needed <= 2 { return 2 }
        if needed <= 4 { return 4 }
        return (needed + 7) / 8 * 8
    }

    static func draw(_ map: PieceMapData, into buffer: inout ScreenBuffer, rect: Rect) {
        let cells = rect.width * rect.height
        guard cells > 0 else { return }
        let perCell = piecesPerCell(count: map.count, cells: cells)
        let hasAvailability = map.availability.count == map.count
        var piece = 0
        var cell = 0
        while piece < map.count, cell < cells {
            let end = min(map.count, piece + perCell)
            let (glyph, role) =
                perCell == 1
                ? single(map, piece, hasAvailability)
                : packed(map, piece..<end, perCell: perCell, hasAvailability)
            buffer.write(String(glyph), x: rect.x + cell % rect.width, y: rect.y + cell / rect.width, role: role)
            piece = end
            cell += 1
        }
    }

    private static func single(_ map: PieceMapData, _ i: Int, _ hasAvailability: Bool) -> (Character, ColorRole) {
        switch map.states[i] {
        case .have: return ("█", .pieceHave)
        case .downloading: return ("▓", .pieceDownloading)
        case .missing: return ("░", hasAvailability ? availabilityRole(Int(map.availability[i])) : .pieceMissing)
        }
    }

    /// One braille cell: `min(8, perCell)` slots of equal dots, each lit when at least half its pieces are had.
    private static func packed(
        _ map: PieceMapData, _ range: Range<Int>, perCell: Int, _ hasAvailability: Bool
    ) -> (Character, ColorRole) {
        let slots = min(8, perCell)
        let dotsPerSlot = 8 / slots
        let piecesPerSlot = perCell / slots
        var bits: UInt32 = 0
        var downloading = false
        var allHave = true
        var rarest = Int.max
        for slot in 0..<slots {
            let start = range.lowerBound + slot * piecesPerSlot
            let end = min(range.upperBound, start + piecesPerSlot)
            guard start < end else { break }
            var had = 0
            for i in start..<end {
                if map.states[i] == .have {
                    had += 1
                    continue
                }
                if map.states[i] == .downloading { downloading = true }
                if hasAvailability { rarest = min(rarest, Int(map.availability[i])) }
            }
            if had < end - start { allHave = false }
            if had * 2 >= end - start {
                for dot in (slot * dotsPerSlot)..<((slot + 1) * dotsPerSlot) { bits |= Glyphs.brailleDots[dot] }
            }
        }
        let role: ColorRole =
            downloading ? .pieceDownloading
            : allHave ? .pieceHave
            : rarest == Int.max ? .pieceMissing : availabilityRole(rarest)
        return (bits == 0 ? "⣀" : Glyphs.braille(bits), role)
    }

    /// The color bucket for a piece that `peers` connected peers have.
    static func availabilityRole(_ peers: Int) -> ColorRole {
        let bucket =
            switch peers {
            case ...0: 0
            case 1: 1
            case 2: 2
            case 3...4: 3
            case 5...8: 4
            default: 5
            }
        return ColorRole.availabilityScale[bucket]
    }
}
