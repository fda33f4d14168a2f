import Foundation
import TorrentModel
import XCTest

/// One committed `.torrent` file per validation rule, each tied to the error it must give.
final class FixtureTests: XCTestCase {
    private func fixture(_ name: String) throws -> [UInt8] {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return try [UInt8](Data(contentsOf: url.appendingPathComponent(name)))
    }

    func testEveryBadFixtureGivesItsError() throws {
        for bad in FixtureCatalog.bad {
            let bytes = try fixture(bad.file)
            XCTAssertThrowsError(try Metainfo(bytes: bytes), bad.file) { error in
                XCTAssertEqual(error as? MetainfoError, bad.error, bad.file)
            }
        }
    }

    func testGoodFixturesParse() throws {
        for good in FixtureCatalog.good {
            XCTAssertNoThrow(try Metainfo(bytes: try fixture(good.file)), good.file)
        }
    }

    func testFilesMatchTheirBuilders() throws {
        for (file, bytes) in FixtureCatalog.bad.map({ ($0.file, $0.bytes) }) + FixtureCatalog.good.map({ ($0.file, $0.bytes) }) {
            XCTAssertEqual(try fixture(file), bytes, "\(file) is stale: run with SWARM_WRITE_FIXTURES=1")
        }
    }

    func testNoStrayFixtures() throws {
        let url = try XCTUnwrap(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        let onDisk = Set(try FileManager.default.contentsOfDirectory(atPath: url.path).filter { $0.hasSuffix(".torrent") })
        let known = Set(FixtureCatalog.bad.map(\.file) + FixtureCatalog.good.map(\.file))
        XCTAssertEqual(onDisk, known)
        XCTAssertEqual(known.count, FixtureCatalog.bad.count + FixtureCatalog.good.count, "duplicate file names")
    }

    func testErrorsReadWell() {
        for bad in FixtureCatalog.bad {
            let text = bad.error.description
            XCTAssertTrue(text.hasPrefix("not a valid torrent") || text.hasPrefix("unsafe torrent"), text)
            XCTAssertFalse(text.contains("\n"), text)
        }
    }

    /// Rewrites Fixtures/ from `FixtureCatalog`. Runs only with SWARM_WRITE_FIXTURES=1.
    func testRegenerate() throws {
        guard ProcessInfo.processInfo.environment["SWARM_WRITE_FIXTURES"] == "1" else {
            throw XCTSkip("set SWARM_WRITE_FIXTURES=1 to rewrite the fixture files")
        }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (file, bytes) in FixtureCatalog.bad.map({ ($0.file, $0.bytes) }) + FixtureCatalog.good.map({ ($0.file, $0.bytes) }) {
            try Data(bytes).write(to: folder.appendingPathComponent(file))
        }
    }
}
