import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// `swarm info` and `swarm download` with magnet links, against the built executable.
final class CLIMagnetTests: XCTestCase {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs `swarm` without blocking a thread of the cooperative pool: output goes to files, and the
    /// exit is awaited.
    private func swarm(_ arguments: [String], in dir: URL) async throws -> Result {
        let process = Process()
        process.executableURL = try CLITests.swarmBinary()
        process.arguments = arguments
        let outURL = dir.appendingPathComponent("stdout-\(UUID().uuidString)")
        let errURL = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        return Result(
            status: status, stdout: try String(contentsOf: outURL, encoding: .utf8),
            stderr: try String(contentsOf: errURL, encoding: .utf8))
    }

    func testInfoPrintsTheParsedLink() async throws {
        let dir = try TemporaryDirectory(prefix: "swarm-magnet-cli")
        defer { dir.remove() }
        let link = "magnet:?xt=urn:btih:" + String(repeating: "AB", count: 20)
            + "&dn=Some%20Name%1B%5B2J&tr=http://127.0.0.1:6969/announce&x.pe=[::1]:6881&so=0,3-4"
        let text = try await swarm(["info", link], in: dir.url)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertFalse(text.stdout.contains("\u{1b}"))
        for expected in [
            "Name:        Some Name?[2J", "Info hash:   " + String(repeating: "ab", count: 20),
            "  http://127.0.0.1:6969/announce", "Peers:       [::1]:6881", "Files:       only 0,3-4",
        ] {
            XCTAssertTrue(text.stdout.contains(expected), "missing \(expected) in\n\(text.stdout)")
        }
        let json = try await swarm(["info", "--json", link], in: dir.url)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["selectedFiles"] as? String, "0,3-4")
        XCTAssertEqual(object["peers"] as? [String], ["[::1]:6881"])

        let bad = try await swarm(["info", "magnet:?xt=urn:btih:1234"], in: dir.url)
        XCTAssertEqual(bad.status, 2)
        XCTAssertEqual(bad.stdout, "")
        XCTAssertTrue(bad.stderr.hasPrefix("swarm: bad magnet link: info-hash '1234'"), bad.stderr)
        XCTAssertEqual(bad.stderr.filter { $0 == "\n" }.count, 1, bad.stderr)
    }

    func testDownloadOfAMagnetLinkFromAnInProcessSeeder() async throws {
        let fixture = try TorrentFixture.multiFile(
            files: [.init("a.bin", length: 100_000), .init("b.bin", length: 150_000)], pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let address = await LoopbackSwarm.address(of: seeder)
        let link = "magnet:?xt=urn:btih:\(fixture.metainfo.infoHash.hex)&dn=cli&x.pe=\(address)"
        let common = ["--bind", "127.0.0.1", "--port", "0", "--no-dht"]

        // First only the metadata: saved as a .torrent, and the files listed.
        let metaDir = fixture.root.appendingPathComponent("meta")
        let stopped = try await swarm(
            ["download", link, "--dir", metaDir.path, "--stop-after-metadata"] + common, in: fixture.root)
        XCTAssertEqual(stopped.status, 0, stopped.stderr)
        let saved = try Metainfo(bytes: [UInt8](try Data(contentsOf: metaDir.appendingPathComponent(
            fixture.metainfo.name + ".torrent"))))
        XCTAssertEqual(saved.infoHash, fixture.metainfo.infoHash)
        XCTAssertTrue(stopped.stderr.contains("1  b.bin"), stopped.stderr)

        let done = try await swarm(["download", link, "--dir", fixture.downloadDirectory.path] + common, in: fixture.root)
        XCTAssertEqual(done.status, 0, done.stderr)
        await seeder.shutdown()
        for index in fixture.metainfo.files.indices {
            let url = fixture.metainfo.relativePath(ofFile: index)
                .reduce(fixture.downloadDirectory) { $0.appendingPathComponent($1) }
            XCTAssertEqual([UInt8](try Data(contentsOf: url)), Array(fixture.contents(ofFile: index)))
        }

        let refused = try await swarm(
            ["download", fixture.torrentURL.path, "--dir", fixture.downloadDirectory.path, "--stop-after-metadata"],
            in: fixture.root)
        XCTAssertEqual(refused.status, 64, "a .torrent file has its metadata already")
    }
}
