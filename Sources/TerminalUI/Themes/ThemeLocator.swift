import Foundation

/// Finds theme files wherever the binary runs from: the user's config folder, a `Themes` folder next to
/// the executable or above it (a package checkout running `.build/debug/swarm`), then the built-in copies.
public struct ThemeLocator: Sendable {
    /// Folders searched for `NAME.theme`, first match wins.
    public var directories: [URL]

    public init(directories: [URL]) {
        self.directories = directories
    }

    /// The usual search path for the running executable.
    public static func standard(environment: [String: String] = ProcessInfo.processInfo.environment) -> ThemeLocator {
        var directories: [URL] = []
        if let config = environment["XDG_CONFIG_HOME"], !config.isEmpty {
            directories.append(URL(fileURLWithPath: config).appendingPathComponent("swarm/themes"))
        } else if let home = environment["HOME"], !home.isEmpty {
            directories.append(URL(fileURLWithPath: home).appendingPathComponent(".config/swarm/themes"))
        }
        var folder = executableURL().deletingLastPathComponent()
        directories.append(folder.appendingPathComponent("Themes"))
        directories.append(folder.appendingPathComponent("../share/swarm/Themes").standardizedFileURL)
        for _ in 0..<4 {
            folder = folder.deletingLastPathComponent()
            directories.append(folder.appendingPathComponent("Themes"))
        }
        return ThemeLocator(directories: directories)
    }

    /// The running binary, symlinks resolved.
    static func executableURL() -> URL {
        let proc = URL(fileURLWithPath: "/proc/self/exe")
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: proc.path) {
            return URL(fileURLWithPath: target)
        }
        if let url = Bundle.main.executableURL { return url.resolvingSymlinksInPath() }
        return URL(fileURLWithPath: CommandLine.arguments.first ?? ".").standardizedFileURL
    }

    /// Loads a theme by name (`dark`) or path (`~/my.theme`, anything with a `/` or ending in `.theme`).
    /// A file found on disk wins over the built-in theme of the same name.
    public func load(_ nameOrPath: String) throws -> Theme {
        try load(nameOrPath, visiting: [])
    }

    private func load(_ nameOrPath: String, visiting: [String]) throws -> Theme {
        let isPath = nameOrPath.contains("/") || nameOrPath.hasSuffix(".theme")
        let name = isPath ? URL(fileURLWithPath: nameOrPath).deletingPathExtension().lastPathComponent : nameOrPath
        guard !visiting.contains(name) else {
            throw ThemeError(file: nameOrPath, line: 0,
                problem: "themes use each other as base in a loop: " + (visiting + [name]).joined(separator: " → "))
        }
        let base: (String) throws -> Theme = { try self.load($0, visiting: visiting + [name]) }
        if let url = isPath ? URL(fileURLWithPath: expandTilde(nameOrPath)) : find(name) {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw ThemeError(file: url.path, line: 0, problem: "cannot read the theme file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw ThemeError(file: url.path, line: 0, problem: "the theme file is not UTF-8 text")
            }
            return try ThemeParser.parse(text, name: name, file: url.path, base: base)
        }
        if let builtIn = BuiltInThemes.all.first(where: { $0.name == name }) {
            return try ThemeParser.parse(builtIn.text, name: name, file: "(built-in \(name).theme)", base: base)
        }
        throw ThemeError(file: nameOrPath, line: 0,
            problem: "no such theme; built-in themes are " + BuiltInThemes.all.map(\.name).joined(separator: ", ")
                + "; searched " + directories.map(\.path).joined(separator: ", "))
    }

    /// The first `NAME.theme` in the search folders.
    public func find(_ name: String) -> URL? {
        for directory in directories {
            let url = directory.appendingPathComponent(name + ".theme")
            if FileManager.default.isReadableFile(atPath: url.path) { return url }
        }
        return nil
    }

    /// Names of every theme available: built-in and on disk.
    public func availableNames() -> [String] {
        var names = Set(BuiltInThemes.all.map(\.name))
        for directory in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            for file in files where file.hasSuffix(".theme") { names.insert(String(file.dropLast(6))) }
        }
        return names.sorted()
    }

    /// The default for a terminal with `colors` colors.
    public static func defaultName(colors: Int) -> String { colors >= 256 ? "dark" : "16color" }

    private func expandTilde(_ path: String) -> String {
        guard path.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] else { return path }
        return home + path.dropFirst()
    }
}
