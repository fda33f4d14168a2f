import CNCurses
import Foundation
import TerminalUI

/// The terminal, through ncursesw: opens it with `newterm`, copies `ScreenBuffer`s to it (only the cells
/// that changed) and reads keys without blocking. Every curses call stays on the main actor.
@MainActor
public final class CursesScreen {
    private let screen: OpaquePointer
    private let window: UnsafeMutablePointer<WINDOW>
    /// Colors the terminal has: 256, 16, 8, or 0 for none.
    public let colors: Int
    private var styles: [ColorRole: (attr_t, Int16)] = [:]
    private var shown: ScreenBuffer?
    private var isOpen = true

    /// Opens the terminal named by `TERM`. Throws instead of exiting when the terminal type is unknown.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard isatty(0) != 0, isatty(1) != 0 else { throw CursesError.notATerminal }
        guard let term = environment["TERM"], !term.isEmpty else { throw CursesError.noTerminalType }
        _ = swarm_setup_locale()
        guard let screen = swarm_newterm(term) else { throw CursesError.unknownTerminal(term) }
        self.screen = screen
        guard let window = swarm_stdscr() else {
            delscreen(screen)
            throw CursesError.unknownTerminal(term)
        }
        self.window = window
        raw()
        noecho()
        nonl()
        keypad(window, true)
        nodelay(window, true)
        set_escdelay(25)
        curs_set(0)
        if has_colors() {
            start_color()
            use_default_colors()
            colors = Int(swarm_colors()) >= 256 ? 256 : Int(swarm_colors())
        } else {
            colors = 0
        }
        swarm_enable_mouse()
    }

    /// The terminal's size now.
    public var size: Size { Size(width: Int(swarm_cols()), height: Int(swarm_lines())) }

    /// Sets the colors of every role, downgraded to what the terminal has.
    public func apply(_ theme: Theme) {
        styles = [:]
        let pairs = Int(swarm_color_pairs())
        for (index, role) in ColorRole.allCases.enumerated() {
            let style = theme.style(role)
            guard colors > 0, index + 1 < pairs else {
                styles[role] = (attributes(style.attributes.union(Theme.monochromeAttributes(role))), 0)
                continue
            }
            let fg = number(Palette.downgrade(style.foreground, colors: colors))
            let bg = number(Palette.downgrade(style.background, colors: colors))
            init_pair(Int16(index + 1), fg, bg)
            styles[role] = (attributes(style.attributes), Int16(index + 1))
        }
        shown = nil
    }

    /// Copies `buffer` to the terminal: only changed cells, everything after a resize or a theme change.
    public func draw(_ buffer: ScreenBuffer) {
        let full = shown?.size != buffer.size
        if full { werase(window) }
        var text = [wchar_t](repeating: 0, count: Int(swarm_ccharw_max()) + 1)
        for y in 0..<buffer.size.height {
            for x in 0..<buffer.size.width {
                let cell = buffer[x, y]
                if !full, let shown, shown[x, y] == cell { continue }
                if cell.isContinuation { continue }
                put(cell, x: x, y: y, scratch: &text)
            }
        }
        shown = buffer
        wnoutrefresh(window)
        doupdate()
    }

    /// Forgets what is on screen, so the next `draw` repaints everything (after Ctrl-L).
    public func invalidate() {
        shown = nil
        clearok(window, true)
    }

    private func put(_ cell: Cell, x: Int, y: Int, scratch: inout [wchar_t]) {
        var character = cell.text ?? " "
        let scalars = Array(character.unicodeScalars)
        let style = styles[cell.role] ?? (0, 0)
        if let first = scalars.first, !first.isASCII, Int(swarm_wcwidth(first.value)) != Int(cell.width) {
            character = "?"  // the C library measures it differently: keep the columns aligned
            if cell.width == 2 { draw(" ", x: x + 1, y: y, style: style, scratch: &scratch) }
        }
        draw(character, x: x, y: y, style: style, scratch: &scratch)
    }

    private func draw(_ character: Character, x: Int, y: Int, style: (attr_t, Int16), scratch: inout [wchar_t]) {
        var n = 0
        for scalar in character.unicodeScalars where n < scratch.count - 1 {
            scratch[n] = wchar_t(bitPattern: scalar.value)
            n += 1
        }
        scratch[n] = 0
        _ = swarm_put_cell(window, Int32(y), Int32(x), scratch, style.0, style.1)
    }

    /// Every key waiting, without blocking.
    public func readKeys() -> [Key] {
        var keys: [Key] = []
        var value: wint_t = 0
        while true {
            let status = wget_wch(window, &value)
            if status == ERR { break }
            if let key = status == KEY_CODE_YES ? functionKey(Int32(value)) : characterKey(UInt32(value)) {
                keys.append(key)
            }
        }
        return keys
    }

    private func functionKey(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_ENTER: return .enter
        case KEY_RESIZE:
            shown = nil
            return .resize(size)
        case KEY_MOUSE:
            var x: Int32 = 0
            var y: Int32 = 0
            switch swarm_mouse_event(&x, &y) {
            case 1: return .click(x: Int(x), y: Int(y))
            case 2: return .scrollUp
            case 3: return .scrollDown
            default: return nil
            }
        default: return nil
        }
    }

    private func characterKey(_ value: UInt32) -> Key? {
        switch value {
        case 9: return .tab
        case 10, 13: return .enter
        case 27: return .escape
        case 8, 127: return .backspace
        case 12:
            invalidate()
            return nil
        case 1...26: return .control(Character(Unicode.Scalar(value + 96)!))
        default:
            guard let scalar = Unicode.Scalar(value) else { return nil }
            return .character(Character(scalar))
        }
    }

    /// Restores the terminal. Safe to call twice.
    public func close() {
        guard isOpen else { return }
        isOpen = false
        endwin()
        delscreen(screen)
    }

    private func number(_ color: ThemeColor) -> Int16 {
        switch color {
        case .terminalDefault: -1
        case .palette(let index): Int16(index)
        }
    }

    private func attributes(_ set: TextAttributes) -> attr_t {
        var out = swarm_a_normal()
        if set.contains(.bold) { out |= swarm_a_bold() }
        if set.contains(.dim) { out |= swarm_a_dim() }
        if set.contains(.underline) { out |= swarm_a_underline() }
        if set.contains(.reverse) { out |= swarm_a_reverse() }
        if set.contains(.italic) { out |= swarm_a_italic() }
        return out
    }
}
