import Control
import Engine
import Foundation
import TorrentModel
import XCTest

/// Overviews and changes have their rows written by hand (`ControlCodec.encodeReply`): what a client
/// reads back must be exactly what `JSONEncoder` would have given it, for any row.
final class ReplyEncodingTests: XCTestCase {
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// Names and messages with what JSON must escape: quotes, backslashes, every control character,
    /// slashes, and text beyond ASCII.
    private func text(_ random: inout Generator) -> String {
        let pieces = ["a", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1b}", "\u{7f}", "é", "日本", "🎞️", " ", "\u{2028}", "x.mkv"]
        var scalars = String.UnicodeScalarView()
        for _ in 0..<random.next(12) {
            if random.next(4) == 0 {
                scalars.append(Unicode.Scalar(UInt8(random.next(0x20))))
            } else {
                scalars.append(contentsOf: pieces[random.next(pieces.count)].unicodeScalars)
            }
        }
        return String(scalars)
    }

    private func number(_ random: inout Generator) -> Double {
        let values: [Double] = [0, 1, 9, 10, 1234, 1e15, 1e20, 0.1, 1.0 / 3, 123_456_789.5, .infinity, -.infinity, .leastNonzeroMagnitude]
        return values[random.next(values.count)]
    }

    private func row(_ random: inout Generator, _ n: Int) -> TorrentListItem {
        let activities: [TorrentActivity] = [
            .seeding, .downloading, .paused, .queued, .stopped, .checking(number(&random)), .fetchingMetadata(0.25),
            .error(text(&random)),
        ]
        return TorrentListItem(
            infoHash: InfoHash(hex: String(format: "%040x", n))!, name: text(&random),
            activity: activities[random.next(activities.count)], totalLength: Int64(random.next(1 << 30)) << 20,
            pieceCount: random.next(100_000), piecesHave: random.next(10), wantedLength: Int64.max - Int64(random.next(3)),
            bytesHaveWanted: Int64(random.next(3)) - 1, downloadRate: number(&random), uploadRate: number(&random),
            downloaded: Int64.min + Int64(random.next(2)), uploaded: Int64(random.next(1_000_000)),
            seedsConnected: random.next(50), peersConnected: random.next(50),
            seedsKnown: random.next(2) == 0 ? nil : random.next(5000), peersKnown: random.next(2) == 0 ? nil : -random.next(3),
            priority: TorrentPriority.allCases[random.next(3)], filesFinalized: random.next(2) == 0,
            status: random.next(2) == 0 ? nil : text(&random))
    }

    private let summary = EngineSummary(
        downloadLimit: nil, uploadLimit: 1024, freeDiskBytes: 5, listenPort: 6881, downloadDirectory: "/d \"q\"")

    /// Fast and slow encodings read back to the same envelope and are the same JSON.
    private func assertSameAsJSONEncoder(_ envelope: ReplyEnvelope, file: StaticString = #filePath, line: UInt = #line) throws {
        let fast = ControlCodec.encodeReply(envelope)
        let slow = ControlCodec.encode(envelope)
        XCTAssertEqual(fast.last, UInt8(ascii: "\n"), file: file, line: line)
        XCTAssertFalse(fast.dropLast().contains(UInt8(ascii: "\n")), "one line", file: file, line: line)
        let decoded = try ControlCodec.decode(ReplyEnvelope.self, from: Array(fast.dropLast()))
        XCTAssertEqual(decoded, envelope, file: file, line: line)
        let fastJSON = try JSONSerialization.jsonObject(with: Data(fast)) as? NSDictionary
        let slowJSON = try JSONSerialization.jsonObject(with: Data(slow)) as? NSDictionary
        XCTAssertNotNil(fastJSON, file: file, line: line)
        XCTAssertEqual(fastJSON, slowJSON, file: file, line: line)
    }

    func testOverviewsOfGeneratedRowsReadBackAsEncoded() throws {
        var random = Generator(state: 7)
        for round in 0..<40 {
            let rows = (0..<random.next(60) + 1).map { row(&random, round * 100 + $0) }
            let restoring = random.next(2) == 0 ? nil : RestoreProgress(listed: rows.count, total: 10_000)
            let id = random.next(3) == 0 ? nil : random.next(1000)
            try assertSameAsJSONEncoder(ReplyEnvelope(id: id, reply: .overview(EngineView(rows: rows, summary: summary, restoring: restoring))))
        }
    }

    func testChangesOfGeneratedRowsReadBackAsEncoded() throws {
        var random = Generator(state: 11)
        for round in 0..<40 {
            let rows = (0..<random.next(30) + 1).map { row(&random, round * 100 + $0) }
            let removed = (0..<random.next(3)).map { InfoHash(hex: String(format: "%040x", 90_000 + $0))! }
            let order: [InfoHash]? = random.next(2) == 0 ? nil : Array(rows.map(\.infoHash).reversed())
            let changes = EngineChanges(
                changed: rows, removed: removed, order: order, summary: summary,
                restoring: random.next(2) == 0 ? nil : RestoreProgress(listed: 3, total: 9))
            try assertSameAsJSONEncoder(ReplyEnvelope(id: random.next(1000), reply: .changes(changes)))
        }
    }

    /// `decodeReply` reads rows by hand when they come first, as `encodeReply` writes them, and gives
    /// what `JSONDecoder` gives; lines in any other shape go to `JSONDecoder`.
    func testRowsReadByHandAreWhatJSONDecoderReads() throws {
        var random = Generator(state: 23)
        for round in 0..<40 {
            let rows = (0..<random.next(40) + 1).map { row(&random, round * 100 + $0) }
            let envelope: ReplyEnvelope = if round % 2 == 0 {
                ReplyEnvelope(id: round % 3 == 0 ? nil : round, reply: .overview(EngineView(rows: rows, summary: summary)))
            } else {
                ReplyEnvelope(id: round, reply: .changes(EngineChanges(
                    changed: rows, removed: [rows[0].infoHash], order: round % 4 == 1 ? rows.map(\.infoHash) : nil,
                    summary: summary, restoring: RestoreProgress(listed: 1, total: 2))))
            }
            let fast = Array(ControlCodec.encodeReply(envelope).dropLast())
            XCTAssertEqual(try ControlCodec.decodeReply(fast), envelope)
            let slow = Array(ControlCodec.encode(envelope).dropLast())
            XCTAssertEqual(try ControlCodec.decodeReply(slow), envelope)
        }
    }

    /// Cut short anywhere or with a byte changed, a line never crashes the reader: it reads as
    /// `JSONDecoder` reads it, or fails as `JSONDecoder` fails.
    func testDamagedLinesReadAsJSONDecoderReadsThem() {
        var random = Generator(state: 31)
        let rows = (0..<4).map { row(&random, $0) }
        let line = Array(ControlCodec.encodeReply(ReplyEnvelope(id: 9, reply: .overview(EngineView(rows: rows, summary: summary)))).dropLast())
        var damaged: [[UInt8]] = (0..<line.count).map { Array(line[..<$0]) }
        let replacements = Array(#"\"0-9e.,[]{}nul\u"#.utf8) + [0, 0x1F, 0x80, 0xFF]
        for _ in 0..<3000 {
            var copy = line
            copy[random.next(copy.count)] = replacements[random.next(replacements.count)]
            damaged.append(copy)
        }
        for bytes in damaged {
            let fast = try? ControlCodec.decodeReply(bytes)
            let slow = try? ControlCodec.decode(ReplyEnvelope.self, from: bytes)
            if fast != slow, !(fast.map { "\($0)".contains("nan") } ?? false) {
                XCTFail("read differently: \(String(decoding: bytes, as: UTF8.self))")
                return
            }
        }
    }

    func testNonFiniteNumbersAreTheStringsTheDecoderReads() throws {
        let item = TorrentListItem(
            infoHash: InfoHash(hex: String(repeating: "ab", count: 20))!, name: "n", activity: .checking(.nan),
            totalLength: 1, pieceCount: 1, piecesHave: 0, wantedLength: 1, bytesHaveWanted: 0, downloadRate: .infinity,
            uploadRate: -.infinity)
        let line = ControlCodec.encodeReply(ReplyEnvelope(id: 1, reply: .overview(EngineView(rows: [item], summary: summary))))
        XCTAssertTrue(String(decoding: line, as: UTF8.self).contains(#""checking","nan",null,1,1,0,1,0,"inf","-inf","#))
        guard case .overview(let view) = try ControlCodec.decode(ReplyEnvelope.self, from: Array(line.dropLast())).reply,
            case .checking(let fraction) = view.rows.first?.activity
        else { return XCTFail("an overview with a checking row expected") }
        XCTAssertTrue(fraction.isNaN)
        XCTAssertEqual(view.rows.first?.downloadRate, .infinity)
        XCTAssertEqual(view.rows.first?.uploadRate, -.infinity)
    }

    func testRepliesWithoutRowsReadBackAsEncoded() throws {
        let replies: [ControlReply] = [
            .overview(EngineView(rows: [], summary: summary)), .changes(EngineChanges(summary: summary)),
            .done(message: "ok"), .failure(message: "no"),
        ]
        for reply in replies { try assertSameAsJSONEncoder(ReplyEnvelope(id: 3, reply: reply)) }
    }
}
