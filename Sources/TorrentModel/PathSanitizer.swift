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

    /// Cuts a name to the byte limit on a character boundary, keeping a short extension.
    private static func truncate(_ name: String) -> String {
        var ext = ""
        if let dot = name.lastIndex(of: "."), name.distance(from: dot, to: name.endIndex) <= 16 {
            ext = String(name[dot...])
        }
        var stem = name.dropLast(ext.count)
        while stem.utf8.count + ext.utf8.count > maxComponentBytes { stem = stem.dropLast() }
        return String(stem) + ext
    }
}
