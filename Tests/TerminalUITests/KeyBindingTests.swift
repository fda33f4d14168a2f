import Engine
import Testing

@testable import TerminalUI

/// Keys from the config file act as the built-in keys of their actions on the main screen only.
@Suite struct KeyBindingTests {
    @Test func aBoundKeyActsOnTheMainScreenButTypesInPrompts() {
        var app = AppCore(size: Size(width: 100, height: 30))
        app.ingest(SwarmUpdate(rows: Fixtures.rows, detail: nil), at: .zero)
        app.keyBindings = [.character("x"): .character("p"), .control("r"): .character("r")]
        #expect(app.handle("x") == [.pause(Fixtures.debian.id)])
        #expect(app.handle(.control("r")) == [.recheck(Fixtures.debian.id)])
        _ = app.handle("/")
        _ = app.handle("x")
        guard case .prompt(let prompt) = app.state.mode else {
            Issue.record("the filter prompt should be open")
            return
        }
        #expect(prompt.text == "x")
    }
}
