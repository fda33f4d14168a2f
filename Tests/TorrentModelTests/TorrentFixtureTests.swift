import Foundation
import TestSupport
import TorrentModel
import XCTest

final class TorrentFixtureTests: XCTestCase {
    func testSingleFileFixture() throws {
        let f = try TorrentFixture.singleFile(name: "one.bin", length: 40000, trackers: ["http://t/a"])
        defer { f.remove() }
        XCTAssertEqual(f.metainfo.name, "one.bin")
        XCTAssertEqual(f.metainfo.pieceCount, 3)
        XCTAssertEqual(f.metainfo.trackerTiers, [["http://t/a"]])
        XCTAssertEqual(try [UInt8](Data(contentsOf: f.payloadURL)), f.payload)
        XCTAssertEqual(try [UInt8](Data(contentsOf: f.torrentURL)), f.torrentBytes)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: f.downloadDirectory.path), [])
        for piece in 0..<f.metainfo.pieceCount {
            XCTAssertEqual(PieceHash.sha1(Array(f.piece(piece))), Array(f.metainfo.hash(ofPiece: piece)))
        }
    }

    func testMultiFileFixture() throws {
        let f = try TorrentFixture.multiFile(
            name: "set", files: [.init("a.txt", length: 5000), .init("empty", length: 0), .init("sub/b.bin", length: 30000)],
            trackers: ["http://t/a", "udp://t/b"], isPrivate: true, seed: 7)
        defer { f.remove() }
        XCTAssertEqual(f.metainfo.files.map(\.displayPath), ["a.txt", "empty", "sub/b.bin"])
        XCTAssertEqual(f.metainfo.trackerTiers, [["http://t/a"], ["udp://t/b"]])
        XCTAssertTrue(f.metainfo.isPrivate)
        for (i, file) in f.metainfo.files.enumerated() {
            let url = f.seedDirectory.appendingPathComponent(f.metainfo.relativePath(ofFile: i).joined(separator: "/"))
            XCTAssertEqual(try [UInt8](Data(contentsOf: url)), Array(f.contents(ofFile: i)), file.displayPath)
        }
        f.remove()
        XCTAssertFalse(FileManager.default.fileExists(atPath: f.root.path))
    }

    func testTestDataIsDeterministic() {
        XCTAssertEqual(TestData.bytes(count: 100, seed: 3), TestData.bytes(count: 100, seed: 3))
        XCTAssertNotEqual(TestData.bytes(count: 100, seed: 3), TestData.bytes(count: 100, seed: 4))
        XCTAssertEqual(TestData.bytes(count: 13).count, 13)
        XCTAssertEqual(Array(TestData.bytes(count: 100).prefix(13)), TestData.bytes(count: 13))
    }
}
