import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// `swarm download --json`: one JSON object per line, progress every `--json-interval`, and `complete`
/// once the data is verified and in place.
final class DownloadJSONTests: XCTestCase {
    func testLinesParseProgressFollowsTheIntervalAndCompleteComesWithTheData() async throws {
        let fixture = try TorrentFixture.singleFile(length: 3 << 20, pieceLength: 64 * 1024)
        defer { fixture.remove() }
        let torrentFile = fixture.root.appendingPathComponent("t.torrent")
        try Data(TorrentFixture.torrentBytes(
            name: fixture.metainfo.name, files: nil, payload: fixture.payload, pieceLength: 64 * 1024)).write(to: torrentFile)
        // 2 MiB/s: the 3 MiB take over a second, long enough for several progress lines.
        let seeder = try await LoopbackSwarm.session { $0.uploadLimit = Double(2 << 20) }
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let address = await LoopbackSwarm.address(of: seeder)

        let process = Process()
        process.executableURL = try CLITests.swarmBinary()
        process.arguments = [
            "download", torrentFile.path, "--dir", fixture.downloadDirectory.path, "--json", "--json-interval", "0.1",
            "--no-dht", "--bind", "127.0.0.1", "--port", "0", "--peer", "\(address)", "--seed-ratio", "0",
        ]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { process.interrupt() } }
        let data = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        await seeder.shutdown()
        XCTAssertEqual(process.terminationStatus, 0)

        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        let objects = try lines.map { line in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], String(line))
        }
        let events = objects.compactMap { $0["event"] as? String }
        XCTAssertEqual(events.count, objects.count, "every line names its event")
        XCTAssertEqual(events.filter { $0 == "complete" }.count, 1)
        XCTAssertEqual(events.last, "stopped")
        XCTAssertGreaterThanOrEqual(events.filter { $0 == "progress" }.count, 5, "a line every 0.1 s for over a second")
        let complete = try XCTUnwrap(objects.first { $0["event"] as? String == "complete" })
        XCTAssertEqual(complete["progress"] as? Double, 1)
        XCTAssertEqual((complete["bytes_have"] as? NSNumber)?.int64Value, Int64(fixture.payload.count))
        XCTAssertEqual(complete["info_hash"] as? String, fixture.metainfo.infoHash.hex)
        // The seeder shows among the peers while it sends (a finished download drops the seeds it knows).
        let peerAddresses = objects.flatMap { ($0["peers"] as? [[String: Any]] ?? []).compactMap { $0["address"] as? String } }
        XCTAssertTrue(peerAddresses.contains("\(address)"))
        let file = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name)
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
    }

    /// The benchmark knob `--start-at`: the process is up at once, the torrent is added at the time given.
    func testStartAtAddsTheTorrentAtThatTime() async throws {
        let fixture = try TorrentFixture.singleFile(length: 256 * 1024, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let torrentFile = fixture.root.appendingPathComponent("t.torrent")
        try Data(TorrentFixture.torrentBytes(
            name: fixture.metainfo.name, files: nil, payload: fixture.payload, pieceLength: 32 * 1024)).write(to: torrentFile)
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let address = await LoopbackSwarm.address(of: seeder)
        let startAt = Date().timeIntervalSince1970 + 2
        let process = Process()
        process.executableURL = try CLITests.swarmBinary()
        process.arguments = [
            "download", torrentFile.path, "--dir", fixture.downloadDirectory.path, "--json", "--no-dht",
            "--bind", "127.0.0.1", "--port", "0", "--peer", "\(address)", "--start-at", String(format: "%.3f", startAt),
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .seconds(1))
        XCTAssertTrue(process.isRunning)
        let part = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name + ".part")
        let file = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name)
        XCTAssertFalse(FileManager.default.fileExists(atPath: part.path), "no torrent before the start time")
        XCTAssertFalse(FileManager.default.fileExists(atPath: file.path))
        DispatchQueue.global().asyncAfter(deadline: .now() + 60) { if process.isRunning { process.interrupt() } }
        process.waitUntilExit()
        await seeder.shutdown()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince1970, startAt)
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
    }

    func testIntervalOrStartOutOfRangeIsRefused() throws {
        let now = Date().timeIntervalSince1970
        let badStarts = ["\(now - 7200)", "\(now + 7200)", "nan", "soon"].map { ["--start-at", $0] }
        for arguments in ["0", "-1", "0.001", "100000", "abc"].map({ ["--json-interval", $0] }) + badStarts {
            let process = Process()
            process.executableURL = try CLITests.swarmBinary()
            process.arguments = ["download", "x.torrent", "--dir", "/tmp"] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 64, "\(arguments)")
        }
    }
}
