import Foundation

/// Completion for the add prompt: folders (with a trailing `/`) and `.torrent` files starting with what
/// was typed. `~/` stands for the home folder.
public enum PathCompleter {
    public static func complete(_ typed: String) -> [String] {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? "/"
        let expanded = typed.hasPrefix("~/") ? home + typed.dropFirst() : typed
        let slash = expanded.lastIndex(of: "/")
        let folder = slash.map { String(expanded[...$0]) } ?? ""
        let prefix = slash.map { String(expanded[expanded.index(after: $0)...]) } ?? expanded
        let typedFolder = typed.lastIndex(of: "/").map { String(typed[...$0]) } ?? ""
        let fm = FileManager.default
        let listed = (try? fm.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        var out: [String] = []
        for name in listed.sorted() where name.hasPrefix(prefix) && (prefix.hasPrefix(".") || !name.hasPrefix(".")) {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: folder + name, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                out.append(typedFolder + name + "/")
            } else if name.hasSuffix(".torrent") {
                out.append(typedFolder + name)
            }
        }
        return out
    }
}
