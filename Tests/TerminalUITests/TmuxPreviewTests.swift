import Foundation
import Testing

/// Drives the real binary's curses path (`swarm ui-preview`) under tmux: keys, tabs, resize, pause, quit,
/// an unknown TERM and a broken theme. Skipped when tmux or the binary is missing.
@Suite(.serialized, .enabled(if: Tmux.available && Tmux.binary != nil)) struct TmuxPreviewTests {
    @Test func keysTabsResizeAndQuit() throws {
        let tmux = try Tmux(command: "\(Tmux.binary!) ui-preview", term: "tmux-256color")
        defer { tmux.stop() }
        try tmux.waitFor("Downloading")
        tmux.send("Down", "Tab")
        try tmux.waitFor("have ")
        #expect(tmux.screen().contains("Pieces"))
        tmux.send("p")
        try tmux.waitFor("Paused")
        tmux.resize(width: 80, height: 24)
        try tmux.waitFor { $0.split(separator: "\n").first.map { !$0.contains("│ seeding") } ?? false }
        tmux.resize(width: 30, height: 6)
        try tmux.waitFor("too small")
        tmux.resize(width: 120, height: 40)
        tmux.send("?")
        try tmux.waitFor("Peer flags")
        tmux.send("Escape", "q")
        try tmux.waitFor("Quit?")
        tmux.send("y")
        #expect(try tmux.exitStatus() == 0)
    }

    /// SIGTERM ends the UI the orderly way (terminal restored, exit 0) instead of killing it mid-draw.
    @Test func sigtermQuitsCleanly() throws {
        let command = "sh -c '(sleep 2; kill -TERM $$) & exec \(Tmux.binary!) ui-preview'"
        let tmux = try Tmux(command: command, term: "tmux-256color")
        defer { tmux.stop() }
        try tmux.waitFor("Downloading")
        #expect(try tmux.exitStatus(seconds: 15) == 0)
    }

    @Test func unknownTerminalIsAClearError() throws {
        let tmux = try Tmux(command: "\(Tmux.binary!) ui-preview 2>&1", term: "no-such-terminal")
        defer { tmux.stop() }
        try tmux.waitFor("Unknown terminal type TERM=no-such-terminal")
        #expect(try tmux.exitStatus() != 0)
    }

    @Test(arguments: ["screen", "vt100", "linux"]) func fewColorsStillDraw(term: String) throws {
        let tmux = try Tmux(command: "\(Tmux.binary!) ui-preview", term: term)
        defer { tmux.stop() }
        try tmux.waitFor("Downloading")
        tmux.send("q", "y")
        #expect(try tmux.exitStatus() == 0)
    }

    @Test func brokenThemeNamesFileAndLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("broken-\(UUID()).theme")
        try "base = dark\nselection = sparkly\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let tmux = try Tmux(command: "\(Tmux.binary!) ui-preview --theme \(file.path) 2>&1", term: "tmux-256color")
        defer { tmux.stop() }
        try tmux.waitFor(":2: selection: unknown color `sparkly`")
    }
}

/// One tmux server on a private socket running one command, per SWIFT-NOTES.md.
struct Tmux {
    struct Timeout: Error, CustomStringConvertible {
        var description: String
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") }

    static var binary: String? {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/debug/swarm").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    let socket = "swarm-ui-\(UUID().uuidString.prefix(8))"
    let statusFile = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-ui-\(UUID()).status")

    init(command: String, term: String, width: Int = 120, height: Int = 40) throws {
        run(["new-session", "-d", "-s", "app", "-x", "\(width)", "-y", "\(height)",
            "env TERM=\(term) LANG=C.UTF-8 \(command); echo $? > \(statusFile.path); sleep 60"], capture: false)
        run(["set-option", "-t", "app", "remain-on-exit", "on"])  // and the command sleeps after exiting, so fast exits stay readable
    }

    /// Runs tmux through the shell with `popen`: Foundation's `Process` left tmux clients unreaped here.
    @discardableResult
    func run(_ arguments: [String], capture: Bool = true) -> String {
        let words = ["/usr/bin/tmux", "-L", socket, "-f", "/dev/null"] + arguments
        // The server forks from the first call and would hold a captured stdout open: no capture then.
        let command = words.map(Self.shellQuoted).joined(separator: " ") + (capture ? " 2>/dev/null" : " >/dev/null 2>&1")
        guard let pipe = popen(command, "r") else { return "" }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = fread(&chunk, 1, chunk.count, pipe)
            if n <= 0 { break }
            output += chunk[0..<n]
        }
        pclose(pipe)
        return String(decoding: output, as: UTF8.self)
    }

    static func shellQuoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    func send(_ keys: String...) { run(["send-keys", "-t", "app"] + keys) }
    func resize(width: Int, height: Int) { run(["resize-window", "-t", "app", "-x", "\(width)", "-y", "\(height)"]) }
    func screen() -> String { run(["capture-pane", "-p", "-t", "app"]) }

    func waitFor(_ text: String, seconds: Double = 10) throws {
        try waitFor(seconds: seconds, what: text) { $0.contains(text) }
    }

    func waitFor(seconds: Double = 10, what: String = "condition", _ condition: (String) -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(screen()) { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Timeout(description: "waited \(seconds)s for \(what); screen:\n\(screen())")
    }

    func exitStatus(seconds: Double = 10) throws -> Int {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let text = try? String(contentsOf: statusFile, encoding: .utf8),
                let status = Int(text.trimmingCharacters(in: .whitespacesAndNewlines))
            {
                return status
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Timeout(description: "no exit status after \(seconds)s; screen:\n\(screen())")
    }

    func stop() {
        run(["kill-server"])
        try? FileManager.default.removeItem(at: statusFile)
    }
}
