/// Finds what toml++ must not see. Its parser asserts (aborting a debug build; undefined behaviour in a
/// release one) on a few malformed inputs instead of reporting them: a header whose key starts with a
/// character that cannot start a key (`[=]`), a value that starts with a terminator (`a = }`, `a = [}]`),
/// and Unicode blanks where it expects ASCII ones. We refuse those ourselves first.
///
/// A small lexer that follows statements the way the TOML grammar does: at the start of a statement a
/// `[` opens a header; otherwise the statement is `key = value`, and the value may span lines inside
/// arrays, inline tables and multi-line strings. It only needs to be right on valid TOML: toml++ stops at
/// the first error, so a header after an invalid part is never reached.
enum HeaderPrecheck {
    struct Problem: Error {
        var line: Int
        var message: String
    }

    /// The first construct toml++ cannot be given safely, or nil.
    static func firstProblem(in text: String) -> Problem? {
        var lexer = Lexer(Array(text.unicodeScalars))
        do {
            try lexer.run()
            return nil
        } catch {
            return error
        }
    }

    /// The blanks toml++ knows besides space and tab.
    static func isUnicodeBlank(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0xA0, 0x1680, 0x180E, 0x2000...0x200B, 0x202F, 0x205F...0x2060, 0x3000, 0xFEFF: true
        default: false
        }
    }

    private struct Lexer {
        let s: [Unicode.Scalar]
        var i = 0
        var line = 1

        init(_ scalars: [Unicode.Scalar]) { s = scalars }

        var atEnd: Bool { i >= s.count }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? { i + offset < s.count ? s[i + offset] : nil }

        mutating func advance() {
            if s[i] == "\n" { line += 1 }
            i += 1
        }

        mutating func skipBlanks() {
            while let c = peek(), c == " " || c == "\t" { advance() }
        }

        mutating func skipToLineEnd() {
            while let c = peek(), c != "\n" { advance() }
        }

        static func startsKey(_ c: Unicode.Scalar) -> Bool {
            ("a"..."z").contains(c) || ("A"..."Z").contains(c) || ("0"..."9").contains(c) || c == "_" || c == "-"
                || c == "\"" || c == "'"
        }

        func fail(_ message: String) -> Problem { Problem(line: line, message: message) }

        mutating func run() throws(Problem) {
            while !atEnd {
                let c = s[i]
                if HeaderPrecheck.isUnicodeBlank(c) {
                    throw fail("a Unicode blank (U+\(String(c.value, radix: 16, uppercase: true))) where only spaces and tabs may be")
                } else if c == " " || c == "\t" || c == "\n" || c == "\r" {
                    advance()
                } else if c == "#" {
                    skipToLineEnd()
                } else if c == "[" {
                    let headerLine = line
                    advance()
                    skipBlanks()
                    if peek() == "[" {
                        advance()
                        skipBlanks()
                    }
                    guard let first = peek(), Self.startsKey(first) || first == "]" else {
                        throw Problem(line: headerLine, message: "a table header must start with a key: [name]")
                    }
                    skipToLineEnd()
                } else {
                    try keyValue()
                }
            }
        }

        /// `key = value`: the key up to `=` (quoted parts may hold anything but a line break), then the value.
        mutating func keyValue() throws(Problem) {
            while let c = peek(), c != "=" {
                if c == "\n" { return }
                if HeaderPrecheck.isUnicodeBlank(c) { throw fail("a Unicode blank in a key") }
                if c == "\"" || c == "'" { singleLineString(c) } else { advance() }
            }
            guard !atEnd else { return }
            advance()
            try value()
        }

        /// After `=`: a value must follow on the same line.
        mutating func valueStart() throws(Problem) {
            skipBlanks()
            guard let c = peek(), !"\r\n]},#".unicodeScalars.contains(c), !HeaderPrecheck.isUnicodeBlank(c) else {
                throw fail("a value is missing after '='")
            }
        }

        /// After `[` or `,` in an array: blank lines and comments, then an element or the end.
        mutating func elementStart() throws(Problem) {
            while let c = peek() {
                if c == " " || c == "\t" || c == "\n" || c == "\r" {
                    advance()
                } else if c == "#" {
                    skipToLineEnd()
                } else {
                    break
                }
            }
            if let c = peek(), c == "}" || HeaderPrecheck.isUnicodeBlank(c) { throw fail("an array element is missing") }
        }

        /// A value up to the end of its line, following arrays, inline tables and strings across lines.
        mutating func value() throws(Problem) {
            try valueStart()
            var open: [Unicode.Scalar] = []
            while let c = peek() {
                if HeaderPrecheck.isUnicodeBlank(c) { throw fail("a Unicode blank where only spaces and tabs may be") }
                switch c {
                case "\n":
                    if open.isEmpty { return }
                    advance()
                case "#":
                    skipToLineEnd()
                case "[":
                    open.append(c)
                    advance()
                    try elementStart()
                case "{":
                    open.append(c)
                    advance()
                case "]", "}":
                    if !open.isEmpty { open.removeLast() }
                    advance()
                case ",":
                    advance()
                    if open.last == "[" { try elementStart() }
                case "=":
                    advance()
                    try valueStart()
                case "\"", "'":
                    if peek(1) == c && peek(2) == c { multiLineString(c) } else { singleLineString(c) }
                default:
                    advance()
                }
            }
        }

        mutating func singleLineString(_ quote: Unicode.Scalar) {
            advance()
            while let c = peek(), c != "\n" {
                advance()
                if c == "\\" && quote == "\"" {
                    if peek() != nil && peek() != "\n" { advance() }
                } else if c == quote {
                    return
                }
            }
        }

        mutating func multiLineString(_ quote: Unicode.Scalar) {
            advance(); advance(); advance()
            while let c = peek() {
                if c == "\\" && quote == "\"" {
                    advance()
                    if !atEnd { advance() }
                } else if c == quote && peek(1) == quote && peek(2) == quote {
                    advance(); advance(); advance()
                    // Up to two more quotes may end the content ("""a""""" is valid).
                    while peek() == quote { advance() }
                    return
                } else {
                    advance()
                }
            }
        }
    }
}
