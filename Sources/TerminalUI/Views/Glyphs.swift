/// Block and braille glyphs for bars, maps and graphs.
enum Glyphs {
    /// Left-aligned partial blocks: index n is n eighths of a cell.
    static let eighthsHorizontal: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    /// Bottom-aligned partial blocks: index n is n eighths of a cell.
    static let eighthsVertical: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
    /// Braille dot bits in fill order: down the left column, then down the right one.
    static let brailleDots: [UInt32] = [0x01, 0x02, 0x04, 0x40, 0x08, 0x10, 0x20, 0x80]

    static func braille(_ bits: UInt32) -> Character { Character(Unicode.Scalar(0x2800 + bits)!) }

    /// A progress bar of `width` cells: the done part in eighths, the rest shaded.
    static func progressBar(_ fraction: Double, width: Int) -> [TextRun] {
        guard width > 0 else { return [] }
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        let eighths = Int((clamped * Double(width * 8)).rounded(.down))
        let full = eighths / 8
        var done = String(repeating: "█", count: full)
        var todoCount = width - full
        if full < width, eighths % 8 > 0 {
            done.append(eighthsHorizontal[eighths % 8])
            todoCount -= 1
        }
        return [TextRun(done, .progressDone), TextRun(String(repeating: "░", count: todoCount), .progressTodo)]
    }

    /// A one-row sparkline of `values` scaled to `maximum`, resampled to `width` cells (latest at the right).
    static func sparkline(_ values: [Double], width: Int, maximum: Double) -> String {
        let samples = resample(values, to: width)
        return String(samples.map { v -> Character in
            guard maximum > 0, v > 0 else { return " " }
            return eighthsVertical[max(1, min(8, Int((v / maximum * 8).rounded())))]
        })
    }

    /// The last `width` buckets of `values`, each the mean of the samples it covers; right-aligned.
    static func resample(_ values: [Double], to width: Int) -> [Double] {
        guard width > 0 else { return [] }
        if values.count <= width { return Array(repeating: 0, count: width - values.count) + values }
        var out: [Double] = []
        out.reserveCapacity(width)
        for i in 0..<width {
            let a = i * values.count / width
            let b = max(a + 1, (i + 1) * values.count / width)
            out.append(values[a..<b].reduce(0, +) / Double(b - a))
        }
        return out
    }
}
