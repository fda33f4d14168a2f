/// A run of text in one role.
public struct TextRun: Sendable, Hashable {
    public var text: String
    public var role: ColorRole

    public init(_ text: String, _ role: ColorRole = .normal) {
        self.text = text
        self.role = role
    }
}

/// One column of a table: a title, a width (or a share of the leftover width), and what each row shows.
struct TableColumn<Row> {
    var title: String
    var width: Int
    /// Columns with a weight take the leftover width in proportion; `width` is then their minimum.
    var flexWeight = 0
    var alignRight = false
    /// Lower ranks drop out first when the columns do not fit.
    var keepRank: Int
    var cell: (Row, Int) -> [TextRun]

    init(
        _ title: String, width: Int, flex: Int = 0, right: Bool = false, keep: Int,
        cell: @escaping (Row, Int) -> [TextRun]
    ) {
        self.title = title
        self.width = width
        self.flexWeight = flex
        self.alignRight = right
        self.keepRank = keep
        self.cell = cell
    }

    /// A column showing one string in one role.
    static func text(
        _ title: String, width: Int, flex: Int = 0, right: Bool = false, keep: Int,
        role: @escaping (Row) -> ColorRole = { _ in .normal }, _ value: @escaping (Row) -> String
    ) -> TableColumn {
        TableColumn(title, width: width, flex: flex, right: right, keep: keep) { row, _ in
            [TextRun(value(row), role(row))]
        }
    }
}

/// Column placement for a width: which columns stay, where each starts, how wide it is.
struct TableLayout {
    var indices: [Int]
    var starts: [Int]
    var widths: [Int]

    /// Drops the lowest-ranked columns until the rest fit `width` (with one space between columns), then
    /// gives the leftover to the flexible columns.
    init<Row>(_ columns: [TableColumn<Row>], width: Int, leading: Int = 0) {
        var kept = Array(columns.indices)
        func needed(_ set: [Int]) -> Int { set.reduce(0) { $0 + columns[$1].width } + max(0, set.count - 1) + leading }
        while needed(kept) > width, kept.count > 1 {
            let drop = kept.min { columns[$0].keepRank < columns[$1].keepRank }!
            kept.removeAll { $0 == drop }
        }
        var widths = kept.map { columns[$0].width }
        var spare = max(0, width - needed(kept))
        let flexible = kept.indices.filter { columns[kept[$0]].flexWeight > 0 }
        let totalWeight = flexible.reduce(0) { $0 + columns[kept[$1]].flexWeight }
        if totalWeight > 0 {
            var given = 0
            for (n, i) in flexible.enumerated() {
                let share =
                    n == flexible.count - 1 ? spare - given : spare * columns[kept[i]].flexWeight / totalWeight
                widths[i] += share
                given += share
            }
            spare = 0
        }
        var starts: [Int] = []
        var x = leading
        for w in widths {
            starts.append(x)
            x += w + 1
        }
        indices = kept
        self.starts = starts
        self.widths = widths
    }
}

/// Draws tables: a title row, then rows from `top`, the selected one highlighted.
enum Table {
    static func draw<Row>(
        _ rows: [Row], columns: [TableColumn<Row>], into buffer: inout ScreenBuffer, rect: Rect,
        selected: Int? = nil, top: Int = 0, headerRole: ColorRole = .header,
        titleSuffix: (Int) -> String = { _ in "" }
    ) {
        guard !rect.isEmpty else { return }
        let layout = TableLayout(columns, width: rect.width)
        for (n, index) in layout.indices.enumerated() {
            let column = columns[index]
            let suffixed = column.title + titleSuffix(index)
            let fits = DisplayWidth.of(suffixed) <= layout.widths[n]
            let title = TextFit.pad(fits ? suffixed : column.title, to: layout.widths[n], alignRight: column.alignRight)
            buffer.write(title, x: rect.x + layout.starts[n], y: rect.y, role: headerRole, limit: rect.maxX)
        }
        for line in 0..<(rect.height - 1) {
            let rowIndex = top + line
            guard rowIndex < rows.count else { break }
            let y = rect.y + 1 + line
            for (n, index) in layout.indices.enumerated() {
                let runs = columns[index].cell(rows[rowIndex], layout.widths[n])
                drawCell(runs, into: &buffer, x: rect.x + layout.starts[n], y: y, width: layout.widths[n],
                    alignRight: columns[index].alignRight)
            }
            if rowIndex == selected { buffer.paint(rect.row(line + 1), role: .selection) }
        }
    }

    /// Writes runs cut and aligned to `width` columns.
    static func drawCell(
        _ runs: [TextRun], into buffer: inout ScreenBuffer, x: Int, y: Int, width: Int, alignRight: Bool
    ) {
        let total = runs.reduce(0) { $0 + DisplayWidth.of($1.text) }
        var column = x
        if total > width {
            var remaining = width
            for run in runs where remaining > 0 {
                let cut = DisplayWidth.of(run.text) > remaining ? TextFit.truncate(run.text, to: remaining) : run.text
                column = buffer.write(cut, x: column, y: y, role: run.role, limit: x + width)
                remaining = x + width - column
            }
            return
        }
        if alignRight { column += width - total }
        for run in runs { column = buffer.write(run.text, x: column, y: y, role: run.role, limit: x + width) }
    }
}
