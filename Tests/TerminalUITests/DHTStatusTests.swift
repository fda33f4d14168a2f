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
