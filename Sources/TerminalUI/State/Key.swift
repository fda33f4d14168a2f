/// A key press (or mouse click, or resize) as the reducer sees it: terminal-independent.
public enum Key: Sendable, Hashable {
    case character(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, tab, backTab, escape, backspace, delete
    /// Ctrl plus a letter (`.control("c")`).
    case control(Character)
    /// A left click at a cell.
    case click(x: Int, y: Int)
    case scrollUp, scrollDown
    /// The terminal changed size.
    case resize(Size)
}

extension Key: ExpressibleByExtendedGraphemeClusterLiteral {
    public init(extendedGraphemeClusterLiteral value: Character) { self = .character(value) }
}

extension Key {
    /// A key that types a character in a prompt.
    var isCharacter: Bool { if case .character = self { true } else { false } }
}
