import Foundation
import TestSupport
import XCTest

/// The DHT flags of the real commands, and two `swarm` processes that meet only through the DHT.
final class DHTCLITests: XCTestCase {
    private func swarm(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = try CLITests.swarmBinary()
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        return process
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = try swarm(arguments)
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        // A download that never finishes is interrupted (and then exits non-zero) rather than hanging.
        DispatchQueue.global().asyncAfter(deadline: .now() + 90) { if process.isRunning { process.interrupt() } }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    func testHelpListsTheFlagsAndBadValuesAreRefused() throws {
        let help = try run(["download", "--help"])
        for flag in ["--no-dht", "--dht-bootstrap <host:port>", "--dht-port", "--dht-state <file>"] {
            XCTAssertTrue(help.output.contains(flag), "\(flag) in:\n\(help.output)")
        }
        XCTAssertEqual(try run(["download", "x.torrent", "--dir", "/tmp", "--dht-bootstrap", "nonsense"]).status, 64)
        XCTAssertEqual(try run(["seed", "x.torrent", "--dir", "/tmp", "--dht-port", "70000"]).status, 64)
    }

    /// A trackerless torrent: the downloader is told only the seeder's DHT node, finds the seeder's TCP
    /// address through get_peers, downloads, and keeps the seeder's node in its state file.
    func testDownloadFindsSeederThroughTheDHTAndKeepsState() throws {
        let fixture = try TorrentFixture.singleFile(length: 512 * 1024, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let torrentFile = fixture.root.appendingPathComponent("t.torrent")
        try Data(TorrentFixture.torrentBytes(
            name: fixture.metainfo.name, files: nil, payload: fixture.payload, pieceLength: 32 * 1024)).write(to: torrentFile)
        let port = Int.random(in: 20000...40000)
        let seeder = try swarm(["seed", torrentFile.path, "--dir", fixture.seedDirectory.path, "--bind", "127.0.0.1",
                                "--port", "\(port)", "--dht-port", "\(port)"])
        let seederErr = Pipe()
        seeder.standardError = seederErr
        let ready = DispatchSemaphore(value: 0)
        seederErr.fileHandleForReading.readabilityHandler = { handle in
            let chunk = handle.availableData
            if chunk.isEmpty || String(decoding: chunk, as: UTF8.self).contains("seeding on port") {
                handle.readabilityHandler = nil
                ready.signal()
            }
        }
        try seeder.run()
        defer { if seeder.isRunning { seeder.terminate() } }
        XCTAssertEqual(ready.wait(timeout: .now() + 30), .success, "the seeder got ready")
        let state = fixture.root.appendingPathComponent("dht.state")
        let download = try run(["download", torrentFile.path, "--dir", fixture.downloadDirectory.path,
                                "--bind", "127.0.0.1", "--port", "0", "--dht-port", "0",
                                "--dht-bootstrap", "127.0.0.1:\(port)", "--dht-state", state.path])
        XCTAssertEqual(download.status, 0, download.output)
        let file = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name)
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
        let saved = try Data(contentsOf: state)
        XCTAssertTrue(saved.starts(with: Data("d2:id20:".utf8)), "the node id was saved")
        let seederEndpoint: [UInt8] = [127, 0, 0, 1, UInt8(port >> 8), UInt8(port & 0xff)]
        XCTAssertNotNil(saved.range(of: Data(seederEndpoint)), "the seeder's node was saved")
    }
}
