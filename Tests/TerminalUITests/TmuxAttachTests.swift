import Engine
import Foundation
import NIOPosix
import TestSupport
import Testing

/// The UI as a front end of `swarm daemon`, under tmux: `swarm file.torrent` starts a daemon and attaches,
/// `Q` detaches while the download goes on, `swarm` attaches again, `q` then `y` stops the engine.
@Suite(.serialized, .enabled(if: Tmux.available && Tmux.binary != nil)) struct TmuxAttachTests {
    private func run(_ arguments: [String]) -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tmux.binary!)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        guard (try? process.run()) != nil else { return (-1, "", "cannot run swarm") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// Bytes done of the daemon's only torrent, from `swarm list --json`; nil when no daemon answers.
    private func bytesDone(state: String) -> Int64? {
        let output = run(["list", "--json", "--state-dir", state])
        guard output.status == 0,
            let entries = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [[String: Any]],
            let first = entries.first
        else { return nil }
        return (first["bytesDone"] as? NSNumber)?.int64Value
    }

    private func waitUntil(_ what: String, seconds: Double = 30, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Tmux.Timeout(description: "waited \(seconds)s for \(what)")
    }

    @Test func detachLeavesTheDownloadRunningAndQuitCanStopTheEngine() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tracker = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 30)
        let fixture = try TorrentFixture.singleFile(
            name: "attach.bin", length: 12 << 20, pieceLength: 32 * 1024, trackers: ["http://127.0.0.1:\(tracker.port)/announce"])
        let seeder = try await LoopbackSwarm.session { $0.uploadLimit = 512 * 1024 }
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let state = fixture.root.appendingPathComponent("s").path
        defer {
            _ = run(["shutdown", "--state-dir", state])
            fixture.remove()
        }

        let first = try Tmux(
            command: "\(Tmux.binary!) \(fixture.torrentURL.path) --state-dir \(state) --bind 127.0.0.1 --port 0 --dir \(fixture.downloadDirectory.path)",
            term: "tmux-256color")
        defer { first.stop() }
        try first.waitFor("attach.bin", seconds: 30)
        try first.waitFor("Downloading", seconds: 30)
        first.send("Q")
        #expect(try first.exitStatus(seconds: 10) == 0)
        try first.waitFor("detached: the daemon")

        var before: Int64 = 0
        try waitUntil("progress after detaching") {
            before = bytesDone(state: state) ?? 0
            return before > 0
        }
        try waitUntil("progress rising past \(before) while no UI is attached") { (bytesDone(state: state) ?? 0) > before }

        let second = try Tmux(command: "\(Tmux.binary!) --state-dir \(state)", term: "tmux-256color")
        defer { second.stop() }
        try second.waitFor("attach.bin", seconds: 20)
        second.send("q")
        try second.waitFor("Stop the engine too?")
        second.send("y")
        #expect(try second.exitStatus(seconds: 20) == 0)
        try second.waitFor("stopped the daemon")
        try waitUntil("the daemon to stop", seconds: 20) { bytesDone(state: state) == nil }
        #expect(run(["list", "--state-dir", state]).stderr.contains("no swarm daemon is running"))

        await seeder.shutdown()
        await tracker.stop()
        try await group.shutdownGracefully()
    }
}
