import Foundation
import Testing

/// `swarm demo` end to end under tmux: the real engine, the built-in loopback swarm and the curses UI.
@Suite(.serialized, .enabled(if: Tmux.available && Tmux.binary != nil)) struct TmuxDemoTests {
    /// The percentage in the demo torrent's row, or nil when the row is not on screen.
    private func progress(_ screen: String) -> Int? {
        guard let row = screen.split(separator: "\n").first(where: { $0.contains("Swarm demo") && $0.contains("%") })
        else { return nil }
        let words = row.split(separator: " ")
        return words.lazy.compactMap { $0.hasSuffix("%") ? Int($0.dropLast()) : nil }.first
    }

    @Test func progressRisesPauseStopsItAndQuitCleansUp() throws {
        let before = Set((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
            .filter { $0.hasPrefix("swarm-demo-") }
        let tmux = try Tmux(command: "\(Tmux.binary!) demo --size 64", term: "tmux-256color")
        defer { tmux.stop() }
        try tmux.waitFor("Downloading", seconds: 30)
        var first = 0
        try tmux.waitFor(seconds: 20, what: "some progress") { screen in
            first = progress(screen) ?? 0
            return first > 0
        }
        try tmux.waitFor(seconds: 20, what: "progress rising past \(first)%") { (progress($0) ?? 0) > first }

        tmux.send("p")
        try tmux.waitFor("Paused")
        let paused = progress(tmux.screen()) ?? -1
        Thread.sleep(forTimeInterval: 2)
        let row = tmux.screen().split(separator: "\n").first { $0.contains("Swarm demo") } ?? ""
        #expect(row.contains("Paused"))
        #expect(progress(tmux.screen()) == paused, "nothing is downloaded while paused")

        tmux.send("p")
        try tmux.waitFor(seconds: 30, what: "the download resumed and finished") { $0.contains("100%") }
        tmux.send("q")
        if tmux.screen().contains("Quit?") || (try? tmux.waitFor("Quit?", seconds: 2)) != nil { tmux.send("y") }
        #expect(try tmux.exitStatus(seconds: 30) == 0)
        let after = Set((try? FileManager.default.contentsOfDirectory(atPath: NSTemporaryDirectory())) ?? [])
            .filter { $0.hasPrefix("swarm-demo-") }
        #expect(after.subtracting(before).isEmpty, "the demo removed its temporary folder")
    }
}
