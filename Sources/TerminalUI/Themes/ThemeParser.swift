/// A problem in a theme file, naming the file and line.
public struct ThemeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem is not on one line (a missing file, a cycle of bases).
    public var line: Int
    public var problem: String

    public var description: String { line > 0 ? "\(file):\(line): \(problem)" : "\(file): \(problem)" }
}

/// Reads theme files. One setting a line: `role = [attributes] [foreground] [on background]`; `# ` (or a `#`
/// opening the line) starts a comment; `base = NAME` (before any role) starts from another theme so a file can change single roles.
///
///     base = dark
///     selection = bold white on 24     # 256-color palette index
///     error = bold #ff5f5f             # nearest palette color
public enum ThemeParser {
    /// Parses `text`, read from `file` (used in errors). `base` loads a named theme for `base = NAME`.
    public static func parse(
        _ text: String, name: String, file: String, base: (String) throws -> Theme = { throw UnknownBase(name: $0) }
    ) throws -> Theme {
        var theme = Theme(name: name)
        var seenRoles: [ColorRole: Int] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            func fail(_ problem: String) -> ThemeError { ThemeError(file: file, line: lineNumber, problem: problem) }
            let line = withoutComment(rawLine).trimmingCharacters(in: " \t\r")
            if line.isEmpty { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw fail("expected `role = style`, found \(quoted(line))")
            }
            let key = line[..<equals].trimmingCharacters(in: " \t")
            let value = line[line.index(after: equals)...].trimmingCharacters(in: " \t")
            if key == "base" {
                guard seenRoles.isEmpty else { throw fail("`base` must come before any role") }
                do {
                    theme = try base(value)
                    theme.name = name
                } catch let error as ThemeError {
                    throw fail("base theme \(quoted(value)) is broken: \(error)")
                } catch {
                    throw fail("unknown base theme \(quoted(value))")
                }
                continue
            }
            guard let role = ColorRole(rawValue: key) else {
                throw fail("unknown role \(quoted(key)); roles are: " + ColorRole.allCases.map(\.rawValue).joined(separator: ", "))
            }
            if let previous = seenRoles[role] { throw fail("role \(quoted(key)) already set on line \(previous)") }
            seenRoles[role] = lineNumber
            do {
                theme = theme.overriding(role, with: try style(value))
            } catch let problem as Problem {
                throw fail("\(key): \(problem.text)")
            }
        }
        return theme
    }

    /// The line up to its comment: a `#` at the start or followed by a space (so `#rrggbb` is a color).
    static func withoutComment(_ line: Substring) -> Substring {
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == "#" {
                let next = line.index(after: index)
                if line[..<index].allSatisfy(\.isWhitespace) || next == line.endIndex || line[next] == " "
                    || line[next] == "\t"
                {
                    return line[..<index]
                }
            }
            index = line.index(after: index)
        }
        return line
    }

    /// Parses the right-hand side of a setting: `bold red on #303030`.
    public static func style(_ text: String) throws -> RoleStyle {
        var style = RoleStyle()
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)[...]
        guard !words.isEmpty else { throw Problem(text: "no style given (use `default` for the terminal's colors)") }
        while let word = words.first, let attribute = TextAttributes.names.first(where: { $0.0 == word.lowercased() }) {
            style.attributes.insert(attribute.1)
            words.removeFirst()
        }
        if let word = words.first, word.lowercased() != "on" {
            style.foreground = try color(word)
            words.removeFirst()
        }
        if let word = words.first {
            guard word.lowercased() == "on" else { throw Problem(text: "unexpected \(quoted(word)) (attributes come first)") }
            words.removeFirst()
            guard let background = words.first else { throw Problem(text: "`on` needs a background color") }
            style.background = try color(background)
            words.removeFirst()
        }
        if let extra = words.first { throw Problem(text: "unexpected \(quoted(extra)) after the colors") }
        return style
    }

    /// A color name, a palette index 0-255, or `#rrggbb`.
    public static func color(_ word: String) throws -> ThemeColor {
        let lower = word.lowercased()
        if lower == "default" { return .terminalDefault }
        if let index = ThemeColor.names.firstIndex(of: lower) { return .palette(UInt8(index)) }
        if let number = Int(lower) {
            guard (0...255).contains(number) else { throw Problem(text: "color \(number) is outside 0-255") }
            return .palette(UInt8(number))
        }
        if lower.hasPrefix("#") {
            let hex = lower.dropFirst()
            guard hex.count == 6, let value = UInt32(hex, radix: 16) else {
                throw Problem(text: "\(quoted(word)) is not a #rrggbb color")
            }
            return .palette(Palette.nearest(red: UInt8(value >> 16 & 0xff), green: UInt8(value >> 8 & 0xff),
                blue: UInt8(value & 0xff)))
        }
        throw Problem(text: "unknown color \(quoted(word)); use a name (\(ThemeColor.names.joined(separator: ", "))), "
            + "default, 0-255 or #rrggbb")
    }

    struct Problem: Error {
        var text: String
    }

    /// What the default `base` loader throws: no theme may be used as a base.
    public struct UnknownBase: Error {
        public var name: String
        public init(name: String) { self.name = name }
    }

    private static func quoted<S: StringProtocol>(_ s: S) -> String { "`" + s.terminalSafeText + "`" }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }

    var terminalSafeText: String { String(map { ScreenBuffer.safe($0) }) }
}

extension Theme {
    /// The theme with single roles changed by `role = style` settings (from the config or the command
    /// line); `source` names where they came from in errors.
    public func overriding(_ settings: [String: String], source: String) throws -> Theme {
        var theme = self
        for (key, value) in settings.sorted(by: { $0.key < $1.key }) {
            guard let role = ColorRole(rawValue: key) else {
                throw ThemeError(file: source, line: 0, problem: "unknown role `\(key.terminalSafeText)`")
            }
            do {
                theme = theme.overriding(role, with: try ThemeParser.style(value))
            } catch let problem as ThemeParser.Problem {
                throw ThemeError(file: source, line: 0, problem: "\(key): \(problem.text)")
            }
        }
        return theme
    }
}
