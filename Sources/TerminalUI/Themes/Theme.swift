/// A color a theme names: the terminal's default, or an entry of the xterm 256-color palette
/// (0-7 the basic colors, 8-15 their bright forms).
public enum ThemeColor: Sendable, Hashable {
    case terminalDefault
    case palette(UInt8)

    public static let names = [
        "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
        "bright-black", "bright-red", "bright-green", "bright-yellow", "bright-blue", "bright-magenta",
        "bright-cyan", "bright-white",
    ]
}

/// Text attributes a role may add to its colors.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1)
    public static let dim = TextAttributes(rawValue: 2)
    public static let underline = TextAttributes(rawValue: 4)
    public static let reverse = TextAttributes(rawValue: 8)
    public static let italic = TextAttributes(rawValue: 16)

    public static let names: [(String, TextAttributes)] = [
        ("bold", .bold), ("dim", .dim), ("underline", .underline), ("reverse", .reverse), ("italic", .italic),
    ]
}

/// How one role looks.
public struct RoleStyle: Sendable, Hashable {
    public var foreground: ThemeColor
    public var background: ThemeColor
    public var attributes: TextAttributes

    public init(
        foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
        attributes: TextAttributes = []
    ) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    public static let plain = RoleStyle()
}

/// A style for every role. Roles a theme leaves out look like `normal`.
public struct Theme: Sendable, Hashable {
    public var name: String
    public private(set) var styles: [ColorRole: RoleStyle]

    public init(name: String, styles: [ColorRole: RoleStyle] = [:]) {
        self.name = name
        self.styles = styles
    }

    public func style(_ role: ColorRole) -> RoleStyle { styles[role] ?? styles[.normal] ?? .plain }

    /// The theme with one role changed (a user's single-role override).
    public func overriding(_ role: ColorRole, with style: RoleStyle) -> Theme {
        var copy = self
        copy.styles[role] = style
        return copy
    }

    /// Emphasis for terminals without color, so selection, titles and errors still stand out.
    public static func monochromeAttributes(_ role: ColorRole) -> TextAttributes {
        switch role {
        case .selection, .tabActive, .statusBar, .pieceHave: .reverse
        case .title, .header, .error, .statusError, .prompt, .key, .warning: .bold
        case .dim, .border, .tabInactive, .paused, .progressTodo, .pieceMissing: .dim
        default: []
        }
    }
}
