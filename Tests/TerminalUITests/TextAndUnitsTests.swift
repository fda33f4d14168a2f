import Testing

@testable import TerminalUI

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("a", 1), ("中", 2), ("█", 1), ("⣿", 1), ("😀", 2), ("🎬", 2), ("é", 1), ("e\u{301}", 1), ("…", 1),
        ("ｱ", 1), ("Ａ", 2), ("한", 2), ("👨‍👩‍👧", 2), ("☺︎", 1), ("❤️", 2), ("\u{200B}", 0), ("\u{1b}", 1),
        ("▶", 1), ("✔", 1), ("⚠", 1),
    ])
    func widthOfOneGrapheme(text: String, width: Int) {
        #expect(DisplayWidth.of(Character(text)) == width, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func truncationCountsColumnsNotCharacters() {
        #expect(TextFit.truncate("数据数据", to: 5) == "数据…")
        #expect(TextFit.truncate("数据数据", to: 4) == "数…")
        #expect(TextFit.truncate("数据数据", to: 8) == "数据数据")
        #expect(TextFit.pad("数据", to: 6, alignRight: true) == "  数据")
        #expect(DisplayWidth.of(TextFit.pad("a数据数据", to: 6)) == 6)
    }

    @Test func bufferNeverSplitsAWideGrapheme() {
        var buffer = ScreenBuffer(size: Size(width: 5, height: 1))
        buffer.write("ab数据", x: 0, y: 0)
        #expect(buffer.text == "ab数 ")
        buffer.write("x", x: 3, y: 0)
        #expect(buffer.text == "ab x ")
    }

    @Test func bufferReplacesControlCharacters() {
        var buffer = ScreenBuffer(size: Size(width: 12, height: 1))
        buffer.write("a\u{1b}[2Jb\u{9b}\u{7}\u{202e}", x: 0, y: 0)
        #expect(buffer.text == "a?[2Jb???   ")
    }
}

@Suite struct UnitsTests {
    @Test(arguments: [
        (0, "0 B"), (999, "999 B"), (1000, "0.98 KiB"), (1536, "1.50 KiB"), (10_240, "10.0 KiB"),
        (1_022_976, "999 KiB"), (1_048_064, "1.00 MiB"), (1_048_576, "1.00 MiB"), (790_626_304, "754 MiB"), (1_513_975_808, "1.41 GiB"),
        (1 << 40, "1.00 TiB"),
    ] as [(Int64, String)])
    func bytesHaveThreeSignificantDigits(count: Int64, text: String) {
        #expect(Units.bytes(count) == text)
    }

    @Test func compactAndRates() {
        #expect(Units.compactBytes(790_626_304) == "754M")
        #expect(Units.compactRate(0) == "—")
        #expect(Units.compactRate(100_873_011) == "96.2M/s")
        #expect(Units.rate(25_270_000) == "24.1 MiB/s")
    }

    @Test func durationsAndRatios() {
        #expect(Units.duration(seconds: 1.2) == "2s")
        #expect(Units.duration(seconds: 114) == "1m54")
        #expect(Units.duration(seconds: 3 * 3600 + 12 * 60) == "3h12")
        #expect(Units.duration(seconds: 2 * 86_400 + 4 * 3600) == "2d04")
        #expect(Units.duration(seconds: nil) == "∞")
        #expect(Units.ratio(2.714) == "2.71")
        #expect(Units.ratio(123.4) == "123")
        #expect(Units.percent(0.999) == "99%")
    }
}

@Suite struct PieceMapTests {
    @Test func distributedCopiesFollowLibtorrent() {
        let map = PieceMapData(states: Array(repeating: .missing, count: 4), availability: [2, 3, 3, 2])
        #expect(map.distributedCopies == 2.5)
        #expect(map.rarest == 2)
    }

    @Test func packingUsesTheRoom() {
        #expect(PieceMapRenderer.piecesPerCell(count: 100, cells: 100) == 1)
        #expect(PieceMapRenderer.piecesPerCell(count: 101, cells: 100) == 2)
        #expect(PieceMapRenderer.piecesPerCell(count: 350, cells: 100) == 4)
        #expect(PieceMapRenderer.piecesPerCell(count: 801, cells: 100) == 16)
    }

    @Test func brailleDotsShowWhatWeHave() {
        var buffer = ScreenBuffer(size: Size(width: 2, height: 1))
        let states: [PieceMapData.PieceState] = [.have, .have, .have, .have, .missing, .missing, .missing, .missing]
        PieceMapRenderer.draw(PieceMapData(states: states), into: &buffer, rect: Rect(x: 0, y: 0, width: 1, height: 1))
        #expect(buffer.text == "⡇ ")
        PieceMapRenderer.draw(PieceMapData(states: states + Array(repeating: .have, count: 8)), into: &buffer,
            rect: Rect(x: 0, y: 0, width: 2, height: 1))
        #expect(buffer.text == "⡇⣿")
        #expect(buffer[1, 0].role == .pieceHave)
        #expect(buffer[0, 0].role == .pieceMissing)
    }
}
