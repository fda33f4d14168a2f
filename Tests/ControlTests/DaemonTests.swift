import Engine
import Foundation
import NIOPosix
import TestSupport
import TorrentModel
import XCTest

/// `swarm daemon` and the commands that drive it, as a user runs them: the real binary, a loopback
/// tracker and a seeder in this process.
final class DaemonTests: XCTestCase {
    typealias Output = ProcessOutput

    /// Under /tmp whatever TMPDIR says: short, so the socket path stays under the 103-byte limit, and
    /// reachable by another user for the refusal test.
    private var root: URL!
    private var daemons: [Process] = []
    private var state: String { root.appendingPathComponent("s").path }
    private var socketPath: String { state + "/run/control.sock" }

    override func setUpWithError() throws {
        var template = Array("/tmp/swd-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RawSocket.Failure(description: "mkdtemp: \(errno)") }
        root = URL(fileURLWithPath: String(cString: made))
    }

    override func tearDown() {
        for daemon in daemons where daemon.isRunning {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: root)
    }

    static func swarmBinary() throws -> URL { try SwarmExecutable.locate() }

    /// Runs `swarm <arguments> --state-dir <state>`, optionally as another user through `prefix`.
    @discardableResult
    private func swarm(_ arguments: [String], prefix: [String] = [], binary: String? = nil) throws -> Output {
        let binary = try binary ?? Self.swarmBinary().path
        if prefix.isEmpty {
            return try ProcessOutput.run(URL(fileURLWithPath: binary), arguments + ["--state-dir", state])
        }
        return try ProcessOutput.run(URL(fileURLWithPath: prefix[0]),
                                     Array(prefix.dropFirst()) + [binary] + arguments + ["--state-dir", state])
    }

    /// Starts `swarm daemon` on loopback and waits until it answers.
    private func startDaemon(downloads: URL, extra: [String] = []) throws -> Process {
        let process = try SwarmExecutable.startDaemon(state: state, downloads: downloads.path, extra: extra)
        daemons.append(process)
        return process
    }

    private func waitUntil(_ what: String, seconds: Double = 30, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw RawSocket.Failure(description: "timed out waiting for \(what)")
    }

    private func waitForExit(_ process: Process, seconds: Double = 15) throws -> Int32 {
        try waitUntil("the daemon to exit", seconds: seconds) { !process.isRunning }
        return process.terminationStatus
    }

    private struct Entry: Decodable {
        var number: Int
        var infoHash: String
        var name: String
        var state: String
        var progress: Double
        var bytesDone: Int64
    }

    private func list() throws -> [Entry] {
        let output = try swarm(["list", "--json"])
        guard output.status == 0 else { throw RawSocket.Failure(description: "list failed: \(output.stderr)") }
        return try JSONDecoder().decode([Entry].self, from: Data(output.stdout.utf8))
    }

    /// A tracker and a seeder capped at 1 MiB/s, so a download of `length` bytes takes a while.
    private func seededFixture(length: Int) async throws -> (TorrentFixture, Session, TrackerServer, MultiThreadedEventLoopGroup) {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tracker = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 30)
        let fixture = try TorrentFixture.singleFile(
            name: "daemon.bin", length: length, pieceLength: 32 * 1024, trackers: ["http://127.0.0.1:\(tracker.port)/announce"])
        let seeder = try await LoopbackSwarm.session { $0.uploadLimit = 1_048_576 }
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        return (fixture, seeder, tracker, group)
    }

    func testPendingAddThenControlOfARunningDownload() async throws {
        let (fixture, seeder, tracker, group) = try await seededFixture(length: 6 << 20)
        defer { fixture.remove() }

        let saved = try swarm(["add", fixture.torrentURL.path, "--dir", fixture.downloadDirectory.path])
        XCTAssertEqual(saved.status, 0, saved.stderr)
        XCTAssertTrue(saved.stdout.contains("no daemon is running: saved for its next start"), saved.stdout)
        let none = try swarm(["list"])
        XCTAssertEqual(none.status, 1)
        XCTAssertTrue(none.stderr.contains("no swarm daemon is running"), none.stderr)

        let daemon = try startDaemon(downloads: root)
        var info = stat()
        XCTAssertEqual(lstat(socketPath, &info), 0)
        XCTAssertEqual(info.st_mode & 0o777, 0o600, "the socket is the user's alone")
        let pending = try FileManager.default.contentsOfDirectory(atPath: state + "/pending")
        XCTAssertEqual(pending, [], "the pending add was taken")

        try waitUntil("progress from the seeder") { try self.list().first.map { $0.bytesDone > 0 } ?? false }
        let first = try list()
        XCTAssertEqual(first.count, 1)
        XCTAssertEqual(first[0].infoHash, fixture.metainfo.infoHash.hex)
        XCTAssertEqual(first[0].number, 1)

        let table = try swarm(["list"])
        XCTAssertTrue(table.stdout.contains("daemon.bin") && table.stdout.contains(String(fixture.metainfo.infoHash.hex.prefix(8))), table.stdout)
        XCTAssertTrue(table.stdout.hasPrefix("  #  hash      state ") && table.stdout.contains("  peers  prio    name\n"), table.stdout)
        XCTAssertTrue(table.stdout.contains("  normal  daemon.bin"), "the priority column: \(table.stdout)")

        let pause = try swarm(["pause", "daemon"])
        XCTAssertEqual(pause.stdout, "paused daemon.bin\n", pause.stderr)
        try waitUntil("Paused") { try self.list().first?.state == "Paused" }
        let ambiguous = try swarm(["resume", "zz-no-such"])
        XCTAssertEqual(ambiguous.status, 1)
        XCTAssertTrue(ambiguous.stderr.contains("no torrent matches 'zz-no-such'"), ambiguous.stderr)
        XCTAssertEqual(try swarm(["resume", String(fixture.metainfo.infoHash.hex.prefix(5))]).stdout, "resumed daemon.bin\n")

        let limit = try swarm(["limit", "--down", "16M", "1"])
        XCTAssertEqual(limit.stdout, "daemon.bin: download 16.0 MiB/s, upload unlimited\n", limit.stderr)
        let badLimit = try swarm(["limit", "--up", "fast"])
        XCTAssertNotEqual(badLimit.status, 0)

        let second = try swarm(["daemon", "--bind", "127.0.0.1", "--port", "0"])
        XCTAssertEqual(second.status, 1)
        XCTAssertTrue(second.stderr.contains("already running (pid \(daemon.processIdentifier))"), second.stderr)

        try waitUntil("the download to finish", seconds: 60) { try self.list().first?.progress == 1 }
        let file = fixture.downloadDirectory.appendingPathComponent("daemon.bin")
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
        XCTAssertEqual(try swarm(["remove", "--delete-data", "1"]).stdout, "removed daemon.bin and deleted its data\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path))
        XCTAssertEqual(try list().count, 0)

        XCTAssertEqual(try swarm(["shutdown"]).stdout, "the daemon is stopping\n")
        XCTAssertEqual(try waitForExit(daemon), 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: socketPath), "a clean stop removes the socket")

        await seeder.shutdown()
        await tracker.stop()
        try await group.shutdownGracefully()
    }

    func testAnotherUserIsRefused() throws {
        guard getuid() == 0 else { throw XCTSkip("needs root to run a client as nobody") }
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let daemon = try startDaemon(downloads: root)
        let asNobody = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
        // The temporary folder must be reachable for the refusal to come from the socket itself, and the
        // binary runnable by nobody wherever the checkout is: a copy sits beside the state.
        chmod(root.path, 0o755)
        chmod(state, 0o755)
        let copy = root.appendingPathComponent("swarm").path
        try FileManager.default.copyItem(atPath: try Self.swarmBinary().path, toPath: copy)
        chmod(copy, 0o755)

        let blocked = try swarm(["list"], prefix: asNobody, binary: copy)
        XCTAssertEqual(blocked.status, 1)
        XCTAssertTrue(blocked.stderr.contains("permission denied"), "the 0700 directory and 0600 socket stop them: \(blocked.stderr)")

        // Even with the modes opened up by mistake, the daemon checks who connects (SO_PEERCRED).
        chmod(state + "/run", 0o777)
        chmod(socketPath, 0o777)
        let refused = try swarm(["list"], prefix: asNobody, binary: copy)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("refused: this swarm daemon belongs to uid 0; uid 65534 may not control it"), refused.stderr)
        let shutdown = try swarm(["shutdown"], prefix: asNobody, binary: copy)
        XCTAssertEqual(shutdown.status, 1)
        XCTAssertTrue(daemon.isRunning, "nobody could not stop it")
        XCTAssertEqual(try swarm(["list"]).status, 0, "its owner still can")

        daemon.terminate()
        XCTAssertEqual(try waitForExit(daemon), 0, "SIGTERM stops the daemon cleanly")
    }

    func testAStaleSocketFromAKilledDaemonIsReplaced() throws {
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let first = try startDaemon(downloads: root)
        kill(first.processIdentifier, SIGKILL)
        _ = try waitForExit(first)
        XCTAssertTrue(FileManager.default.fileExists(atPath: socketPath), "SIGKILL leaves the socket behind")
        let stale = try swarm(["list"])
        XCTAssertEqual(stale.status, 1)
        XCTAssertTrue(stale.stderr.contains("no swarm daemon is running"), stale.stderr)

        let second = try startDaemon(downloads: root)
        XCTAssertEqual(try swarm(["list"]).stdout, "no torrents (add one with swarm add <file.torrent>)\n")
        kill(second.processIdentifier, SIGINT)
        XCTAssertEqual(try waitForExit(second), 0, "SIGINT stops it cleanly")
        XCTAssertFalse(FileManager.default.fileExists(atPath: socketPath))
    }

    /// A change to one torrent is saved before its answer: with periodic saves an hour apart, a SIGKILL
    /// right after the command loses nothing of it.
    func testATorrentsChangeOutlivesAKillRightAfterIt() throws {
        let fixture = try TorrentFixture.singleFile(name: "instant.bin", length: 64 * 1024)
        defer { fixture.remove() }
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        func start() throws -> Process {
            try startDaemon(downloads: fixture.seedDirectory, extra: ["--save-interval", "3600"])
        }
        func killAndRestart(_ process: Process) throws -> Process {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return try start()
        }
        var daemon = try start()
        XCTAssertEqual(try swarm(["add", fixture.torrentURL.path, "--paused"]).status, 0)
        XCTAssertEqual(try swarm(["set", "instant", "--max-peers", "7"]).status, 0)
        daemon = try killAndRestart(daemon)
        XCTAssertEqual(try list().map(\.state), ["Paused"], "the add came through the kill")
        XCTAssertTrue(try swarm(["set", "instant"]).stdout.contains("peers 7"), "and the option set after it")
        XCTAssertEqual(try swarm(["resume", "instant"]).status, 0)
        daemon = try killAndRestart(daemon)
        try waitUntil("the torrent seeds again") { try self.list().map(\.state) == ["Seeding"] }
        XCTAssertEqual(try swarm(["pause", "1"]).status, 0)
        daemon = try killAndRestart(daemon)
        XCTAssertEqual(try list().map(\.state), ["Paused"])
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        XCTAssertEqual(try waitForExit(daemon), 0)
    }

    func testTorrentsOutliveTheDaemonAndAPendingDuplicateIsDropped() throws {
        let fixture = try TorrentFixture.singleFile(name: "kept.bin", length: 64 * 1024)
        defer { fixture.remove() }
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let first = try startDaemon(downloads: fixture.downloadDirectory)
        let added = try swarm(["add", fixture.torrentURL.path, "--paused"])
        XCTAssertEqual(added.stdout, "added kept.bin (\(fixture.metainfo.infoHash.hex.prefix(8))), paused\n", added.stderr)
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
        XCTAssertEqual(try waitForExit(first), 0)

        XCTAssertTrue(try swarm(["add", fixture.torrentURL.path]).stdout.contains("saved for its next start"))
        _ = try startDaemon(downloads: fixture.downloadDirectory)
        let entries = try list()
        XCTAssertEqual(entries.map(\.name), ["kept.bin"], "restored from the store, not added twice")
        XCTAssertEqual(entries.first?.state, "Paused", "a paused torrent comes back paused")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: state + "/pending"), [],
            "the pending duplicate is dropped, not set aside as failed")
        XCTAssertEqual(try swarm(["shutdown"]).status, 0)
    }
}
