extension String {
    /// The string with control characters (C0, DEL, C1) replaced by `?`, so that names from torrents,
    /// peers and trackers can never send escape sequences to a terminal.
    public var terminalSafe: String {
        String(String.UnicodeScalarView(unicodeScalars.map { scalar in
            switch scalar.value {
            case 0..<0x20, 0x7f..<0xa0: "?"
            default: scalar
            }
        }))
    }
}
