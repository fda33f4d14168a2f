import Foundation
import TestSupport
import Testing

/// The new keys of an attached UI reach the daemon: sequential, seeding and rate limits, all torrents'
/// options, moving data and adding into a chosen folder, checked with the command line.
@Suite(.serialized, .enabled(if: Tmux.available && Tmux.binary != nil)) struct TmuxControlKeysTests {
    private func swarm(_ arguments: [String], state: String) -> (status: Int32, stdout: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Tmux.binary!)
        process.arguments = arguments + ["--state-dir", state]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return (-1, "") }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self))
    }

    private func waitUntil(_ what: String, seconds: Double = 15, _ condition: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw Tmux.Timeout(description: "waited \(seconds)s for \(what)")
    }

    private func directory(of torrent: String, state: String) -> String? {
        let output = swarm(["files", "--json", torrent], state: state)
        guard output.status == 0, let object = try? JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        else { return nil }
        return object["directory"] as? String
    }

    @Test func newKeysReachTheDaemon() throws {
        let fixture = try TorrentFixture.singleFile(name: "keys.bin", length: 64 << 10)
        let other = try TorrentFixture.singleFile(name: "other.bin", length: 32 << 10, seed: 7)
        let state = fixture.root.appendingPathComponent("s").path
        defer {
            _ = swarm(["shutdown"], state: state)
            fixture.remove()
            other.remove()
        }
        let ui = try Tmux(
            command: "\(Tmux.binary!) \(fixture.torrentURL.path) --state-dir \(state) --bind 127.0.0.1 --port 0 --no-dht "
                + "--dir \(fixture.downloadDirectory.path)",
            term: "tmux-256color")
        defer { ui.stop() }
        try ui.waitFor("keys.bin", seconds: 30)

        // The options travel with the selected torrent's detail, a moment after the list: until then the
        // key says so and changes nothing.
        var sequential = false
        for _ in 0..<20 where !sequential {
            ui.send("o")
            sequential = (try? waitUntil("sequential on", seconds: 1.5) {
                swarm(["set", "1"], state: state).stdout.contains("sequential on")
            }) != nil
        }
        #expect(sequential, "the options never arrived")
        try waitUntil("sequential on") { swarm(["set", "1"], state: state).stdout.contains("sequential on") }
        ui.send("e", "C-u", "2/-", "Enter")
        try waitUntil("seed ratio 2") { swarm(["set", "1"], state: state).stdout.contains("seed ratio 2.00,") }
        ui.send("l", "C-u", "1M/0", "Enter")
        try waitUntil("a download limit") {
            swarm(["limit", "1"], state: state).stdout == "keys.bin: download 1.0 MiB/s, upload unlimited\n"
        }
        ui.send("O")
        try ui.waitFor("max-active-seeds=none", seconds: 5)
        ui.send("C-u", "max-active-downloads=2 seed-time=90", "Enter")
        try waitUntil("all torrents' options") {
            let shown = swarm(["set"], state: state).stdout
            return shown.contains("seed time 90 min") && shown.contains("active downloads 2,")
        }

        let moved = fixture.root.appendingPathComponent("moved").path
        ui.send("m", moved, "Enter")
        try waitUntil("the data moved") { directory(of: "keys", state: state) == moved }
        #expect(FileManager.default.fileExists(atPath: moved + "/keys.bin.part") || FileManager.default.fileExists(atPath: moved + "/keys.bin"))

        let chosen = fixture.root.appendingPathComponent("chosen").path
        ui.send("a", "C-d", other.torrentURL.path, "Enter")
        try ui.waitFor("Save in")
        ui.send(chosen, "Enter")
        try waitUntil("the second torrent in the chosen folder") { directory(of: "other", state: state) == chosen }

        ui.send("q")
        try ui.waitFor("Stop the engine too?")
        ui.send("y")
        #expect(try ui.exitStatus(seconds: 20) == 0)
    }
}
