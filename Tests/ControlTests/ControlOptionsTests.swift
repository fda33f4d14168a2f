import Control
import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// The requests for files, moves and options: their JSON round trips, and hostile values refused by the
/// daemon's controller (other clients than ours need not check them).
final class ControlOptionsTests: XCTestCase {
    private func roundTrip<T: Codable & Equatable>(_ value: T, file: StaticString = #filePath, line: UInt = #line) throws {
        var bytes = ControlCodec.encode(value)
        XCTAssertEqual(bytes.removeLast(), UInt8(ascii: "\n"), file: file, line: line)
        XCTAssertFalse(bytes.contains(UInt8(ascii: "\n")), "one message is one line", file: file, line: line)
        XCTAssertEqual(try ControlCodec.decode(T.self, from: bytes), value, file: file, line: line)
    }

    func testNewRequestsAndRepliesSurviveTheRoundTrip() throws {
        let requests: [ControlRequest] = [
            .add(source: .magnet("magnet:?xt=urn:btih:abc"), directory: "/d", paused: false, stopAfterMetadata: true),
            .setFilePriorities(torrent: "1", files: [0, 2, 3], priority: .skip), .files(torrent: "ab12"),
            .move(torrent: "name", directory: "/data/elsewhere"),
            .setTorrentOptions(torrent: "1", change: TorrentOptionsChange(
                sequential: true, firstAndLastPiecesFirst: false, seedRatioLimit: .value(1.5), seedTimeLimit: .unlimited,
                maxPeers: .value(30))),
            .setTorrentOptions(torrent: "1", change: TorrentOptionsChange()),
            .setSessionOptions(change: SessionOptionsChange(
                seedRatioLimit: .cleared, seedTimeLimit: .value(3600), maxConnections: .value(50), maxPeersPerTorrent: .cleared,
                maxActiveDownloads: .value(0), maxActiveSeeds: .cleared)),
        ]
        for (id, request) in requests.enumerated() { try roundTrip(RequestEnvelope(id: id, request: request)) }
        let hash = InfoHash(hex: String(repeating: "cd", count: 20))!
        let list = TorrentFileList(infoHash: hash, name: "n", directory: "/d", files: [
            .init(index: 0, priority: .high, path: "a/b.bin", size: 10, bytesDone: 4),
            .init(index: 2, priority: .skip, path: "c.bin", size: 0, bytesDone: 0),
        ])
        try roundTrip(ReplyEnvelope(id: 4, reply: .files(list)))
    }

    /// A client of the first protocol version sends `add` without `stopAfterMetadata`: still understood.
    func testAnAddWithoutStopAfterMetadataStillReads() throws {
        let line = #"{"id":1,"request":{"add":{"source":{"magnet":{"_0":"magnet:?xt=urn:btih:ab"}},"paused":true}}}"#
        let envelope = try ControlCodec.decode(RequestEnvelope.self, from: Array(line.utf8))
        XCTAssertEqual(envelope.request, .add(source: .magnet("magnet:?xt=urn:btih:ab"), directory: nil, paused: true))
    }

    func testHostileOptionLinesAreRefusedWithAReason() {
        let lines = [
            #"{"id":1,"request":{"files":{}}}"#, #"{"id":1,"request":{"move":{"torrent":"x"}}}"#,
            #"{"id":1,"request":{"setFilePriorities":{"torrent":"x","files":"all","priority":0}}}"#,
            #"{"id":1,"request":{"setFilePriorities":{"torrent":"x","files":[1],"priority":3}}}"#,
            #"{"id":1,"request":{"setTorrentOptions":{"torrent":"x","change":{"seedRatioLimit":{"maybe":{}}}}}}"#,
            #"{"id":1,"request":{"setSessionOptions":{"change":{"maxConnections":{"value":{"_0":"many"}}}}}}"#,
        ]
        for line in lines {
            XCTAssertThrowsError(try ControlCodec.decode(RequestEnvelope.self, from: Array(line.utf8)), line)
        }
    }

    func testAfterChangeRunsOnlyAfterChangesThatSucceeded() async throws {
        let session = try await LoopbackSwarm.session()
        let count = ChangeCounter()
        var controller = EngineController(session: session, downloadDirectory: URL(fileURLWithPath: "/tmp")) {}
        controller.afterChange = { _ in count.add() }
        _ = await controller.handle(.list)
        _ = await controller.handle(.overview)
        _ = await controller.handle(.limit(torrent: nil, download: nil, upload: nil))
        XCTAssertEqual(count.value, 0, "reading changes nothing")
        _ = await controller.handle(.setSessionOptions(change: .init(maxConnections: .value(0))))
        _ = await controller.handle(.pause(torrent: "no-such"))
        XCTAssertEqual(count.value, 0, "refused requests change nothing")
        _ = await controller.handle(.setSessionOptions(change: .init(maxActiveSeeds: .value(2))))
        _ = await controller.handle(.limit(torrent: nil, download: .unlimited, upload: nil))
        XCTAssertEqual(count.value, 2)
        await session.shutdown()
    }

    /// The daemon saves the torrent a change names (by list number here: resolved before a removal
    /// moves the numbers) or adds; all torrents' options name none.
    func testAfterChangeNamesTheTorrentItChanged() async throws {
        let fixture = try TorrentFixture.singleFile(name: "named.bin", length: 32 << 10)
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        let touched = TouchedTorrents()
        var controller = EngineController(session: session, downloadDirectory: fixture.seedDirectory) {}
        controller.afterChange = { touched.add($0) }
        let hash = fixture.metainfo.infoHash
        let added = await controller.handle(.add(source: .torrent(Data(fixture.torrentBytes)), directory: nil, paused: true))
        XCTAssertEqual(added, .added(infoHash: hash, name: "named.bin"))
        let positions = [await session.infoHash(atPosition: 0), await session.infoHash(atPosition: 1), await session.infoHash(atPosition: 2)]
        XCTAssertEqual(positions, [nil, hash, nil])
        _ = await controller.handle(.setPriority(torrent: "1", priority: .high))
        _ = await controller.handle(.limit(torrent: "named", download: nil, upload: nil))
        _ = await controller.handle(.setSessionOptions(change: .init(maxActiveSeeds: .value(2))))
        _ = await controller.handle(.remove(torrent: "1", deleteData: false))
        XCTAssertEqual(touched.sets, [[hash], [hash], [], [hash]], "a torrent's limits only reported change nothing")
        await session.shutdown()
    }

    /// The controller names a change's torrent by its whole info-hash once resolved: nothing else changes.
    func testNamingReplacesOnlyTheTorrent() {
        let requests: [ControlRequest] = [
            .pause(torrent: "a"), .resume(torrent: "a"), .recheck(torrent: "a"), .remove(torrent: "a", deleteData: true),
            .setPriority(torrent: "a", priority: .low), .setFilePriority(torrent: "a", file: 3, priority: .high),
            .setFilePriorities(torrent: "a", files: [1, 2], priority: .skip), .files(torrent: "a"),
            .move(torrent: "a", directory: "/d"), .setTorrentOptions(torrent: "a", change: .init(sequential: true)),
            .limit(torrent: "a", download: .unlimited, upload: nil), .limit(torrent: nil, download: .unlimited, upload: nil),
            .setSessionOptions(change: .init(maxActiveSeeds: .value(1))), .list, .shutdown,
        ]
        for request in requests {
            let named = request.naming("b")
            XCTAssertEqual(named.torrentSelector, request.torrentSelector == nil ? nil : "b", "\(request)")
            XCTAssertEqual(named.naming("a"), request)
        }
    }

    func testTheControllerRefusesBadValuesAndChangesNothing() async throws {
        let fixture = try TorrentFixture.multiFile(
            name: "opts", files: [.init("a", length: 16 << 10), .init("b", length: 16 << 10)], pieceLength: 16 << 10)
        defer { fixture.remove() }
        let session = try await LoopbackSwarm.session()
        let controller = EngineController(session: session, downloadDirectory: fixture.downloadDirectory) {}
        _ = try await session.add(fixture.metainfo, directory: fixture.downloadDirectory, paused: true)
        let before = await session.options

        let refused: [(ControlRequest, String)] = [
            (.setSessionOptions(change: .init(seedRatioLimit: .value(.nan))), "seed ratio"),
            (.setSessionOptions(change: .init(seedTimeLimit: .value(-5))), "seeding time"),
            (.setSessionOptions(change: .init(maxConnections: .value(0))), "connections"),
            (.setSessionOptions(change: .init(maxActiveSeeds: .value(2.5))), "active seeds"),
            (.setSessionOptions(change: .init(maxPeersPerTorrent: .value(1e300))), "peers per torrent"),
            (.setTorrentOptions(torrent: "1", change: .init(maxPeers: .value(.infinity))), "peers"),
            (.setTorrentOptions(torrent: "1", change: .init(seedRatioLimit: .value(-1))), "seed ratio"),
            (.setFilePriorities(torrent: "1", files: [0, 9], priority: .skip), "no file 9"),
            (.setFilePriorities(torrent: "1", files: [-1], priority: .skip), "no file -1"),
            (.setFilePriorities(torrent: "1", files: [], priority: .skip), "no file numbers"),
            (.move(torrent: "1", directory: "relative/path"), "absolute"),
            (.files(torrent: "nothing-like-it"), "no torrent matches"),
        ]
        for (request, reason) in refused {
            let reply = await controller.handle(request)
            guard case .failure(let message) = reply else {
                XCTFail("\(request) was accepted: \(reply)")
                continue
            }
            XCTAssertTrue(message.contains(reason), "\(request): \(message)")
        }
        let options = await session.options
        XCTAssertEqual(options, before)
        let settings = await session.torrent(for: fixture.metainfo.infoHash)!.currentSettings()
        XCTAssertEqual(settings, TorrentSettings(), "a refused change leaves the torrent as it was")

        let reply = await controller.handle(.setSessionOptions(change: .init(seedRatioLimit: .value(2), maxActiveDownloads: .value(1))))
        XCTAssertEqual(reply, .done(message: "all torrents: seed ratio 2.00, seed time none, connections 200, peers per torrent 60, "
            + "active downloads 1, active seeds unlimited"))
        let queue = await session.queueLimits
        XCTAssertEqual(queue.maxActiveDownloads, 1)
        await session.shutdown()
    }

    func testAPendingAddKeepsStopAfterMetadata() throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let pending = PendingAdds(directory: folder.url.appendingPathComponent("pending"))
        let entry = PendingAdds.Entry(source: .magnet("magnet:?xt=urn:btih:ab"), directory: nil, paused: false, stopAfterMetadata: true)
        try pending.store(entry)
        let listed = pending.list().map { try? $0.entry.get() }
        XCTAssertEqual(listed, [entry])
    }

    /// All torrents' seeding limit changed while they seed: it applies at once, and a torrent's own limit wins.
    func testSessionSeedLimitsApplyLiveAndATorrentsOwnWins() async throws {
        let first = try TorrentFixture.singleFile(name: "one.bin", length: 32 << 10, seed: 1)
        let second = try TorrentFixture.singleFile(name: "two.bin", length: 32 << 10, seed: 2)
        let third = try TorrentFixture.singleFile(name: "three.bin", length: 32 << 10, seed: 3)
        defer {
            first.remove()
            second.remove()
            third.remove()
        }
        let session = try await LoopbackSwarm.session()
        let controller = EngineController(session: session, downloadDirectory: first.seedDirectory) {}
        _ = try await session.add(first.metainfo, directory: first.seedDirectory)
        _ = try await session.add(second.metainfo, directory: second.seedDirectory)
        _ = try await session.add(third.metainfo, directory: third.seedDirectory)
        let none = await controller.handle(.setTorrentOptions(torrent: "three", change: .init(seedRatioLimit: .unlimited)))
        guard case .done(let noneMessage) = none else { return XCTFail("\(none)") }
        XCTAssertTrue(noneMessage.contains("seed ratio none, seed time none (all torrents')"), noneMessage)
        let own = await controller.handle(.setTorrentOptions(torrent: "two", change: .init(seedRatioLimit: .value(5))))
        guard case .done(let message) = own else { return XCTFail("\(own)") }
        XCTAssertTrue(message.hasPrefix("two.bin: sequential off, first and last pieces first off, seed ratio 5.00, seed time none (all torrents')"), message)
        for _ in 0..<20 where await session.snapshot(of: first.metainfo.infoHash)?.activity != .seeding {
            try await Task.sleep(for: .milliseconds(50))
        }
        let seeding = await session.snapshot(of: first.metainfo.infoHash)?.activity
        XCTAssertEqual(seeding, .seeding)

        _ = await controller.handle(.setSessionOptions(change: .init(seedRatioLimit: .value(0))))
        var paused = false
        for _ in 0..<100 {
            if await session.snapshot(of: first.metainfo.infoHash)?.activity == .paused {
                paused = true
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        XCTAssertTrue(paused, "ratio 0 for all torrents stops a seed at once")
        let other = await session.snapshot(of: second.metainfo.infoHash)?.activity
        XCTAssertEqual(other, .seeding, "its own ratio of 5 wins")
        let unlimited = await session.snapshot(of: third.metainfo.infoHash)?.activity
        XCTAssertEqual(unlimited, .seeding, "no ratio limit of its own wins too")
        await session.shutdown()
    }
}

private final class ChangeCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

private final class TouchedTorrents: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [Set<InfoHash>] = []
    func add(_ touched: Set<InfoHash>) { lock.withLock { seen.append(touched) } }
    var sets: [Set<InfoHash>] { lock.withLock { seen } }
}
