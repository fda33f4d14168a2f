import Control
import Engine
import Foundation
import NIOPosix
import TestSupport
import TorrentModel
import XCTest

/// The server and client in this process, over a real socket, with a real engine behind them.
final class ControlServerTests: XCTestCase {
    private var dir: TemporaryDirectory!
    /// Short: a Unix socket path holds at most 103 bytes.
    private var socketPath: String { dir.url.appendingPathComponent("run/c.sock").path }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(prefix: "swc")
        try ControlPaths.makePrivateDirectory(dir.url.appendingPathComponent("run"))
    }

    override func tearDown() { dir.remove() }

    /// A handler that answers without an engine, for protocol-level tests. Its snapshots name the selected
    /// torrent and, unless `frozen`, change every time (the listen port counts the calls).
    private final class Echo: ControlHandler, @unchecked Sendable {
        private let lock = NSLock()
        private var calls = 0
        let frozen: Bool

        init(frozen: Bool = false) { self.frozen = frozen }

        func handle(_ request: ControlRequest) async -> ControlReply { .done(message: "did \(request)") }
        func view(selected: String?, reusing rows: [TorrentListItem]?) async -> EngineView {
            let port = frozen ? 1 : lock.withLock { calls += 1; return calls }
            return EngineView(rows: [], summary: EngineSummary(downloadLimit: nil, uploadLimit: nil, freeDiskBytes: nil, listenPort: port, downloadDirectory: selected ?? "-"))
        }
    }

    func testOnlySnapshotsThatChangedArePushed() async throws {
        let server = try await ControlServer.start(socketPath: socketPath, handler: Echo(frozen: true), group: MultiThreadedEventLoopGroup.singleton)
        let client = try await ControlClient.connect(socketPath: socketPath)
        let stream = client.subscribe(intervalMilliseconds: 100, selected: nil)
        let counting = Task {
            var seen: [String] = []
            do { for try await snapshot in stream { seen.append(snapshot.summary.downloadDirectory) } } catch {}
            return seen
        }
        try await Task.sleep(for: .milliseconds(600))
        client.select("other")
        try await Task.sleep(for: .milliseconds(600))
        client.close()
        let seen = await counting.value
        XCTAssertEqual(seen, ["-", "other"], "six polls of an unchanged engine send one snapshot; a new selection sends one more")
        await server.close()
    }

    /// While the daemon restores, lists answer at once (marked as restoring) and changes wait for the end.
    func testWhileRestoringListsAnswerAndChangesWait() async throws {
        let fixture = try TorrentFixture.singleFile(name: "early.bin", length: 64 * 1024, pieceLength: 16 * 1024, trackers: [])
        defer { fixture.remove() }
        let engine = try await LoopbackSwarm.session()
        let status = RestoreStatus()
        status.begin(total: 5)
        let controller = EngineController(session: engine, downloadDirectory: fixture.seedDirectory, restoreStatus: status) {}
        let server = try await ControlServer.start(socketPath: socketPath, handler: controller, group: MultiThreadedEventLoopGroup.singleton)
        let client = try await ControlClient.connect(socketPath: socketPath)
        guard case .overview(let early) = try await client.send(.overview) else { return XCTFail("overview expected") }
        XCTAssertEqual(early.restoring, RestoreProgress(listed: 0, total: 5))
        let adding = Task { try await client.send(.add(source: .torrent(Data(fixture.torrentBytes)), directory: nil, paused: true)) }
        try await Task.sleep(for: .milliseconds(300))
        status.torrentsRestored()
        // The same connection: its reads do not wait behind its add.
        guard case .overview(let restored) = try await client.send(.overview) else { return XCTFail("overview expected") }
        XCTAssertNil(restored.restoring, "every torrent is back")
        try await Task.sleep(for: .milliseconds(100))
        let listed = await engine.infoHashes
        XCTAssertEqual(listed, [], "the add waits for the end of the restore")
        status.finish()
        let added = try await adding.value
        XCTAssertEqual(added, .added(infoHash: fixture.metainfo.infoHash, name: "early.bin"))
        guard case .overview(let after) = try await client.send(.overview) else { return XCTFail("overview expected") }
        XCTAssertNil(after.restoring)
        XCTAssertEqual(after.rows.map(\.name), ["early.bin"])
        client.close()
        await server.close()
        await engine.shutdown()
    }

    /// While a change waits for the restore, its connection answers reads at once; the changes sent after
    /// it wait their turn, and once the restore is over all of them are carried out, in the order sent.
    func testReadsDoNotWaitBehindAChangeAndChangesKeepTheirOrder() async throws {
        let fixture = try TorrentFixture.singleFile(name: "inline.bin", length: 64 * 1024, pieceLength: 16 * 1024, trackers: [])
        defer { fixture.remove() }
        let engine = try await LoopbackSwarm.session()
        let status = RestoreStatus()
        status.begin(total: 3)
        let controller = EngineController(session: engine, downloadDirectory: fixture.seedDirectory, restoreStatus: status) {}
        let server = try await ControlServer.start(socketPath: socketPath, handler: controller, group: MultiThreadedEventLoopGroup.singleton)
        func line(_ id: Int, _ request: ControlRequest) -> [UInt8] { ControlCodec.encode(RequestEnvelope(id: id, request: request)) }
        // One write: the daemon reads the add, then a change of the torrent it adds (refused if it ran
        // first), then two reads.
        let pipelined = line(2, .add(source: .torrent(Data(fixture.torrentBytes)), directory: nil, paused: true))
            + line(3, .setPriority(torrent: "inline", priority: .high)) + line(4, .overview)
            + line(5, .limit(torrent: nil, download: nil, upload: nil))
            + line(6, .list)
        let hello = line(1, .hello(version: ControlProtocol.version, client: "t"))
        let socket = try RawSocket.connect(socketPath)
        defer { socket.close() }
        func replies(_ count: Int) async throws -> [ReplyEnvelope] {
            try await RawSocket.offPool {
                try (0..<count).map { _ in
                    // The socket gives up after 10 s: a read stuck behind the add fails the test, not hangs it.
                    guard let text = socket.readLine() else { throw RawSocket.Failure(description: "no reply within 10 s") }
                    return try ControlCodec.decode(ReplyEnvelope.self, from: Array(text.utf8))
                }
            }
        }
        socket.write(hello)
        let welcome = try await replies(1)
        XCTAssertEqual(welcome.first?.reply, .welcome(version: ControlProtocol.version, pid: getpid()))
        socket.write(pipelined)
        // The reads come first (in any order among themselves), while the add still waits.
        let early = try await replies(3)
        XCTAssertEqual(Set(early.compactMap(\.id)), [4, 5, 6])
        for reply in early {
            switch reply.reply {
            case .overview(let view): XCTAssertEqual(view.restoring, RestoreProgress(listed: 0, total: 3))
            case .snapshot(let snapshot): XCTAssertEqual(snapshot.torrents, [])
            case .done(let message): XCTAssertEqual(message, "all torrents: download unlimited, upload unlimited")
            default: XCTFail("unexpected \(reply)")
            }
        }
        let waiting = await engine.infoHashes
        XCTAssertEqual(waiting, [], "the add waits for the restore")
        status.finish()
        let late = try await replies(2)
        XCTAssertEqual(late.map(\.id), [2, 3], "changes are answered in the order they were sent")
        XCTAssertEqual(late.first?.reply, .added(infoHash: fixture.metainfo.infoHash, name: "inline.bin"))
        XCTAssertEqual(late.last?.reply, .done(message: "inline.bin: priority high"))
        let listed = await engine.infoHashes
        XCTAssertEqual(listed, [fixture.metainfo.infoHash], "the add is not lost")
        await server.close()
        await engine.shutdown()
    }

    /// A client sending requests without waiting gets every one answered, however many: the connection
    /// stops reading while too many are in progress, and goes on as they are answered.
    func testManyPipelinedRequestsAreAllAnswered() async throws {
        let server = try await ControlServer.start(socketPath: socketPath, handler: Echo(), group: MultiThreadedEventLoopGroup.singleton)
        let count = 500
        var lines = ControlCodec.encode(RequestEnvelope(id: 0, request: .hello(version: ControlProtocol.version, client: "t")))
        for id in 1...count {
            lines += ControlCodec.encode(RequestEnvelope(id: id, request: id % 2 == 0 ? .list : .pause(torrent: "\(id)")))
        }
        let socket = try RawSocket.connect(socketPath)
        defer { socket.close() }
        let all = lines
        let ids = try await RawSocket.offPool { () -> [Int] in
            socket.write(all)
            return try (0...count).map { _ in
                guard let text = socket.readLine() else { throw RawSocket.Failure(description: "no reply within 10 s") }
                return try ControlCodec.decode(ReplyEnvelope.self, from: Array(text.utf8)).id ?? -1
            }
        }
        XCTAssertEqual(Set(ids), Set(0...count))
        let changes = ids.filter { $0 % 2 == 1 }
        XCTAssertEqual(changes, changes.sorted(), "changes in order")
        await server.close()
    }

    /// A handler whose rows take 40 ms to build; it counts how often they are built.
    private final class SlowRows: ControlHandler, @unchecked Sendable {
        private let lock = NSLock()
        private var builds = 0
        private var views = 0
        var counts: (builds: Int, views: Int) { lock.withLock { (builds, views) } }

        func handle(_ request: ControlRequest) async -> ControlReply { .done(message: "ok") }
        func view(selected: String?, reusing rows: [TorrentListItem]?) async -> EngineView {
            if rows == nil { try? await Task.sleep(for: .milliseconds(40)) }
            let (built, seen) = lock.withLock { () -> (Int, Int) in
                views += 1
                if rows == nil { builds += 1 }
                return (builds, views)
            }
            return EngineView(rows: [], summary: EngineSummary(
                downloadLimit: nil, uploadLimit: nil, freeDiskBytes: Int64(seen), listenPort: built, downloadDirectory: "-"))
        }
    }

    func testCostlyRowsAreBuiltLessOftenButAtOnceAfterARequest() async throws {
        let handler = SlowRows()
        let server = try await ControlServer.start(socketPath: socketPath, handler: handler, group: MultiThreadedEventLoopGroup.singleton)
        let client = try await ControlClient.connect(socketPath: socketPath)
        let stream = client.subscribe(intervalMilliseconds: 100, selected: nil)
        let watching = Task { do { for try await _ in stream {} } catch {} }
        try await Task.sleep(for: .milliseconds(1500))
        let before = handler.counts
        XCTAssertGreaterThanOrEqual(before.views, 5, "the summary is fresh every 100 ms or so")
        XCTAssertLessThanOrEqual(before.builds, 2, "rows costing 40 ms are built again after 3 s at the soonest")
        try await client.send(.pause(torrent: "x"))
        try await Task.sleep(for: .milliseconds(400))
        XCTAssertEqual(handler.counts.builds, before.builds + 1, "a request has the rows built again at the next push")
        client.close()
        watching.cancel()
        await server.close()
    }

    func testSocketIsPrivateAndAStaleOneIsReplaced() async throws {
        // A socket file left by a daemon that died: bound, never unlinked.
        let stale = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in socketPath.utf8.enumerated() { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(stale, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        XCTAssertEqual(bound, 0)
        close(stale)
        do {
            _ = try await ControlClient.connect(socketPath: socketPath)
            XCTFail("nobody listens on a stale socket")
        } catch let error as ControlClientError {
            XCTAssertEqual(error, .noDaemon(socket: socketPath))
        }

        let server = try await ControlServer.start(socketPath: socketPath, handler: Echo(), group: MultiThreadedEventLoopGroup.singleton)
        var info = stat()
        XCTAssertEqual(lstat(socketPath, &info), 0)
        XCTAssertEqual(info.st_mode & S_IFMT, S_IFSOCK)
        XCTAssertEqual(info.st_mode & 0o777, 0o600, "only the user may connect")
        XCTAssertEqual(lstat(dir.url.appendingPathComponent("run").path, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o700)

        let client = try await ControlClient.connect(socketPath: socketPath)
        XCTAssertEqual(client.daemonPID, getpid())
        let reply = try await client.send(.pause(torrent: "x"))
        XCTAssertEqual(reply, .done(message: "did \(ControlRequest.pause(torrent: "x"))"))
        client.close()
        await server.close()
        XCTAssertFalse(FileManager.default.fileExists(atPath: socketPath), "closing removes the socket")
    }

    func testAFileThatIsNotASocketIsLeftAlone() async throws {
        _ = FileManager.default.createFile(atPath: socketPath, contents: Data("mine".utf8))
        do {
            _ = try await ControlServer.start(socketPath: socketPath, handler: Echo(), group: MultiThreadedEventLoopGroup.singleton)
            XCTFail("a regular file in the way is not deleted")
        } catch {
            XCTAssertTrue("\(error)".contains("not a socket"), "\(error)")
        }
        XCTAssertEqual(FileManager.default.contents(atPath: socketPath), Data("mine".utf8))
    }

    func testOtherVersionsAndHostileLinesGetClearAnswers() async throws {
        let server = try await ControlServer.start(socketPath: socketPath, handler: Echo(), group: MultiThreadedEventLoopGroup.singleton)
        defer { Task { await server.close() } }
        let path = socketPath
        let lines = try await RawSocket.offPool { () -> [String?] in
            var answers: [String?] = []
            // A client of another version: told both versions, then hung up on.
            let old = try RawSocket.connect(path)
            old.write("{\"id\":1,\"request\":{\"hello\":{\"version\":99,\"client\":\"future\"}}}\n")
            answers.append(old.readLine())
            answers.append(old.readLine())
            old.close()
            // Anything before hello is refused.
            let rude = try RawSocket.connect(path)
            rude.write("{\"id\":1,\"request\":{\"list\":{}}}\n")
            answers.append(rude.readLine())
            rude.close()
            // Garbage after hello gets an error and the connection goes on.
            let messy = try RawSocket.connect(path)
            messy.write("{\"id\":1,\"request\":{\"hello\":{\"version\":\(ControlProtocol.version),\"client\":\"t\"}}}\n")
            answers.append(messy.readLine())
            messy.write("this is not json\n\n{\"id\":7,\"request\":{\"frobnicate\":{}}}\n{\"id\":8,\"request\":{\"list\":{}}}\n")
            answers.append(messy.readLine())
            answers.append(messy.readLine())
            answers.append(messy.readLine())
            // A line longer than the limit: refused before it ends, and the connection closes.
            messy.write([UInt8](repeating: UInt8(ascii: "x"), count: ControlProtocol.maxRequestLine + 1024))
            answers.append(messy.readLine())
            answers.append(messy.readLine())
            messy.close()
            return answers
        }
        XCTAssertEqual(lines.count, 9)
        let mismatch = lines[0] ?? ""
        XCTAssertTrue(mismatch.contains("version 99") && mismatch.contains("version \(ControlProtocol.version)"), mismatch)
        XCTAssertNil(lines[1], "the daemon hangs up on another version")
        XCTAssertTrue(lines[2]?.contains("say hello first") ?? false, lines[2] ?? "nil")
        XCTAssertTrue(lines[3]?.contains("welcome") ?? false)
        XCTAssertTrue(lines[4]?.contains("not JSON") ?? false, lines[4] ?? "nil")
        XCTAssertTrue(lines[5]?.contains("failure") ?? false, lines[5] ?? "nil")
        XCTAssertTrue(lines[6]?.contains("\"id\":8") ?? false, "requests after bad lines are answered: \(lines[6] ?? "nil")")
        XCTAssertTrue(lines[7]?.contains("longer than") ?? false, lines[7] ?? "nil")
        XCTAssertNil(lines[8])

        let stillFine = try await ControlClient.connect(socketPath: socketPath)
        let listed = try await stillFine.send(.list)
        XCTAssertEqual(listed, .done(message: "did list"))
        stillFine.close()
    }

    func testAClientRefusesADaemonOfAnotherVersion() async throws {
        _ = try RawSocket.serveOnce(socketPath, reply: #"{"id":1,"reply":{"welcome":{"version":99,"pid":4242}}}"#)
        do {
            _ = try await ControlClient.connect(socketPath: socketPath)
            XCTFail("a daemon of version 99 is not talked to")
        } catch {
            let text = "\(error)"
            XCTAssertTrue(text.contains("this swarm speaks version \(ControlProtocol.version)") && text.contains("daemon speaks version 99"), text)
        }
    }

    func testSubscribersGetSnapshotsAtABoundedRateAndCanChangeSelection() async throws {
        let server = try await ControlServer.start(socketPath: socketPath, handler: Echo(), group: MultiThreadedEventLoopGroup.singleton)
        let client = try await ControlClient.connect(socketPath: socketPath)
        let start = ContinuousClock.now
        var received: [EngineView] = []
        for try await snapshot in client.subscribe(intervalMilliseconds: 1, selected: "first") {
            received.append(snapshot)
            if received.count == 3 { client.select("second") }
            if received.count == 6 { break }
        }
        let elapsed = ContinuousClock.now - start
        XCTAssertGreaterThanOrEqual(elapsed, .milliseconds(5 * ControlProtocol.minimumSnapshotInterval - 50),
            "asking for 1 ms gets the minimum interval")
        XCTAssertEqual(received.first?.summary.downloadDirectory, "first")
        XCTAssertEqual(received.last?.summary.downloadDirectory, "second")
        // Requests still work on a subscribed connection.
        let listed = try await client.send(.list)
        XCTAssertEqual(listed, .done(message: "did list"))
        client.close()
        await server.close()
    }

    func testTheLockKeepsASecondDaemonOut() throws {
        let path = dir.url.appendingPathComponent("run/daemon.lock").path
        XCTAssertFalse(DaemonLock.isHeld(at: path))
        var first: DaemonLock? = try DaemonLock(path: path)
        XCTAssertTrue(DaemonLock.isHeld(at: path))
        XCTAssertThrowsError(try DaemonLock(path: path)) { error in
            XCTAssertTrue("\(error)".contains("already running (pid \(getpid()))"), "\(error)")
        }
        XCTAssertNotNil(first)
        first = nil
        XCTAssertFalse(DaemonLock.isHeld(at: path), "released with its holder")
        XCTAssertNoThrow(try DaemonLock(path: path))
    }

    func testPendingAddsRoundTripAndBrokenOnesAreSetAside() throws {
        let pending = PendingAdds(directory: dir.url.appendingPathComponent("pending"))
        let entry = PendingAdds.Entry(source: .torrent(Data([1, 2, 3])), directory: "/data", paused: true)
        try pending.store(entry)
        _ = FileManager.default.createFile(atPath: pending.directory.appendingPathComponent("9-bad.json").path, contents: Data("{oops".utf8))
        let listed = pending.list()
        XCTAssertEqual(listed.count, 2)
        XCTAssertEqual(try listed[0].entry.get(), entry)
        XCTAssertThrowsError(try listed[1].entry.get())
        pending.setAside(listed[1].file)
        XCTAssertEqual(pending.list().count, 1, "a set-aside file is not tried again")
    }

    /// add, list, pause, resume, remove through the socket while a download from a loopback seeder runs.
    func testEngineControlOverTheSocketDuringADownload() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tracker = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 30)
        let fixture = try TorrentFixture.singleFile(
            name: "socket.bin", length: 4 << 20, pieceLength: 32 * 1024, trackers: ["http://127.0.0.1:\(tracker.port)/announce"])
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session { $0.uploadLimit = 1_048_576 }
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)

        let engine = try await LoopbackSwarm.session()
        let stopped = expectation(description: "shutdown requested")
        let controller = EngineController(session: engine, downloadDirectory: fixture.downloadDirectory) { stopped.fulfill() }
        let server = try await ControlServer.start(socketPath: socketPath, handler: controller, group: MultiThreadedEventLoopGroup.singleton)
        let client = try await ControlClient.connect(socketPath: socketPath)

        let added = try await client.send(.add(source: .torrent(Data(fixture.torrentBytes)), directory: nil, paused: false))
        XCTAssertEqual(added, .added(infoHash: fixture.metainfo.infoHash, name: "socket.bin"))
        do {
            try await client.send(.add(source: .torrent(Data(fixture.torrentBytes)), directory: nil, paused: false))
            XCTFail("a duplicate is refused")
        } catch { XCTAssertTrue("\(error)".contains("already added"), "\(error)") }
        do {
            try await client.send(.add(source: .magnet("magnet:?xt=urn:btih:nothex"), directory: nil, paused: false))
            XCTFail("a broken magnet link is refused")
        } catch { XCTAssertTrue("\(error)".contains("nothex"), "the error names the bad part: \(error)") }
        let otherHash = String(repeating: "5a", count: 20)
        let magnet = try await client.send(.add(source: .magnet("magnet:?xt=urn:btih:\(otherHash)&dn=elsewhere"), directory: nil, paused: true))
        XCTAssertEqual(magnet, .added(infoHash: InfoHash(hex: otherHash)!, name: "elsewhere"))
        let removedMagnet = try await client.send(.remove(torrent: "5a5a", deleteData: false))
        guard case .done = removedMagnet else { return XCTFail("\(removedMagnet)") }
        do {
            try await client.send(.add(source: .torrent(Data("garbage".utf8)), directory: nil, paused: false))
            XCTFail("a broken torrent is refused")
        } catch { XCTAssertFalse("\(error)".isEmpty) }

        func current() async throws -> TorrentSnapshot? {
            guard case .snapshot(let snapshot) = try await client.send(.list) else { return nil }
            return snapshot.torrents.first
        }
        func waitFor(_ what: String, _ condition: (TorrentSnapshot) -> Bool) async throws -> TorrentSnapshot {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                if let torrent = try await current(), condition(torrent) { return torrent }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw RawSocket.Failure(description: "timed out waiting for \(what)")
        }
        let started = try await waitFor("some progress") { $0.bytesHave > 0 && $0.activity == .downloading }
        XCTAssertLessThan(started.bytesHave, started.totalLength)

        let reply1 = try await client.send(.pause(torrent: "socket"))
        XCTAssertEqual(reply1, .done(message: "paused socket.bin"))
        let paused = try await waitFor("paused") { $0.activity == .paused }
        try await Task.sleep(for: .milliseconds(800))
        let stillPaused = try await current()
        XCTAssertEqual(stillPaused?.bytesHave, paused.bytesHave, "nothing arrives while paused")

        let reply2 = try await client.send(.resume(torrent: "1"))
        XCTAssertEqual(reply2, .done(message: "resumed socket.bin"))
        let limited = try await client.send(.limit(torrent: nil, download: .bytesPerSecond(8_388_608), upload: nil))
        XCTAssertEqual(limited, .done(message: "all torrents: download 8.0 MiB/s, upload unlimited"))
        let done = try await waitFor("the download to finish") { $0.isComplete }
        XCTAssertEqual(done.bytesHave, done.totalLength)

        let hex = fixture.metainfo.infoHash.hex
        let removed = try await client.send(.remove(torrent: String(hex.prefix(6)), deleteData: false))
        XCTAssertEqual(removed, .done(message: "removed socket.bin (its data is kept)"))
        let afterRemove = try await current()
        XCTAssertNil(afterRemove)
        let file = fixture.downloadDirectory.appendingPathComponent("socket.bin")
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload, "kept data is the whole payload")
        do {
            try await client.send(.pause(torrent: "socket"))
            XCTFail("no torrent is left")
        } catch { XCTAssertTrue("\(error)".contains("no torrent matches"), "\(error)") }

        let reply3 = try await client.send(.shutdown)
        XCTAssertEqual(reply3, .done(message: "the daemon is stopping"))
        await fulfillment(of: [stopped], timeout: 5)
        client.close()
        await server.close()
        await engine.shutdown()
        await seeder.shutdown()
        await tracker.stop()
        try await group.shutdownGracefully()
    }

    /// A subscriber's view, built from one overview and then only changes, follows adds, pauses and
    /// removals, and ends equal to a fresh overview.
    func testASubscribersViewFollowsTheEngine() async throws {
        let first = try TorrentFixture.singleFile(name: "one.bin", length: 256 * 1024, pieceLength: 32 * 1024, trackers: [])
        let second = try TorrentFixture.singleFile(name: "two.bin", length: 128 * 1024, pieceLength: 32 * 1024, trackers: [])
        defer { first.remove(); second.remove() }
        let engine = try await LoopbackSwarm.session()
        let controller = EngineController(session: engine, downloadDirectory: first.seedDirectory) {}
        let server = try await ControlServer.start(socketPath: socketPath, handler: controller, group: MultiThreadedEventLoopGroup.singleton)
        let client = try await ControlClient.connect(socketPath: socketPath)
        let views = client.subscribe(intervalMilliseconds: 100, selected: "two")
        var iterator = views.makeAsyncIterator()
        func waitFor(_ what: String, _ condition: (EngineView) -> Bool) async throws -> EngineView {
            while let view = try await iterator.next() { if condition(view) { return view } }
            throw RawSocket.Failure(description: "the subscription ended before \(what)")
        }
        _ = try await waitFor("the empty list") { $0.rows.isEmpty }
        try await client.send(.add(source: .torrent(Data(first.torrentBytes)), directory: nil, paused: false))
        try await client.send(.add(source: .torrent(Data(second.torrentBytes)), directory: second.seedDirectory.path, paused: true))
        let both = try await waitFor("both torrents") { $0.rows.count == 2 && $0.rows[0].activity == .seeding }
        XCTAssertEqual(both.rows.map(\.name), ["one.bin", "two.bin"])
        XCTAssertEqual(both.rows[1].activity, .paused)
        XCTAssertEqual(both.selected?.snapshot.name, "two.bin", "the selected torrent comes in full")
        XCTAssertEqual(both.selected?.detail?.files.count, 1)
        try await client.send(.remove(torrent: "one", deleteData: false))
        try await client.send(.resume(torrent: "two"))
        let last = try await waitFor("the removal and the resume") { $0.rows.count == 1 && $0.rows[0].activity == .seeding }
        guard case .overview(let fresh) = try await client.send(.overview) else { return XCTFail("overview expected") }
        XCTAssertEqual(last.rows, fresh.rows, "changes applied to the first overview give what a new overview says")
        client.close()
        await server.close()
        await engine.shutdown()
    }

    /// `swarm add <magnet>` reaches the engine: the metadata comes from the peer the link names, then
    /// the download completes, and `list` shows it all along.
    func testMagnetAddedOverTheSocketDownloads() async throws {
        let fixture = try TorrentFixture.singleFile(name: "magnet.bin", length: 1 << 20, pieceLength: 32 * 1024, trackers: [])
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let port = await seeder.listenPort
        let engine = try await LoopbackSwarm.session()
        let controller = EngineController(session: engine, downloadDirectory: fixture.downloadDirectory) {}
        let server = try await ControlServer.start(socketPath: socketPath, handler: controller, group: MultiThreadedEventLoopGroup.singleton)
        let client = try await ControlClient.connect(socketPath: socketPath)
        let link = "magnet:?xt=urn:btih:\(fixture.metainfo.infoHash.hex)&dn=magnet.bin&x.pe=127.0.0.1:\(port)"
        let added = try await client.send(.add(source: .magnet(link), directory: nil, paused: false))
        XCTAssertEqual(added, .added(infoHash: fixture.metainfo.infoHash, name: "magnet.bin"))
        let deadline = ContinuousClock.now + .seconds(30)
        var done = false
        while ContinuousClock.now < deadline, !done {
            if case .snapshot(let snapshot) = try await client.send(.list),
                let torrent = snapshot.torrents.first(where: { $0.infoHash == fixture.metainfo.infoHash }), torrent.isFinished
            {
                done = true
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        XCTAssertTrue(done, "the magnet download did not finish")
        XCTAssertEqual(try Data(contentsOf: fixture.downloadDirectory.appendingPathComponent("magnet.bin")), try Data(contentsOf: fixture.payloadURL))
        client.close()
        await server.close()
        await engine.shutdown()
        await seeder.shutdown()
    }
}
