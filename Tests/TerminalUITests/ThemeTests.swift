import Foundation
import Testing

@testable import TerminalUI

@Suite struct ThemeTests {
    static let themesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Themes")

    @Test func builtInCopiesMatchTheThemeFiles() throws {
        for (name, text) in BuiltInThemes.all {
            let file = try String(contentsOf: Self.themesFolder.appendingPathComponent(name + ".theme"), encoding: .utf8)
            #expect(file == text + "\n", "Themes/\(name).theme and BuiltInThemes.\(name) differ: copy the file over")
        }
    }

    @Test func everyBuiltInThemeSetsEveryRole() throws {
        let locator = ThemeLocator(directories: [])
        for (name, _) in BuiltInThemes.all {
            let theme = try locator.load(name)
            let missing = ColorRole.allCases.filter { theme.styles[$0] == nil }
            #expect(missing.isEmpty, "\(name) leaves out \(missing)")
        }
    }

    @Test func roleCodesAreUnique() {
        #expect(Set(ColorRole.allCases.map(\.code)).count == ColorRole.allCases.count)
    }

    @Test func stylesParse() throws {
        #expect(try ThemeParser.style("bold red on 24") == RoleStyle(foreground: .palette(1), background: .palette(24),
            attributes: .bold))
        #expect(try ThemeParser.style("reverse") == RoleStyle(attributes: .reverse))
        #expect(try ThemeParser.style("on bright-blue") == RoleStyle(background: .palette(12)))
        #expect(try ThemeParser.style("#ff0000") == RoleStyle(foreground: .palette(196)))
    }

    @Test(arguments: [
        ("title = bold", nil),
        ("title bold", "t.theme:1: expected `role = style`, found `title bold`"),
        ("\n\ntitel = red", "t.theme:3: unknown role `titel`; roles are: normal, dim"),
        ("title = purpel", "t.theme:1: title: unknown color `purpel`"),
        ("title = 256", "t.theme:1: title: color 256 is outside 0-255"),
        ("title = red blue", "t.theme:1: title: unexpected `blue` (attributes come first)"),
        ("title = red on", "t.theme:1: title: `on` needs a background color"),
        ("title = #12345", "t.theme:1: title: `#12345` is not a #rrggbb color"),
        ("title =", "t.theme:1: title: no style given"),
        ("title = red\ntitle = blue", "t.theme:2: role `title` already set on line 1"),
        ("title = red\nbase = dark", "t.theme:2: `base` must come before any role"),
        ("base = nosuch", "t.theme:1: unknown base theme `nosuch`"),
    ] as [(String, String?)])
    func parserErrorsNameFileLineAndProblem(text: String, expected: String?) {
        let base: (String) throws -> Theme = { name in
            guard name == "dark" else { throw ThemeParser.UnknownBase(name: name) }
            return Theme(name: "dark")
        }
        do {
            _ = try ThemeParser.parse(text, name: "t", file: "t.theme", base: base)
            #expect(expected == nil)
        } catch let error as ThemeError {
            #expect(expected != nil && error.description.hasPrefix(expected!), "\(error)")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func userThemeOverridesSingleRolesOfItsBase() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-themes-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "base = dark\nselection = reverse  # mine\n".write(to: folder.appendingPathComponent("mine.theme"),
            atomically: true, encoding: .utf8)
        try "base = loop2\n".write(to: folder.appendingPathComponent("loop1.theme"), atomically: true, encoding: .utf8)
        try "base = loop1\n".write(to: folder.appendingPathComponent("loop2.theme"), atomically: true, encoding: .utf8)
        try "title = bold\nerror = blinking red\n".write(to: folder.appendingPathComponent("broken.theme"),
            atomically: true, encoding: .utf8)
        let locator = ThemeLocator(directories: [folder])
        let dark = try locator.load("dark")
        let mine = try locator.load("mine")
        #expect(mine.style(.selection) == RoleStyle(attributes: .reverse))
        #expect(mine.style(.title) == dark.style(.title))
        #expect(locator.availableNames().contains("mine"))
        #expect(throws: ThemeError.self) { try locator.load("loop1") }
        do {
            _ = try locator.load("broken")
            Issue.record("a broken theme loaded")
        } catch let error as ThemeError {
            #expect(error.description == folder.appendingPathComponent("broken.theme").path
                + ":2: error: unknown color `blinking`; use a name (black, red, green, yellow, blue, magenta, cyan, "
                + "white, bright-black, bright-red, bright-green, bright-yellow, bright-blue, bright-magenta, "
                + "bright-cyan, bright-white), default, 0-255 or #rrggbb")
        }
        let overridden = try dark.overriding(["error": "bold underline 160"], source: "--theme-role")
        #expect(overridden.style(.error).attributes == [.bold, .underline])
        #expect(throws: ThemeError.self) { try dark.overriding(["nope": "red"], source: "config") }
    }

    @Test func colorsDowngradeToWhatTheTerminalHas() {
        #expect(Palette.downgrade(.palette(196), colors: 256) == .palette(196))
        #expect(Palette.downgrade(.palette(196), colors: 16) == .palette(9))
        #expect(Palette.downgrade(.palette(196), colors: 8) == .palette(1))
        #expect(Palette.downgrade(.palette(12), colors: 8) == .palette(4))
        #expect(Palette.downgrade(.palette(8), colors: 8) == .palette(7))
        #expect(Palette.downgrade(.terminalDefault, colors: 8) == .terminalDefault)
    }

    /// The main screen's roles resolved by each theme: a change to a theme file shows up here.
    @Test(arguments: ["dark", "light", "16color"])
    func themedScreens(name: String) throws {
        let theme = try ThemeLocator(directories: []).load(name)
        let buffer = Fixtures.app(width: 100, height: 24).render()
        let used = Set(buffer.cells.map(\.role))
        let legend = ColorRole.allCases.filter(used.contains).map { role in
            "\(role.code) \(role.rawValue) = \(describe(theme.style(role)))"
                + " | 16: \(describe(theme.style(role), colors: 16)) | 8: \(describe(theme.style(role), colors: 8))"
        }
        assertSnapshot(buffer, named: "theme-\(name)", extra: legend.joined(separator: "\n"))
    }

    private func describe(_ style: RoleStyle, colors: Int = 256) -> String {
        let attributes = TextAttributes.names.filter { style.attributes.contains($0.1) }.map(\.0)
        func color(_ c: ThemeColor) -> String {
            switch Palette.downgrade(c, colors: colors) {
            case .terminalDefault: "default"
            case .palette(let i): String(i)
            }
        }
        return (attributes + [color(style.foreground), "on", color(style.background)]).joined(separator: " ")
    }
}
