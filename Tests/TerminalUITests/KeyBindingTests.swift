import Engine
import Testing

@testable import TerminalUI

/// Rebinding keys from the config, and the help and status bar naming the keys as bound.
@Suite struct KeyBindingTests {
    @Test func standardBindingsMatchTheHelp() {
        let keys = KeyBindings.standard
        #expect(keys.action(for: "p") == .pause)
        #expect(keys.action(for: " ") == .pause)
        #expect(keys.action(for: .down) == .down)
        #expect(keys.label(.pause) == "p Space")
        let help = HelpOverlay.lines(keys)
        #expect(help.contains { $0.hasPrefix("  p Space") && $0.contains("pause or resume") })
    }

    @Test func overrideMovesAKeyAndDropsTheStandardOnes() throws {
        let keys = try KeyBindings(overrides: ["pause": ["x"], "recheck": ["p", "Ctrl-R"]])
        #expect(keys.action(for: "x") == .pause)
        #expect(keys.action(for: " ") == nil)
        #expect(keys.action(for: "p") == .recheck)
        #expect(keys.action(for: .control("r")) == .recheck)
        #expect(keys.action(for: "r") == nil)
        #expect(keys.label(.recheck) == "p Ctrl-R")
    }

    @Test func aKeyTakenFromAnotherActionLeavesIt() throws {
        let keys = try KeyBindings(overrides: ["add": ["d"]])
        #expect(keys.action(for: "d") == .add)
        #expect(keys.keys(for: .remove).isEmpty)
        #expect(!HelpOverlay.lines(keys).contains { $0.contains("remove from the list (asks)") })
    }

    @Test func badBindingsSayWhatIsWrong() {
        #expect(throws: KeyBindingError.unknownAction("explode")) { try KeyBindings(overrides: ["explode": ["x"]]) }
        #expect(throws: KeyBindingError.unknownKey("Hyper-Q", action: "quit")) {
            try KeyBindings(overrides: ["quit": ["Hyper-Q"]])
        }
        #expect(throws: KeyBindingError.noKeys(action: "quit")) { try KeyBindings(overrides: ["quit": []]) }
        #expect(throws: KeyBindingError.conflict(key: "z", first: "add", second: "pause")) {
            try KeyBindings(overrides: ["pause": ["z"], "add": ["z"]])
        }
        // Ctrl-C always quits: it cannot be bound to something else.
        #expect(throws: KeyBindingError.unknownKey("Ctrl-C", action: "pause")) {
            try KeyBindings(overrides: ["pause": ["Ctrl-C"]])
        }
        #expect(Key(name: "\u{1b}") == nil)
    }

    @Test func reboundKeysDriveTheReducerAndTheStatusBar() throws {
        let keys = try KeyBindings(overrides: ["pause": ["P"], "quit": ["x"]])
        var app = AppCore(size: Size(width: 100, height: 30), keys: keys)
        app.ingest(SwarmUpdate(rows: Fixtures.rows, detail: nil), at: .zero)
        #expect(app.handle("P") == [.pause(Fixtures.debian.id)])
        #expect(app.handle("p") == [])
        #expect(app.state.status?.text.contains("does nothing here") == true)
        _ = app.handle(.down)
        let bar = app.render().text.split(separator: "\n", omittingEmptySubsequences: false)[29]
        #expect(bar.contains("P pause") && bar.contains("x quit"), "\(bar)")
        #expect(app.handle("x") == [] && app.state.mode != .normal)  // transfers run: it asks first
    }

    @Test func theRenderBenchmarkRendersEveryFrame() {
        var bench = TerminalUI.RenderBenchmark()
        bench.torrents = 300
        bench.peers = 20
        bench.frames = 30
        let result = bench.run()
        #expect(result.frameTimes.count == 30)
        #expect(result.ingestTimes.count == 12)  // an update every 250 ms over 3 s of 100 ms frames
        #expect(result.changedCells > 30)  // the selection moves every frame
        #expect(result.coreShare > 0)
    }
}
