/// Turns path components from a torrent into names that are safe on a POSIX file system.
///
/// Components that would escape the download directory (`..`, absolute paths) are rejected by the
/// metainfo parser before they get here; this only makes the remaining names writable: no separators,
/// no control characters, no NUL, and at most 255 bytes (keeping the extension).
public enum PathSanitizer {
    public static let maxComponentBytes = 255

    public static func sanitize(component: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in component.unicodeScalars {
            switch scalar.value {
            case 0..<0x20, 0x7f, 0x80..<0xa0, UInt32(UInt8(ascii: "/")), UInt32(UInt8(ascii: "\\")):
                scalars.append("_")
            default:
                scalars.append(scalar)
            }
        }
        var name = String(scalars)
        if name == "." || name == ".." { name = "_" }
        if name.utf8.count > maxComponentBytes { name = truncate(name) }
        return name
    }

    /// Cuts a name to the byte limit on a Unicode scalar boundary, keeping a short extension.
    ///
    /// Works on scalars rather than characters: a single grapheme cluster can be longer than the limit
    /// (a letter followed by hundreds of combining marks), and must neither empty the name nor stall the loop.
    private static func truncate(_ name: String) -> String {
        func byteCount(_ s: some Sequence<Unicode.Scalar>) -> Int { s.reduce(0) { $0 + UTF8.width($1) } }
        var stem = Array(name.unicodeScalars)
        var ext: [Unicode.Scalar] = []
        if let dot = stem.lastIndex(of: "."), dot > 0, byteCount(stem[dot...]) <= 16 {
            ext = Array(stem[dot...])
            stem.removeSubrange(dot...)
        }
        var total = byteCount(stem) + byteCount(ext)
        while total > maxComponentBytes, let last = stem.popLast() {
            total -= UTF8.width(last)
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: stem + ext)
        return String(result)
    }
}
