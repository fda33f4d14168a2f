/// What a key can be bound to in the list (the config file's `[keys]` table names these).
public enum KeyAction: String, CaseIterable, Sendable, Hashable {
    case quit, help, up, down
    case pageUp = "page-up", pageDown = "page-down", first, last
    case details, back
    case nextTab = "next-tab", previousTab = "previous-tab"
    case pause
    case priorityUp = "priority-up", priorityDown = "priority-down"
    case add, remove
    case removeWithData = "remove-with-data"
    case recheck, filter, sort
    case reverseSort = "reverse-sort"
    case nextView = "next-view", previousView = "previous-view"
    case detach
    case sequential
    case firstLast = "first-last"
    case move
    /// In the add prompt, these toggle the option; elsewhere they open the prompt with it on.
    case addPaused = "add-paused"
    case addMetadataOnly = "add-metadata-only"
    case limit
    case limitAll = "limit-all"
    case seedLimits = "seed-limits"
    /// In the add prompt: ask for the folder to save in after Enter.
    case addTo = "add-to"
    /// All torrents' seeding limits, connection limits and queue sizes.
    case options
    /// The selected torrent's peer limit.
    case maxPeers = "max-peers"
}

/// Which keys do what. The defaults follow rTorrent and vi habits; a user's config may rebind any action
/// (`pause = "P"` or `down = ["j", "Down"]`). Ctrl-C always quits, and mouse, resize and the view digits
/// 1-5 are not rebindable.
public struct KeyBindings: Sendable, Hashable {
    private var actions: [Key: KeyAction]
    private var keys: [KeyAction: [Key]]

    public static let standard = KeyBindings(keys: [
        .quit: ["q"], .help: ["?"], .up: [.up, "k"], .down: [.down, "j"],
        .pageUp: [.pageUp], .pageDown: [.pageDown], .first: [.home, "g"], .last: [.end, "G"],
        .details: [.enter], .back: [.escape], .nextTab: [.tab, .right], .previousTab: [.backTab, .left],
        .pause: ["p", " "], .priorityUp: ["+", "="], .priorityDown: ["-", "_"], .add: ["a"], .remove: ["d"],
        .removeWithData: ["D"], .recheck: ["r"], .filter: ["/"], .sort: ["s"], .reverseSort: ["S"],
        .nextView: ["v"], .previousView: ["V"], .detach: ["Q"], .sequential: ["o"], .firstLast: ["f"], .move: ["m"],
        .addPaused: [.control("p")], .addMetadataOnly: [.control("o")], .limit: ["l"], .limitAll: ["L"],
        .seedLimits: ["e"], .addTo: [.control("d")], .options: ["O"],
        .maxPeers: ["P"],
    ])

    private init(keys: [KeyAction: [Key]]) {
        self.keys = keys
        actions = [:]
        for (action, list) in keys { for key in list { actions[key] = action } }
    }

    /// The standard bindings with `overrides` (action name → key names) applied: an action given here
    /// loses its standard keys, and a key taken by it leaves whatever action had it before.
    public init(overrides: [String: [String]]) throws(KeyBindingError) {
        var keys = Self.standard.keys
        var claimed: [Key: KeyAction] = [:]
        for (name, keyNames) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let action = KeyAction(rawValue: name) else { throw .unknownAction(name) }
            guard !keyNames.isEmpty else { throw .noKeys(action: name) }
            var list: [Key] = []
            for keyName in keyNames {
                guard let key = Key(name: keyName) else { throw .unknownKey(keyName, action: name) }
                if let other = claimed[key], other != action {
                    throw .conflict(key: keyName, first: other.rawValue, second: name)
                }
                claimed[key] = action
                list.append(key)
            }
            keys[action] = list
        }
        for (action, list) in keys where overrides[action.rawValue] == nil {
            keys[action] = list.filter { claimed[$0] == nil }
        }
        self.init(keys: keys)
    }

    public func action(for key: Key) -> KeyAction? { actions[key] }

    public func keys(for action: KeyAction) -> [Key] { keys[action] ?? [] }

    /// The first key of `action`, for messages ("press q to quit"); "?" when the action has none.
    public func primary(_ action: KeyAction) -> String { keys(for: action).first?.label ?? "?" }

    /// How the help names the keys of `action` ("p Space").
    public func label(_ action: KeyAction) -> String {
        keys(for: action).map(\.label).joined(separator: " ")
    }
}

public enum KeyBindingError: Error, Equatable, CustomStringConvertible {
    case unknownAction(String)
    case unknownKey(String, action: String)
    case noKeys(action: String)
    case conflict(key: String, first: String, second: String)

    public var description: String {
        switch self {
        case .unknownAction(let name):
            "unknown key action '\(name)' (known: \(KeyAction.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownKey(let key, let action):
            "'\(key)' for \(action) is not a key (a character, or Space, Enter, Tab, Shift-Tab, Esc, Up, Down, "
                + "Left, Right, PgUp, PgDn, Home, End, Backspace, Delete, Ctrl-X)"
        case .noKeys(let action): "\(action) has no keys: give at least one"
        case .conflict(let key, let first, let second): "'\(key)' is bound to both \(first) and \(second)"
        }
    }
}

extension Key {
    /// A key from its name in a config file: one character, a named key, or `Ctrl-` and a letter.
    public init?(name: String) {
        let named: [String: Key] = [
            "space": " ", "enter": .enter, "return": .enter, "tab": .tab, "shift-tab": .backTab, "esc": .escape,
            "escape": .escape, "up": .up, "down": .down, "left": .left, "right": .right, "pgup": .pageUp,
            "pageup": .pageUp, "pgdn": .pageDown, "pagedown": .pageDown, "home": .home, "end": .end,
            "backspace": .backspace, "delete": .delete,
        ]
        if name.count == 1, let c = name.first, !c.isWhitespace || c == " ", !(c.asciiValue.map { $0 < 0x20 || $0 == 0x7f } ?? false) {
            self = .character(c)
        } else if let key = named[name.lowercased()] {
            self = key
        } else if name.lowercased().hasPrefix("ctrl-"), name.count == 6, let c = name.last?.lowercased().first,
            c.isLetter, c.isASCII, c != "c"
        {
            self = .control(c)
        } else {
            return nil
        }
    }

    /// The key as the help shows it.
    var label: String {
        switch self {
        case .character(" "): "Space"
        case .character(let c): String(c)
        case .up: "↑"
        case .down: "↓"
        case .left: "←"
        case .right: "→"
        case .pageUp: "PgUp"
        case .pageDown: "PgDn"
        case .home: "Home"
        case .end: "End"
        case .enter: "Enter"
        case .tab: "Tab"
        case .backTab: "Shift-Tab"
        case .escape: "Esc"
        case .backspace: "Backspace"
        case .delete: "Delete"
        case .control(let c): "Ctrl-" + c.uppercased()
        case .click, .scrollUp, .scrollDown, .resize: "mouse"
        }
    }
}
