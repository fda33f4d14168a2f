import Control
import Engine
import Foundation
import NIOPosix
import TestSupport
import TorrentModel
import XCTest

/// The list rows and the changes subscribers get: a pure value type, so its rules are checked here on
/// many generated views; and what a client does with changes that make no sense.
final class EngineViewTests: XCTestCase {
    private let summary = EngineSummary(downloadLimit: nil, uploadLimit: 1024, freeDiskBytes: 5, listenPort: 6881, downloadDirectory: "/d")

    /// A small deterministic generator (the tests must not depend on the system's random numbers).
    private struct Generator {
        var state: UInt64
        mutating func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    private func hash(_ n: Int) -> InfoHash {
        InfoHash(hex: String(format: "%040x", n))!
    }

    private func row(_ n: Int, activity: TorrentActivity = .seeding, uploaded: Int64 = 0) -> TorrentListItem {
        TorrentListItem(
            infoHash: hash(n), name: "torrent \(n)", activity: activity, totalLength: 1 << 30, pieceCount: 256, piecesHave: 256,
            wantedLength: 1 << 30, bytesHaveWanted: 1 << 30, uploaded: uploaded)
    }

    func testChangesTurnEveryGeneratedViewIntoTheNext() throws {
        var random = Generator(state: 42)
        let activities: [TorrentActivity] = [.seeding, .downloading, .paused, .queued, .checking(0.5), .error("disk full"), .fetchingMetadata(0.25)]
        var next = 0
        var view = EngineView(rows: (0..<20).map { row($0) }, summary: summary)
        next = 20
        for step in 0..<300 {
            var new = view
            for _ in 0..<random.next(4) where !new.rows.isEmpty {
                let index = random.next(new.rows.count)
                new.rows[index].uploaded += Int64(1 + random.next(1000))
                new.rows[index].activity = activities[random.next(activities.count)]
            }
            if random.next(3) == 0 {
                new.rows.append(row(next))
                next += 1
            }
            if random.next(4) == 0, !new.rows.isEmpty { new.rows.remove(at: random.next(new.rows.count)) }
            if random.next(6) == 0, new.rows.count > 1 { new.rows.swapAt(random.next(new.rows.count), random.next(new.rows.count)) }
            if random.next(5) == 0 { new.summary.freeDiskBytes = Int64(random.next(100)) }
            if random.next(5) == 0 { new.restoring = random.next(2) == 0 ? nil : RestoreProgress(listed: new.rows.count, total: 50) }
            if random.next(4) == 0 {
                new.selected = new.rows.isEmpty ? nil : SelectedTorrent(snapshot: snapshot(of: new.rows[0]), detail: nil)
            }

            let changes = EngineChanges(from: view, to: new)
            XCTAssertEqual(view.applying(changes), new, "step \(step)")
            let line = ControlCodec.encode(ReplyEnvelope(id: 2, reply: .changes(changes)))
            let decoded = try ControlCodec.decode(ReplyEnvelope.self, from: Array(line.dropLast()))
            guard case .changes(let received) = decoded.reply else { return XCTFail("\(decoded)") }
            XCTAssertEqual(view.applying(received), new, "step \(step), after the wire")
            let before = Dictionary(uniqueKeysWithValues: view.rows.map { ($0.infoHash, $0) })
            XCTAssertEqual(changes.changed.count, new.rows.filter { before[$0.infoHash] != $0 }.count, "only changed rows travel")
            view = new
        }
    }

    func testAnIdleViewSendsNothingAndAppendsNeedNoOrder() {
        let view = EngineView(rows: (0..<1000).map { row($0) }, summary: summary)
        let same = EngineChanges(from: view, to: view)
        XCTAssertTrue(same.changesNothing(in: view))
        XCTAssertTrue(same.changed.isEmpty && same.removed.isEmpty && same.order == nil)

        var grown = view
        grown.rows.append(row(5000))
        grown.rows.remove(at: 10)
        grown.rows[3].uploaded = 99
        let changes = EngineChanges(from: view, to: grown)
        XCTAssertNil(changes.order, "a change, an addition and a removal imply the order")
        XCTAssertEqual(changes.changed.map(\.infoHash), [hash(3), hash(5000)])
        XCTAssertEqual(changes.removed, [hash(10)])
        XCTAssertFalse(changes.changesNothing(in: view))

        var moved = view
        moved.rows.swapAt(0, 999)
        let reordered = EngineChanges(from: view, to: moved)
        XCTAssertTrue(reordered.changed.isEmpty)
        XCTAssertEqual(reordered.order?.count, 1000)
        XCTAssertEqual(view.applying(reordered), moved)
    }

    func testChangesThatMakeNoSenseStillGiveAList() {
        let view = EngineView(rows: (0..<5).map { row($0) }, summary: summary)
        // Unknown removals are ignored; a row sent twice ends as the last copy; an order naming unknown
        // or repeated hashes keeps each known row once.
        let changes = EngineChanges(
            changed: [row(1, uploaded: 1), row(1, uploaded: 2), row(9)], removed: [hash(77), hash(0)],
            order: [hash(9), hash(1), hash(1), hash(55), hash(3)], summary: summary)
        let result = view.applying(changes)
        XCTAssertEqual(result.rows.map(\.infoHash), [hash(9), hash(1), hash(3)])
        XCTAssertEqual(result.rows[1].uploaded, 2)
        XCTAssertEqual(EngineView(rows: [], summary: summary).applying(EngineChanges(removed: [hash(1)], order: [], summary: summary)).rows, [])
    }

    func testRowsTravelAsArraysAndKeepEveryState() throws {
        let activities: [TorrentActivity] = [
            .checking(0.125), .fetchingMetadata(0.5), .downloading, .seeding, .paused, .queued, .stopped, .error("the folder is gone"),
        ]
        var rows = activities.enumerated().map { row($0.offset, activity: $0.element) }
        rows[0].seedsKnown = 7
        rows[0].status = "looking for peers"
        rows[1].priority = .high
        rows[2].downloadRate = 12345
        let view = EngineView(rows: rows, selected: SelectedTorrent(snapshot: snapshot(of: rows[0]), detail: nil), summary: summary,
            restoring: RestoreProgress(listed: 8, total: 10))
        let line = ControlCodec.encode(ReplyEnvelope(id: 1, reply: .overview(view)))
        let text = String(decoding: line, as: UTF8.self)
        XCTAssertTrue(text.contains("[\"\(hash(2).hex)\",\"torrent 2\",\"downloading\""), "a row is an array: \(text.prefix(300))")
        XCTAssertEqual(try ControlCodec.decode(ReplyEnvelope.self, from: Array(line.dropLast())), ReplyEnvelope(id: 1, reply: .overview(view)))
        let request = RequestEnvelope(id: 4, request: .overview)
        XCTAssertEqual(try ControlCodec.decode(RequestEnvelope.self, from: Array(ControlCodec.encode(request).dropLast())), request)
    }

    func testHostileRowsAreRefusedWithAReason() throws {
        let good = String(decoding: try JSONEncoder().encode(row(1)), as: UTF8.self)
        let fields = good.dropFirst().dropLast()
        let hostile = [
            "[]", "[\"\(hash(1).hex)\"]", "[" + fields + ",1]", good.replacingOccurrences(of: "\"seeding\"", with: "\"exploding\""),
            good.replacingOccurrences(of: hash(1).hex, with: "zz"), good.replacingOccurrences(of: ",4,true,", with: ",99,true,"),
            "{\"infoHash\":\"\(hash(1).hex)\"}", "[" + fields.replacingOccurrences(of: "1073741824", with: "\"big\"") + "]",
        ]
        XCTAssertEqual(hostile.count, Set(hostile).count, "each case differs from the good row")
        for text in hostile {
            let line = "{\"id\":1,\"reply\":{\"changes\":{\"changed\":[\(text)],\"removed\":[],\"summary\":{\"listenPort\":1,\"downloadDirectory\":\"/\"}}}}"
            XCTAssertThrowsError(try ControlCodec.decode(ReplyEnvelope.self, from: Array(line.utf8)), text) { error in
                guard case ControlCodecError.unreadable = error else { return XCTFail("\(error)") }
            }
        }
        XCTAssertNoThrow(try ControlCodec.decode(TorrentListItem.self, from: Array(good.utf8)))
    }

    /// A daemon that sends changes before the list they change ends the subscription with a reason.
    func testChangesBeforeTheOverviewEndTheSubscription() async throws {
        let dir = try TemporaryDirectoryForSocket()
        defer { dir.remove() }
        let changes = String(decoding: ControlCodec.encode(ReplyEnvelope(id: 2, reply: .changes(EngineChanges(changed: [row(1)], summary: summary)))), as: UTF8.self)
        _ = try RawSocket.serve(dir.socket, replies: [
            #"{"id":1,"reply":{"welcome":{"version":\#(ControlProtocol.version),"pid":1}}}"#, String(changes.dropLast()),
        ])
        let client = try await ControlClient.connect(socketPath: dir.socket)
        do {
            for try await view in client.subscribe(intervalMilliseconds: 100, selected: nil) { XCTFail("no view from bad changes: \(view)") }
            XCTFail("the subscription ends with an error")
        } catch {
            XCTAssertTrue("\(error)".contains("before the list"), "\(error)")
        }
        client.close()
    }

    /// A full snapshot standing for a row (the selected torrent): a real torrent's, renamed.
    private func snapshot(of row: TorrentListItem) -> TorrentSnapshot {
        var snapshot = sample!
        snapshot.infoHash = row.infoHash
        snapshot.name = row.name
        snapshot.uploaded = row.uploaded
        return snapshot
    }

    private var sample: TorrentSnapshot?

    override func setUp() async throws {
        let fixture = try TorrentFixture.singleFile(name: "sample.bin", length: 64 * 1024, pieceLength: 16 * 1024, trackers: [])
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        let torrent = try await session.add(fixture.metainfo, directory: fixture.seedDirectory, paused: true)
        sample = await torrent.snapshot()
        let item = await torrent.listItem()
        XCTAssertEqual(item, TorrentListItem(sample!), "the row made without a snapshot is the snapshot's row")
        let items = await session.listItems()
        XCTAssertEqual(items, [item])
        await session.shutdown()
    }
}

/// A short private directory for a socket (its path must fit in 103 bytes).
private struct TemporaryDirectoryForSocket {
    let path: String
    var socket: String { path + "/s.sock" }

    init() throws {
        var template = Array("/tmp/swv.XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RawSocket.Failure(description: "mkdtemp failed") }
        path = String(cString: made)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
