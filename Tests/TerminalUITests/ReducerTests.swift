import Engine
import Testing

@testable import TerminalUI

/// Keys to commands, and a reason in the status bar for every key that cannot act.
@Suite struct ReducerTests {
    func app(_ rows: [TorrentRow] = Fixtures.rows) -> AppCore {
        var app = AppCore(size: Size(width: 100, height: 30))
        app.ingest(SwarmUpdate(rows: rows, detail: nil), at: .zero)
        return app
    }

    @Test func pauseResumesWhatIsPausedAndPausesTheRest() {
        var app = app()
        #expect(app.handle("p") == [.pause(Fixtures.debian.id)])
        _ = app.handle(.down)
        _ = app.handle(.down)
        _ = app.handle(.down)
        #expect(app.handle("p") == [.resume(Fixtures.arch.id)])
        _ = app.handle(.down)
        #expect(app.handle("p") == [.resume(Fixtures.broken.id)])
    }

    @Test func priorityStopsAtTheEnds() {
        var app = app()
        #expect(app.handle("+") == [.setPriority(Fixtures.debian.id, .high)])
        _ = app.handle(.down)
        #expect(app.handle("+") == [])
        #expect(app.state.status?.text.contains("already at high priority") == true)
        #expect(app.handle("-") == [.setPriority(Fixtures.unicode.id, .normal)])
    }

    @Test func filePriorityInTheFilesTab() {
        var app = Fixtures.app()
        _ = app.handle(.tab)
        _ = app.handle(.tab)
        _ = app.handle(.enter)
        #expect(app.state.focus == .detail)
        _ = app.handle(.down)
        #expect(app.handle("+") == [.setFilePriority(Fixtures.unicode.id, fileIndex: 1, .high)])
        _ = app.handle(.down)
        #expect(app.handle("-") == [])
        #expect(app.state.status?.text.contains("already at skip priority") == true)
    }

    @Test func keysThatCannotActSayWhy() {
        var empty = app([])
        for key: Key in ["p", "d", "D", "r", "+", .down, .enter] {
            #expect(empty.handle(key) == [])
            #expect(empty.state.status?.isError == true, "\(key) said nothing")
            #expect(empty.state.mode == .normal)
        }
        var app = app()
        _ = app.handle("x")
        #expect(app.state.status?.text == "'x' does nothing here. Press ? for the keys.")
        _ = app.handle(.escape)
        #expect(app.state.status?.text.hasPrefix("Nothing to cancel") == true)
        _ = app.handle(.down)
        _ = app.handle(.down)
        _ = app.handle(.end)
        _ = app.handle(.up)
        #expect(app.handle("r") == [.recheck(Fixtures.arch.id)])
        var short = AppCore(size: Size(width: 80, height: 12))
        short.ingest(SwarmUpdate(rows: Fixtures.rows), at: .zero)
        _ = short.handle(.tab)
        #expect(short.state.status?.text.contains("too short") == true)
    }

    @Test func removingAsksAndCanBeCancelled() {
        var app = app()
        #expect(app.handle("d") == [])
        guard case .confirm(let question) = app.state.mode else {
            Issue.record("no question")
            return
        }
        #expect(!question.isDangerous)
        #expect(app.handle("n") == [])
        #expect(app.state.status?.text.hasPrefix("Cancelled") == true)
        _ = app.handle("d")
        #expect(app.handle("y") == [.remove(Fixtures.debian.id, deleteData: false)])
    }

    @Test func quitAsksOnlyWhileTransfersRun() {
        var busy = app()
        #expect(busy.handle("q") == [])
        #expect(busy.handle(.control("c")) == [.quit])
        var idle = app([Fixtures.arch])
        #expect(idle.handle("q") == [.quit])
    }

    @Test func attachedUIDetachesOrAsksWhetherToStopTheEngine() {
        var attached = AppCore(size: Size(width: 100, height: 30), isAttached: true)
        attached.ingest(SwarmUpdate(rows: [Fixtures.arch], detail: nil), at: .zero)
        #expect(attached.handle("Q") == [.detach])
        #expect(attached.handle(.control("c")) == [.detach], "Ctrl-C never stops a daemon's transfers")
        #expect(attached.handle("q") == [], "q asks even when nothing transfers")
        guard case .confirm(let question) = attached.state.mode else {
            Issue.record("no question")
            return
        }
        #expect(question.question.contains("Stop the engine too?"))
        #expect(attached.handle("n") == [.detach])
        _ = attached.handle("q")
        #expect(attached.handle(.escape) == [])
        #expect(attached.state.mode == .normal)
        _ = attached.handle("q")
        #expect(attached.handle("y") == [.quit])

        var local = app()
        #expect(local.handle("Q") == [])
        #expect(local.state.status?.text.contains("q quits") == true)
    }

    @Test func selectionFollowsTheTorrentAcrossResorts() {
        var app = app()
        _ = app.handle(.down)
        _ = app.handle("s")
        _ = app.handle("s")
        #expect(app.state.selectedID == Fixtures.unicode.id)
        #expect(app.model.visible.first?.id == Fixtures.unicode.id)
        _ = app.handle("/")
        _ = app.handle("z")
        #expect(app.model.visible.isEmpty)
        _ = app.handle(.escape)
        #expect(app.model.visible.count == 5)
    }

    @Test func mouseSelectsRowsTabsAndViews() {
        var app = Fixtures.app()
        _ = app.handle(.click(x: 10, y: 5))
        #expect(app.state.selectedID == Fixtures.bunny.id)
        let layout = Layout(size: app.state.size, rowCount: app.model.visible.count)
        let (tab, range) = TabBarView.hitRanges()[2]
        _ = app.handle(.click(x: range.lowerBound, y: layout.tabBar!.y))
        #expect(app.state.tab == tab)
        let (view, viewRange) = HeaderView.viewHitRanges(width: 120)[2]
        _ = app.handle(.click(x: viewRange.upperBound - 1, y: 0))
        #expect(app.state.view == view)
    }

    @Test func pagingKeepsTheSelectionOnScreen() {
        let many = (1...200).map {
            TorrentRow(id: TorrentID("t\($0)"), name: "torrent \($0)", number: $0, size: 100, bytesDone: 0, state: .queued)
        }
        var app = app(many)
        _ = app.handle(.pageDown)
        _ = app.handle(.pageDown)
        let layout = Layout(size: app.state.size, rowCount: 200)
        let index = app.model.visible.firstIndex { $0.id == app.state.selectedID }!
        #expect(index >= app.state.listTop && index < app.state.listTop + layout.listRows)
        _ = app.handle(.end)
        #expect(app.state.selectedID == TorrentID("t200"))
        #expect(app.state.listTop == 200 - layout.listRows)
        _ = app.handle(.resize(Size(width: 100, height: 50)))
        #expect(app.state.listTop == 200 - Layout(size: app.state.size, rowCount: 200).listRows)
    }
}
