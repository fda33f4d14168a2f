/// Where each key of a TOML document is written, by its full dotted path (`limits.download`): TOML
/// parsers report lines for syntax errors only, and a bad value should name its line too.
///
/// A light scan, run only on text the TOML parser accepted: table headers set the current prefix,
/// `key = value` lines add the prefix plus the (possibly dotted, possibly quoted) key; multi-line strings
/// are skipped. Keys inside inline tables are found through their parent (`line(of:)` walks up).
struct KeyLineIndex {
    private var lines: [[String]: Int] = [:]

    init(text: String) {
        var prefix: [String] = []
        var openString: String?
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = Substring(raw)
            if let delimiter = openString {
                if Self.count(delimiter, in: line) % 2 == 1 { openString = nil }
                continue
            }
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.hasPrefix("[") {
                let isArray = trimmed.hasPrefix("[[")
                var rest = trimmed.dropFirst(isArray ? 2 : 1)
                if let keys = Self.parseKeys(&rest) {
                    prefix = keys
                    lines[keys] = lines[keys] ?? number + 1
                }
                continue
            }
            var rest = trimmed
            guard let keys = Self.parseKeys(&rest), rest.first == "=" else { continue }
            let full = prefix + keys
            if lines[full] == nil { lines[full] = number + 1 }
            for delimiter in ["\"\"\"", "'''"] where Self.count(delimiter, in: rest) % 2 == 1 {
                openString = delimiter
            }
        }
    }

    /// The 1-based line of the key, or of its nearest enclosing key or table; nil if none is found.
    func line(of path: [String]) -> Int? {
        var path = path
        while !path.isEmpty {
            if let line = lines[path] { return line }
            path.removeLast()
        }
        return nil
    }

    private static func count(_ needle: String, in text: Substring) -> Int {
        var count = 0
        var rest = text
        while let range = rest.firstRange(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }

    /// Reads `a.b."c d"` and the blanks after it; nil if `text` does not start with a key.
    private static func parseKeys(_ text: inout Substring) -> [String]? {
        var keys: [String] = []
        while true {
            text = text.drop(while: { $0 == " " || $0 == "\t" })
            guard let first = text.first else { return nil }
            if first == "\"" || first == "'" {
                text = text.dropFirst()
                var key = ""
                var escaped = false
                while let c = text.first {
                    text = text.dropFirst()
                    if escaped {
                        key.append(c)
                        escaped = false
                    } else if c == "\\" && first == "\"" {
                        escaped = true
                    } else if c == first {
                        break
                    } else {
                        key.append(c)
                    }
                }
                keys.append(key)
            } else {
                let bare = text.prefix(while: { $0.isLetter && $0.isASCII || $0.isASCIIDigit || $0 == "_" || $0 == "-" })
                guard !bare.isEmpty else { return nil }
                keys.append(String(bare))
                text = text.dropFirst(bare.count)
            }
            text = text.drop(while: { $0 == " " || $0 == "\t" })
            guard text.first == "." else { return keys }
            text = text.dropFirst()
        }
    }
}
