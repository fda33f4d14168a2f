import TorrentModel

/// One terminal cell: a grapheme (or nothing, for the right half of a wide character) and its role.
public struct Cell: Sendable, Hashable {
    /// The grapheme drawn here; empty for the second column of a wide grapheme.
    public var text: Character?
    /// 1, 2 for a wide grapheme, 0 for the column a wide grapheme covers on its left.
    public var width: UInt8
    public var role: ColorRole

    public init(_ text: Character, width: UInt8 = 1, role: ColorRole = .normal) {
        self.text = text
        self.width = width
        self.role = role
    }

    public static let blank = Cell(" ")
    static func continuation(_ role: ColorRole) -> Cell {
        var cell = Cell(" ", width: 0, role: role)
        cell.text = nil
        return cell
    }

    public var isContinuation: Bool { width == 0 }
}

/// An off-screen grid of cells that views draw into and a terminal copies out. Everything written is made
/// terminal-safe here: control characters become `?`, so no view can leak an escape sequence.
public struct ScreenBuffer: Sendable, Equatable {
    public let size: Size
    public private(set) var cells: [Cell]

    public init(size: Size) {
        self.size = Size(width: max(0, size.width), height: max(0, size.height))
        cells = Array(repeating: .blank, count: self.size.width * self.size.height)
    }

    public var bounds: Rect { Rect(x: 0, y: 0, width: size.width, height: size.height) }

    public subscript(x: Int, y: Int) -> Cell {
        cells[y * size.width + x]
    }

    /// Writes `text` from column `x` of row `y`, clipped at `limit` (exclusive; default: the right edge).
    /// A wide grapheme that would cross the limit is replaced by spaces. Returns the column after the text.
    @discardableResult
    public mutating func write<S: StringProtocol>(
        _ text: S, x: Int, y: Int, role: ColorRole = .normal, limit: Int? = nil
    ) -> Int {
        let end = min(limit ?? size.width, size.width)
        guard y >= 0, y < size.height else { return x }
        var column = x
        for character in text {
            if column >= end { break }
            let safe = ScreenBuffer.safe(character)
            let width = DisplayWidth.of(safe)
            if width == 0 { continue }
            if column + width > end {
                while column < end {
                    put(Cell(" ", role: role), x: column, y: y)
                    column += 1
                }
                break
            }
            if column >= 0 {
                put(Cell(safe, width: UInt8(width), role: role), x: column, y: y)
                if width == 2, column + 1 < size.width { put(.continuation(role), x: column + 1, y: y) }
            }
            column += width
        }
        return column
    }

    /// Fills a rectangle with one character in one role.
    public mutating func fill(_ rect: Rect, with character: Character = " ", role: ColorRole = .normal) {
        let x0 = max(0, rect.x)
        let x1 = min(size.width, rect.maxX)
        let y0 = max(0, rect.y)
        let y1 = min(size.height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { put(Cell(character, role: role), x: x, y: y) }
        }
    }

    /// Changes the role of cells already written in a rectangle (for example a selected row).
    public mutating func paint(_ rect: Rect, role: ColorRole) {
        let x0 = max(0, rect.x)
        let x1 = min(size.width, rect.maxX)
        let y0 = max(0, rect.y)
        let y1 = min(size.height, rect.maxY)
        guard x0 < x1, y0 < y1 else { return }
        for y in y0..<y1 {
            for x in x0..<x1 { cells[y * size.width + x].role = role }
        }
    }

    /// Stores one cell, blanking the other half of any wide grapheme it overwrites.
    private mutating func put(_ cell: Cell, x: Int, y: Int) {
        guard x >= 0, x < size.width, y >= 0, y < size.height else { return }
        let index = y * size.width + x
        let old = cells[index]
        if old.width == 2, x + 1 < size.width, cell.width != 0 {
            cells[index + 1] = Cell(" ", role: cells[index + 1].role)
        }
        if old.isContinuation, x > 0, cells[index - 1].width == 2 {
            cells[index - 1] = Cell(" ", role: cells[index - 1].role)
        }
        cells[index] = cell
    }

    /// The character itself, or `?` when any of its scalars could control the terminal.
    static func safe(_ character: Character) -> Character {
        if character.isASCII, let ascii = character.asciiValue, ascii >= 0x20, ascii != 0x7f { return character }
        for scalar in character.unicodeScalars where TerminalSafe.isUnsafe(scalar) { return "?" }
        return character
    }
}

extension ScreenBuffer {
    /// The text layer: one line per row, trailing spaces kept so widths are visible.
    public var text: String {
        var lines: [String] = []
        lines.reserveCapacity(size.height)
        for y in 0..<size.height {
            var line = ""
            for x in 0..<size.width {
                let cell = self[x, y]
                if let text = cell.text, !cell.isContinuation { line.append(text) }
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }

    /// The role layer: one code character per column (see `ColorRole.code`).
    public var roleText: String {
        var lines: [String] = []
        for y in 0..<size.height {
            var line = ""
            for x in 0..<size.width { line.append(self[x, y].role.code) }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
