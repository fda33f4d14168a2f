import Engine
import Foundation
import NIOPosix
import TestSupport
import TorrentModel
import XCTest

/// `swarm priority|files|file-priority|move|set` and `add --stop-after-metadata` against the real daemon
/// binary (loopback only, a temporary state directory), with a tracker and a seeder in this process.
final class DaemonOptionTests: XCTestCase {
    private var root: URL!
    private var daemon: Process?
    private var state: String { root.appendingPathComponent("s").path }

    override func setUpWithError() throws {
        var template = Array("/tmp/swo-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RawSocket.Failure(description: "mkdtemp: \(errno)") }
        root = URL(fileURLWithPath: String(cString: made))
    }

    override func tearDown() {
        if let daemon, daemon.isRunning {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: root)
    }

    private typealias Output = ProcessOutput

    @discardableResult
    private func swarm(_ arguments: [String]) throws -> Output {
        try ProcessOutput.run(SwarmExecutable.locate(), arguments + ["--state-dir", state])
    }

    private func startDaemon(_ extra: [String] = []) throws {
        daemon = try SwarmExecutable.startDaemon(state: state, downloads: root.path, extra: extra)
    }

    private func waitUntil(_ what: String, seconds: Double = 30, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw RawSocket.Failure(description: "timed out waiting for \(what)")
    }

    private struct Entry: Decodable {
        var state: String
        var progress: Double
        var priority: String
    }

    private func list() throws -> [Entry] {
        let output = try swarm(["list", "--json"])
        guard output.status == 0 else { throw RawSocket.Failure(description: "list failed: \(output.stderr)") }
        return try JSONDecoder().decode([Entry].self, from: Data(output.stdout.utf8))
    }

    private struct Files: Decodable {
        struct File: Decodable {
            var index: Int
            var priority: String
            var path: String
            var size: Int64
            var bytesDone: Int64
        }
        var directory: String
        var files: [File]
    }

    private func files() throws -> Files {
        let output = try swarm(["files", "--json", "1"])
        guard output.status == 0 else { throw RawSocket.Failure(description: "files failed: \(output.stderr)") }
        return try JSONDecoder().decode(Files.self, from: Data(output.stdout.utf8))
    }

    func testSkipPriorityMoveAndOptionsThroughTheCommandLine() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tracker = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 30)
        // Piece-aligned files, so skipping the middle one shares no piece with the others.
        let fixture = try TorrentFixture.multiFile(
            name: "album", files: [.init("a.bin", length: 64 << 10), .init("b.bin", length: 64 << 10), .init("c.bin", length: 32 << 10)],
            pieceLength: 16 << 10, trackers: ["http://127.0.0.1:\(tracker.port)/announce"])
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        try startDaemon()

        let added = try swarm(["add", fixture.torrentURL.path, "--dir", fixture.downloadDirectory.path, "--paused"])
        XCTAssertEqual(added.status, 0, added.stderr)
        let folder = fixture.downloadDirectory.appendingPathComponent("album")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "a torrent added paused creates no file yet")

        let table = try swarm(["files", "album"])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("  1  normal"), table.stdout)
        XCTAssertTrue(table.stdout.contains("b.bin"), table.stdout)

        let skip = try swarm(["file-priority", "album", "1", "skip"])
        XCTAssertEqual(skip.stdout, "album: file 1 skip\n", skip.stderr)
        XCTAssertEqual(try files().files.map(\.priority), ["normal", "skip", "normal"])
        let high = try swarm(["priority", "1", "high"])
        XCTAssertEqual(high.stdout, "album: priority high\n", high.stderr)
        XCTAssertEqual(try list().first?.priority, "high")
        XCTAssertTrue(try swarm(["list"]).stdout.contains("  high    album\n"), "the table's priority column")

        let options = try swarm(["set", "1", "--sequential", "on", "--first-last", "on", "--seed-ratio", "3"])
        XCTAssertEqual(options.status, 0, options.stderr)
        XCTAssertTrue(options.stdout.hasPrefix("album: sequential on, first and last pieces first on, seed ratio 3.00,"), options.stdout)
        XCTAssertTrue(try swarm(["set", "1"]).stdout.contains("sequential on"), "the options stay set")
        let session = try swarm(["set", "--seed-time", "90", "--max-connections", "50", "--max-active-downloads", "4"])
        XCTAssertEqual(session.status, 0, session.stderr)
        XCTAssertTrue(session.stdout.contains("seed time 90 min, connections 50,"), session.stdout)
        XCTAssertTrue(session.stdout.contains("active downloads 4, active seeds unlimited"), session.stdout)
        XCTAssertTrue(try swarm(["set", "1"]).stdout.contains("seed time 90 min (all torrents')"), "a torrent without its own takes the session's")
        XCTAssertTrue(try swarm(["set", "1", "--seed-time", "none"]).stdout.contains("seed time none,"), "none of its own")
        XCTAssertTrue(try swarm(["set", "1", "--seed-time", "default"]).stdout.contains("seed time 90 min (all torrents')"))

        XCTAssertEqual(try swarm(["resume", "1"]).status, 0)
        try waitUntil("the wanted files", seconds: 60) { try self.list().first?.state == "Seeding" }
        XCTAssertEqual(try list().first?.progress, 1, "progress counts wanted files only")
        XCTAssertEqual([UInt8](try Data(contentsOf: folder.appendingPathComponent("a.bin"))), Array(fixture.contents(ofFile: 0)))
        XCTAssertEqual([UInt8](try Data(contentsOf: folder.appendingPathComponent("c.bin"))), Array(fixture.contents(ofFile: 2)))
        let skipped = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("b.bin") }
        XCTAssertEqual(skipped, [], "the skipped file is never created")

        let target = root.appendingPathComponent("moved")
        let move = try swarm(["move", "album", target.path])
        XCTAssertEqual(move.stdout, "moved album to \(target.path)\n", move.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "nothing is left behind")
        XCTAssertEqual(try files().directory, target.path)
        let moved = target.appendingPathComponent("album")
        XCTAssertEqual([UInt8](try Data(contentsOf: moved.appendingPathComponent("a.bin"))), Array(fixture.contents(ofFile: 0)))
        try waitUntil("seeding again after the move") { try self.list().first?.state == "Seeding" }
        XCTAssertEqual(try swarm(["recheck", "1"]).status, 0)
        try waitUntil("the recheck in the new place") {
            let entry = try self.list().first
            return entry?.state == "Seeding" && entry?.progress == 1
        }
        XCTAssertEqual(try files().files.map(\.bytesDone), [64 << 10, 0, 32 << 10], "every wanted piece verifies where it moved")

        // Mistakes give one line: bad arguments exit 2 before reaching the daemon, unknown torrents 1.
        for arguments in [["priority", "1", "urgent"], ["file-priority", "1", "x", "skip"], ["file-priority", "1", "0", "maybe"],
                          ["set", "--sequential", "on"], ["set", "1", "--max-connections", "5"], ["set", "1", "--seed-ratio=-1"],
                          ["add", fixture.torrentURL.path, "--stop-after-metadata"]] {
            let bad = try swarm(arguments)
            XCTAssertEqual(bad.status, 2, "\(arguments): \(bad.stderr)")
            XCTAssertEqual(bad.stderr.filter { $0 == "\n" }.count, 1, "\(arguments): \(bad.stderr)")
            XCTAssertTrue(bad.stderr.hasPrefix("swarm: "), bad.stderr)
        }
        let outOfRange = try swarm(["file-priority", "1", "7", "skip"])
        XCTAssertEqual(outOfRange.status, 1)
        XCTAssertEqual(outOfRange.stderr, "swarm: no file 7 (the torrent has 3 files)\n")
        let unknown = try swarm(["move", "no-such-torrent", target.path])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no torrent matches 'no-such-torrent'"), unknown.stderr)

        // After a restart: the new place, the skipped file and the options are remembered.
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        daemon?.waitUntilExit()
        try startDaemon()
        XCTAssertEqual(try files().directory, target.path)
        XCTAssertEqual(try files().files.map(\.priority), ["normal", "skip", "normal"])
        XCTAssertTrue(try swarm(["set", "1"]).stdout.contains("sequential on, first and last pieces first on, seed ratio 3.00"))
        XCTAssertEqual(try list().first?.priority, "high")
        try waitUntil("seeding from the new place after the restart") { try self.list().first?.state == "Seeding" }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path), "nothing is recreated in the old place")

        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        await seeder.shutdown()
        await tracker.stop()
        try await group.shutdownGracefully()
    }

    /// All torrents' options and rate limits set live outlive the daemon; a config.toml value changed since wins.
    func testOptionsOfAllTorrentsSetLiveAreKeptAcrossRestarts() throws {
        let config = root.appendingPathComponent("config.toml")
        func writeConfig(connections: Int) throws {
            try Data("[limits]\nmax_connections = \(connections)\n[seeding]\nratio = 2.0\n".utf8).write(to: config)
        }
        try writeConfig(connections: 100)
        try startDaemon(["--config", config.path])
        XCTAssertTrue(try swarm(["set"]).stdout.contains("seed ratio 2.00, seed time none, connections 100,"), "config.toml's at first")
        let set = try swarm(["set", "--max-connections", "50", "--max-active-seeds", "2", "--seed-ratio", "4"])
        XCTAssertEqual(set.status, 0, set.stderr)
        XCTAssertEqual(try swarm(["limit", "--up", "100"]).status, 0)

        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        daemon?.waitUntilExit()
        try startDaemon(["--config", config.path])
        let kept = try swarm(["set"]).stdout
        XCTAssertTrue(kept.contains("seed ratio 4.00, seed time none, connections 50,"), kept)
        XCTAssertTrue(kept.contains("active seeds 2"), kept)
        XCTAssertEqual(try swarm(["limit"]).stdout, "all torrents: download unlimited, upload 100 KiB/s\n")

        // The file's max_connections changes while the daemon is stopped: the newer choice wins; the rest stays.
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        daemon?.waitUntilExit()
        try writeConfig(connections: 80)
        try startDaemon(["--config", config.path])
        let changed = try swarm(["set"]).stdout
        XCTAssertTrue(changed.contains("seed ratio 4.00, seed time none, connections 80,"), changed)
        XCTAssertTrue(changed.contains("active seeds 2"), changed)
        // Set back to the file's value: nothing of its own is kept any more.
        XCTAssertEqual(try swarm(["set", "--seed-ratio", "2"]).status, 0)
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        daemon?.waitUntilExit()
        try Data("[limits]\nmax_connections = 80\n[seeding]\nratio = 1.5\n".utf8).write(to: config)
        try startDaemon(["--config", config.path])
        XCTAssertTrue(try swarm(["set"]).stdout.contains("seed ratio 1.50,"), "the file's new ratio, nothing set live over it")

        // Saved before the answer: a kill right after the change does not lose it.
        XCTAssertEqual(try swarm(["set", "--max-active-downloads", "3"]).status, 0)
        XCTAssertEqual(try swarm(["limit", "--down", "2M"]).status, 0)
        kill(daemon!.processIdentifier, SIGKILL)
        daemon?.waitUntilExit()
        try startDaemon(["--config", config.path])
        XCTAssertTrue(try swarm(["set"]).stdout.contains("active downloads 3,"), "kept through a kill")
        XCTAssertEqual(try swarm(["limit"]).stdout, "all torrents: download 2.0 MiB/s, upload 100 KiB/s\n")
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        daemon?.waitUntilExit()
    }

    func testAMagnetAddedToStopAfterMetadataWaitsPaused() async throws {
        let fixture = try TorrentFixture.multiFile(
            name: "pick", files: [.init("one.bin", length: 32 << 10), .init("two.bin", length: 32 << 10)], pieceLength: 16 << 10)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let port = await seeder.listenPort
        try startDaemon()
        let link = "magnet:?xt=urn:btih:\(fixture.metainfo.infoHash.hex)&dn=pick&x.pe=127.0.0.1:\(port)"
        let added = try swarm(["add", link, "--dir", fixture.downloadDirectory.path, "--stop-after-metadata"])
        XCTAssertEqual(added.status, 0, added.stderr)
        XCTAssertTrue(added.stdout.contains("pausing once its metadata is in"), added.stdout)
        try waitUntil("the metadata, then Paused") { try self.list().first?.state == "Paused" }
        XCTAssertEqual(try files().files.map(\.path), ["one.bin", "two.bin"])
        XCTAssertEqual(try list().first?.progress, 0, "nothing downloaded before the files are chosen")
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.downloadDirectory.appendingPathComponent("pick").path))
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        await seeder.shutdown()
    }

    /// A magnet link still waiting for its metadata has no data yet: `swarm move` changes where its files
    /// will go, kept across a restart, and the download lands there.
    func testMovingAMagnetBeforeItsMetadataChangesItsFolder() async throws {
        let fixture = try TorrentFixture.multiFile(
            name: "later", files: [.init("one.bin", length: 32 << 10), .init("two.bin", length: 16 << 10)], pieceLength: 16 << 10)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let port = await seeder.listenPort
        try startDaemon()
        let link = "magnet:?xt=urn:btih:\(fixture.metainfo.infoHash.hex)&dn=later&x.pe=127.0.0.1:\(port)"
        XCTAssertEqual(try swarm(["add", link, "--dir", fixture.downloadDirectory.path, "--paused"]).status, 0)
        XCTAssertEqual(try list().first?.state, "Paused")
        let target = root.appendingPathComponent("elsewhere")
        let move = try swarm(["move", "later", target.path])
        XCTAssertEqual(move.stdout, "later will be saved in \(target.path) (its metadata is still coming)\n", move.stderr)
        XCTAssertEqual(try swarm(["move", "later", target.path]).stdout, "later already goes to \(target.path)\n")
        XCTAssertEqual(try swarm(["move", "later", " "]).status, 2, "checked by the command line")

        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        daemon?.waitUntilExit()
        try startDaemon()
        XCTAssertEqual(try swarm(["resume", "1"]).status, 0)
        try waitUntil("the metadata, then the download", seconds: 60) { try self.list().first?.state == "Seeding" }
        XCTAssertEqual(try files().directory, target.path)
        let data = try Data(contentsOf: target.appendingPathComponent("later/one.bin"))
        XCTAssertEqual([UInt8](data), Array(fixture.contents(ofFile: 0)))
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.downloadDirectory.appendingPathComponent("later").path))
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        await seeder.shutdown()
    }
}
