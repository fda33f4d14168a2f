/// A key as written in the `[keys]` table: one printable character (`"p"`), a named key (`"enter"`,
/// `"tab"`, `"space"`, `"up"`...), or a control key (`"ctrl-x"`).
public enum KeyBinding: Sendable, Hashable, CustomStringConvertible {
    case character(Character)
    case named(String)
    case control(Character)

    /// The actions of the UI's main screen that can be bound, with their default keys.
    public static let actions: [String: KeyBinding] = [
        "quit": .character("q"), "help": .character("?"), "pause": .character("p"),
        "priority_up": .character("+"), "priority_down": .character("-"), "add": .character("a"),
        "remove": .character("d"), "remove_with_data": .character("D"), "recheck": .character("r"),
        "filter": .character("/"), "sort": .character("s"), "reverse_sort": .character("S"),
        "next_view": .character("v"), "previous_view": .character("V"),
    ]

    public static let names: Set<String> = [
        "enter", "tab", "space", "escape", "backspace", "delete", "up", "down", "left", "right", "home", "end",
        "page_up", "page_down",
    ]

    /// Nil when the text names no key.
    public init?(parsing text: String) {
        let lower = text.lowercased()
        if lower == "space" {
            self = .character(" ")
        } else if Self.names.contains(lower) {
            self = .named(lower)
        } else if lower.hasPrefix("ctrl-"), lower.count == 6, let letter = lower.last, ("a"..."z").contains(letter) {
            self = .control(letter)
        } else if text.count == 1, let c = text.first, c.isPrintableKey {
            self = .character(c)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .character(" "): "space"
        case .character(let c): String(c)
        case .named(let name): name
        case .control(let c): "ctrl-\(c)"
        }
    }
}

extension Character {
    /// Visible, single-scalar, not a control character.
    fileprivate var isPrintableKey: Bool {
        unicodeScalars.count == 1 && unicodeScalars.first!.value >= 0x20 && unicodeScalars.first!.value != 0x7f
            && !isNewline
    }
}
