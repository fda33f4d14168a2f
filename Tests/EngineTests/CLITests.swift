import Foundation
import TestSupport
import XCTest

/// Runs the built `swarm` executable, which SwiftPM puts next to the test bundle.
final class CLITests: XCTestCase {
    typealias Result = ProcessOutput

    private var dir: TemporaryDirectory!
    private var temp: URL { dir.url }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(prefix: "swarm-cli")
    }

    override func tearDown() {
        dir.remove()
    }

    static func swarmBinary() throws -> URL { try SwarmExecutable.locate() }

    private func run(_ arguments: [String]) throws -> Result {
        try ProcessOutput.run(Self.swarmBinary(), arguments)
    }

    private func fixturePath(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("TorrentModelTests/Fixtures/\(name)").path
    }

    func testCreateThenInfo() throws {
        let fixture = try TorrentFixture.multiFile(
            name: "album", files: [.init("a.flac", length: 40000), .init("cover\u{1b}[2J.jpg", length: 123)])
        defer { fixture.remove() }
        let out = temp.appendingPathComponent("album.torrent").path
        let created = try run([
            "create", fixture.payloadURL.path, "--tracker", "http://t1/announce", "-t", "udp://t2:6969",
            "--piece-size", "16K", "--private", "--comment", "nice\u{1b}]0;x\u{07}", "--no-date", "-o", out,
        ])
        XCTAssertEqual(created.status, 0, created.stderr)
        XCTAssertTrue(created.stdout.contains("Created"), created.stdout)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), ["album.torrent"])

        let info = try run(["info", out])
        XCTAssertEqual(info.status, 0, info.stderr)
        XCTAssertFalse(info.stdout.contains("\u{1b}"), "escape sequence reached the terminal")
        for expected in [
            "Name:        album", "39.2 KiB (40123 bytes)", "16.0 KiB (16384 bytes)", "Pieces:      3",
            "Private:     yes", "Comment:     nice?]0;x?", "tier 1: http://t1/announce", "tier 2: udp://t2:6969",
            "album/a.flac  39.1 KiB (40000 bytes)", "album/cover_[2J.jpg  123 bytes",
        ] {
            XCTAssertTrue(info.stdout.contains(expected), "missing \(expected) in\n\(info.stdout)")
        }

        let json = try run(["info", "--json", out])
        XCTAssertEqual(json.status, 0, json.stderr)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(object["name"] as? String, "album")
        XCTAssertEqual(object["pieceCount"] as? Int, 3)
        XCTAssertEqual(object["isPrivate"] as? Bool, true)
        XCTAssertEqual((object["infoHash"] as? String)?.count, 40)
        XCTAssertEqual((object["files"] as? [Any])?.count, 2)
    }

    func testTransferHelpDocumentsLimitsAndSuperSeeding() throws {
        let seed = try run(["seed", "--help"])
        XCTAssertEqual(seed.status, 0)
        XCTAssertTrue(seed.stdout.contains("--upload-limit <KiB/s>"), seed.stdout)
        XCTAssertTrue(seed.stdout.contains("--super-seed"), seed.stdout)
        XCTAssertFalse(seed.stdout.contains("--free-ride"), "an experiment knob, not for users")
        let download = try run(["download", "--help"])
        XCTAssertTrue(download.stdout.contains("--upload-limit <KiB/s>"), download.stdout)
        XCTAssertFalse(download.stdout.contains("--super-seed"))
        let bad = try run(["seed", "x.torrent", "--dir", "/tmp", "--upload-limit", "-5"])
        XCTAssertEqual(bad.status, 64)
    }

    func testCreateRefusesToOverwriteWithoutForce() throws {
        let fixture = try TorrentFixture.singleFile(length: 1000)
        defer { fixture.remove() }
        let out = temp.appendingPathComponent("x.torrent").path
        try Data("keep".utf8).write(to: URL(fileURLWithPath: out))
        let refused = try run(["create", fixture.payloadURL.path, "-o", out])
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderr.contains("already exists"), refused.stderr)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "keep")

        let forced = try run(["create", fixture.payloadURL.path, "-o", out, "--force"])
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), ["x.torrent"])
        XCTAssertEqual(try run(["info", out]).status, 0)
    }

    func testInfoOnBadFixtureExits2WithOneLine() throws {
        for name in ["parent_path.torrent", "not_bencode.torrent", "empty.torrent"] {
            let result = try run(["info", fixturePath(name)])
            XCTAssertEqual(result.status, 2, name)
            XCTAssertEqual(result.stdout, "", name)
            XCTAssertTrue(result.stderr.hasPrefix("swarm: "), result.stderr)
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
        }
        for path in [temp.appendingPathComponent("nope.torrent").path, temp.path] {
            let result = try run(["info", path])
            XCTAssertEqual(result.status, 2, path)
            XCTAssertTrue(result.stderr.hasPrefix("swarm: cannot read"), result.stderr)
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
        }
    }

    func testCreateWithBadPieceSizeExits2() throws {
        let fixture = try TorrentFixture.singleFile(length: 1000)
        defer { fixture.remove() }
        for size in ["3000", "8K", "banana", "1.5M"] {
            let result = try run(["create", fixture.payloadURL.path, "--piece-size", size, "-o",
                                  temp.appendingPathComponent("y.torrent").path])
            XCTAssertEqual(result.status, 2, size)
            XCTAssertTrue(result.stderr.hasPrefix("swarm: bad piece size"), result.stderr)
            XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: temp.path), [])
    }

    func testCreateOfMissingPathExits2() throws {
        let result = try run(["create", temp.appendingPathComponent("absent").path, "-o",
                              temp.appendingPathComponent("z.torrent").path])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("does not exist"), result.stderr)
    }
}
