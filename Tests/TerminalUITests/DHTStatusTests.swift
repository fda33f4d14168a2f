import Engine
import Testing

@testable import TerminalUI

@Suite struct DHTStatusTests {
    @Test func healthReadsAsWords() {
        #expect(DHTHealth(nodes: 1, lookupsRunning: 0, lookupsDone: 3, peersFound: 1).text == "DHT 1 node, 1 peer")
        #expect(DHTHealth(nodes: 42, lookupsRunning: 2, lookupsDone: 9, peersFound: 17).text
            == "DHT 42 nodes, 2 lookups, 17 peers")
    }

    @Test func statusBarShowsTheDHTOnlyWhenItRuns() {
        var model = UIModel()
        let state = UIState(size: Size(width: 100, height: 30))
        #expect(!StatusBarView.rightText(model, state: state).contains("DHT"))
        model.summary.dht = DHTHealth(nodes: 8, lookupsRunning: 1, lookupsDone: 0, peersFound: 0)
        #expect(StatusBarView.rightText(model, state: state).hasPrefix("DHT 8 nodes, 1 lookup, 0 peers"))
        var buffer = ScreenBuffer(size: Size(width: 100, height: 1))
        StatusBarView.draw(model, state: state, into: &buffer, rect: Rect(x: 0, y: 0, width: 100, height: 1))
        #expect(buffer.text.contains("DHT 8 nodes, 1 lookup"))
    }
}

@Suite struct RestoreHeaderTests {
    private func header(_ summary: SessionSummary) -> String {
        var buffer = ScreenBuffer(size: Size(width: 120, height: 1))
        let state = UIState(size: Size(width: 120, height: 30))
        HeaderView.draw([], summary: summary, state: state, into: &buffer, rect: Rect(x: 0, y: 0, width: 120, height: 1))
        return buffer.text
    }

    @Test func headerSaysLoadingOnlyWhileTheDaemonRestores() {
        var summary = SessionSummary()
        // ("downloading" on the right names a list view, so look for the mark after the title.)
        #expect(!header(summary).contains("Swarm   loading"))
        summary.restoring = RestoreProgress(listed: 3200, total: 10000)
        #expect(header(summary).contains("Swarm   loading 3200/10000   ▼ 0 B/s"))
        summary.restoring = nil
        #expect(!header(summary).contains("Swarm   loading"))
    }
}
