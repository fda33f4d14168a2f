import Testing

@testable import TerminalUI

/// Whole screens, with keys pressed between snapshots.
@Suite struct ScreenSnapshotTests {
    @Test func mainScreenShowsListAndPeers() {
        let app = Fixtures.app()
        assertSnapshot(app.render(), named: "main-120x40")
    }

    @Test func everyTab() {
        var app = Fixtures.app()
        for tab in DetailTab.allCases.dropFirst() {
            _ = app.handle(.tab)
            #expect(app.state.tab == tab)
            assertSnapshot(app.render(), named: "tab-\(tab.rawValue.lowercased())-120x40")
        }
        _ = app.handle(.tab)
        #expect(app.state.tab == .peers)
    }

    @Test func helpOverlay() {
        var app = Fixtures.app()
        _ = app.handle("?")
        assertSnapshot(app.render(), named: "help-120x40")
        _ = app.handle(.escape)
        #expect(app.state.mode == .normal)
    }

    @Test func tinyTerminalShowsAMessage() {
        var app = Fixtures.app()
        _ = app.handle(.resize(Size(width: 30, height: 6)))
        assertSnapshot(app.render(), named: "tiny-30x6")
        _ = app.handle(.resize(Size(width: 3, height: 2)))
        _ = app.render()
    }

    @Test func columnsDropOnNarrowTerminals() {
        var app = Fixtures.app()
        for (width, height) in [(100, 30), (80, 24), (60, 20), (40, 12)] {
            _ = app.handle(.resize(Size(width: width, height: height)))
            assertSnapshot(app.render(), named: "narrow-\(width)x\(height)")
        }
    }

    @Test func wideNamesAreCutByDisplayWidth() {
        var app = AppCore(size: Size(width: 64, height: 12))
        let names = ["数据数据数据数据数据数据数据数据数据数据", "a数据数据数据数据数据数据数据数据数据", "🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬🎬", "e\u{301}te\u{301} café ok"]
        let rows = names.enumerated().map { i, name in
            TorrentRow(id: TorrentID("w\(i)"), name: name, number: i + 1, size: 1 << 30, bytesDone: 1 << 29,
                state: .downloading)
        }
        app.ingest(SwarmUpdate(rows: rows), at: .zero)
        let buffer = app.render()
        assertSnapshot(buffer, named: "wide-names-64x12")
        for y in 0..<buffer.size.height {
            var width = 0
            for x in 0..<buffer.size.width where !buffer[x, y].isContinuation { width += Int(buffer[x, y].width) }
            #expect(width == 64, "row \(y) covers \(width) columns")
        }
    }

    @Test func escapeSequencesNeverReachTheScreen() {
        var app = Fixtures.app()
        _ = app.handle(.end)
        _ = app.handle("/")
        for c in "evil\u{1b}[31m" { _ = app.handle(.character(c)) }
        let screens = [app.render()] + (0..<4).map { _ in
            _ = app.handle(.tab)
            return app.render()
        }
        for screen in screens {
            for cell in screen.cells {
                for scalar in cell.text?.unicodeScalars ?? "".unicodeScalars {
                    #expect(scalar.value >= 0x20 && scalar.value != 0x7f && !(0x80..<0xa0).contains(scalar.value))
                    #expect(!(0x202a...0x202e).contains(scalar.value))
                }
            }
        }
        var selectBroken = Fixtures.app()
        _ = selectBroken.handle(.end)
        assertSnapshot(selectBroken.render(), named: "escape-sequences-120x30-list")
    }

    @Test func sortFilterAndViewsDrivenByKeys() {
        var app = Fixtures.app(width: 100, height: 24)
        _ = app.handle("s")
        _ = app.handle("s")
        #expect(app.state.sort == .size)
        assertSnapshot(app.render(), named: "keys-sorted-by-size")
        _ = app.handle("S")
        _ = app.handle("/")
        for c in "ISO" { _ = app.handle(.character(c)) }
        assertSnapshot(app.render(), named: "keys-filter-typing")
        _ = app.handle(.enter)
        #expect(app.model.visible.map(\.number) == [1, 4])
        _ = app.handle("v")
        _ = app.handle("v")
        _ = app.handle("v")
        #expect(app.state.view == .paused)
        assertSnapshot(app.render(), named: "keys-filter-and-paused-view")
        _ = app.handle(.escape)
        _ = app.handle("1")
        #expect(app.model.visible.count == 5)
    }

    @Test func questionsAndPrompts() {
        var app = Fixtures.app(width: 100, height: 24)
        _ = app.handle("D")
        assertSnapshot(app.render(), named: "confirm-delete-data")
        #expect(app.handle("y") == [.remove(Fixtures.unicode.id, deleteData: true)])
        _ = app.handle("a")
        for c in "/data/t" { _ = app.handle(.character(c)) }
        _ = app.handle(.tab)
        assertSnapshot(app.render(), named: "add-prompt-completion")
        _ = app.handle("v")
        _ = app.handle(".")
        _ = app.handle(.tab)
        #expect(app.handle(.enter) == [.add(.torrentFile(path: "/data/tv.torrent"))])
        _ = app.handle("q")
        assertSnapshot(app.render(), named: "confirm-quit")
        #expect(app.handle("y") == [.quit])
    }

    @Test func smallAndLargePieceMaps() {
        var app = AppCore(size: Size(width: 80, height: 24))
        let row = TorrentRow(id: TorrentID("p"), name: "small", number: 1, size: 100, bytesDone: 30, state: .downloading)
        let states: [PieceMapData.PieceState] = (0..<150).map { $0 < 60 ? .have : ($0 < 64 ? .downloading : .missing) }
        let map = PieceMapData(states: states, availability: (0..<150).map { UInt16($0 % 11) })
        let detail = TorrentDetail(id: row.id, pieces: map, pieceCount: 150, pieceLength: 16_384, piecesHave: 60)
        app.ingest(SwarmUpdate(rows: [row], detail: detail), at: .zero)
        _ = app.handle(.tab)
        assertSnapshot(app.render(), named: "pieces-one-per-cell-80x24")
        _ = app.handle(.resize(Size(width: 50, height: 16)))
        var big = detail
        big.pieces = PieceMapData(states: (0..<20_000).map { $0 % 3 == 0 || $0 < 9_000 ? .have : .missing },
            availability: (0..<20_000).map { UInt16($0 / 4000) })
        big.pieceCount = 20_000
        app.ingest(SwarmUpdate(rows: [row], detail: big), at: .seconds(1))
        assertSnapshot(app.render(), named: "pieces-braille-50x16")
    }
}
