/// Text from a torrent or a peer is untrusted: printed raw, an ESC or CSI byte would let it move the
/// cursor, retitle the window or rewrite earlier lines. `terminalSafe` replaces every C0 control
/// (including tab and newline), DEL, every C1 control, and the bidirectional override and isolate
/// marks (which can make a name read backwards) with `?`.
extension String {
    public var terminalSafe: String {
        guard unicodeScalars.contains(where: TerminalSafe.isUnsafe) else { return self }
        var out = String.UnicodeScalarView()
        for scalar in unicodeScalars {
            out.append(TerminalSafe.isUnsafe(scalar) ? "?" : scalar)
        }
        return String(out)
    }
}

public enum TerminalSafe {
    /// True for scalars that `String.terminalSafe` replaces.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x20, 0x7f, 0x80..<0xa0: true
        case 0x202a...0x202e, 0x2066...0x2069: true
        default: false
        }
    }
}
