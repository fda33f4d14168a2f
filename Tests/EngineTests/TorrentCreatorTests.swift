import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

final class TorrentCreatorTests: XCTestCase {
    private var dir: TemporaryDirectory!
    private var temp: URL { dir.url }

    override func setUpWithError() throws {
        dir = try TemporaryDirectory(prefix: "swarm-creator")
    }

    override func tearDown() {
        dir.remove()
    }

    private func write(_ relative: String, _ bytes: [UInt8]) throws {
        try dir.write(relative, bytes)
    }

    private func options(_ pieceLength: Int? = 16384, trackers: [String] = []) -> TorrentCreator.Options {
        TorrentCreator.Options(trackers: trackers, pieceLength: pieceLength, creationDate: nil)
    }

    func testSingleFileMatchesTheFixtureBuilder() async throws {
        let fixture = try TorrentFixture.singleFile(name: "movie.bin", length: 70000, trackers: ["http://t/a"])
        defer { fixture.remove() }
        var opts = options(trackers: ["http://t/a"])
        opts.createdBy = nil
        let bytes = try await TorrentCreator.create(from: fixture.payloadURL.path, options: opts)
        XCTAssertEqual(bytes, fixture.torrentBytes)
    }

    func testFolderMatchesTheFixtureBuilder() async throws {
        let fixture = try TorrentFixture.multiFile(
            name: "album", files: [.init(".hidden", length: 10), .init("a/1.flac", length: 20000),
                                   .init("a/2.flac", length: 0), .init("b.txt", length: 30001)],
            trackers: ["http://t/a", "udp://t/b"], isPrivate: true)
        defer { fixture.remove() }
        var opts = options(trackers: ["http://t/a", "udp://t/b"])
        opts.createdBy = nil
        opts.isPrivate = true
        let bytes = try await TorrentCreator.create(from: fixture.payloadURL.path, options: opts)
        XCTAssertEqual(bytes, fixture.torrentBytes)
    }

    func testMetadataAndSorting() async throws {
        try write("pack/z.bin", TestData.bytes(count: 100))
        try write("pack/A/b.bin", TestData.bytes(count: 200))
        try write("pack/a.bin", TestData.bytes(count: 300))
        try write("pack/a/c.bin", TestData.bytes(count: 400))
        let opts = TorrentCreator.Options(
            trackers: ["http://one/announce", "udp://two:80"], pieceLength: nil, isPrivate: true,
            comment: "hello", creationDate: 1_700_000_000)
        let meta = try Metainfo(bytes: try await TorrentCreator.create(from: temp.appendingPathComponent("pack").path, options: opts))
        XCTAssertEqual(meta.name, "pack")
        XCTAssertEqual(meta.files.map(\.displayPath), ["A/b.bin", "a/c.bin", "a.bin", "z.bin"])
        XCTAssertEqual(meta.trackerTiers, [["http://one/announce"], ["udp://two:80"]])
        XCTAssertTrue(meta.isPrivate)
        XCTAssertEqual(meta.comment, "hello")
        XCTAssertEqual(meta.createdBy, "Swarm 0.1.0")
        XCTAssertEqual(meta.creationDate, 1_700_000_000)
        XCTAssertEqual(meta.pieceLength, 16384)
    }

    func testSymlinksInsideAreFollowedOutsideAndToFoldersAreNot() async throws {
        try write("outside.bin", [1, 2, 3])
        try write("dir/real.bin", [4, 5, 6, 7])
        let fm = FileManager.default
        let dir = temp.appendingPathComponent("dir")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("inside-link").path, withDestinationPath: "real.bin")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("outside-link").path,
                                  withDestinationPath: temp.appendingPathComponent("outside.bin").path)
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("loop").path, withDestinationPath: ".")
        try fm.createSymbolicLink(atPath: dir.appendingPathComponent("dangling").path, withDestinationPath: "nowhere")
        let meta = try Metainfo(bytes: try await TorrentCreator.create(from: dir.path, options: options()))
        XCTAssertEqual(meta.files.map(\.displayPath), ["inside-link", "real.bin"])
        XCTAssertEqual(meta.totalLength, 8)
    }

    func testProgressReachesOneHundredPercent() async throws {
        try write("p.bin", TestData.bytes(count: 16384 * 10 + 5))
        let seen = Recorder()
        var opts = options()
        opts.progress = { seen.append($0) }
        _ = try await TorrentCreator.create(from: temp.appendingPathComponent("p.bin").path, options: opts)
        let values = seen.values
        XCTAssertEqual(values.last, 100)
        XCTAssertEqual(values, values.sorted())
        XCTAssertEqual(values.count, Set(values).count)
        XCTAssertEqual(values.count, 11)
    }

    func testNameOfDot() async throws {
        try write("named/f", [1])
        let meta = try Metainfo(bytes: try await TorrentCreator.create(
            from: temp.appendingPathComponent("named/.").path, options: options()))
        XCTAssertEqual(meta.name, "named")
    }

    func testErrors() async throws {
        try write("empty-dir/sub/zero", [])
        try write("file", [1])
        let cases: [(String, TorrentCreator.Options, TorrentCreator.Error)] = [
            ("missing", options(), .notFound(temp.appendingPathComponent("missing").path)),
            ("empty-dir", options(), .noData(temp.appendingPathComponent("empty-dir").path)),
            ("file", options(1000), .badPieceLength(1000)),
            ("file", options(8192), .badPieceLength(8192)),
            ("file", options(3 << 14), .badPieceLength(3 << 14)),
            ("file", options(1 << 29), .badPieceLength(1 << 29)),
            ("file", options(trackers: ["ftp://x/y"]), .badTrackerURL("ftp://x/y")),
            ("file", options(trackers: ["not a url"]), .badTrackerURL("not a url")),
        ]
        for (name, opts, expected) in cases {
            do {
                _ = try await TorrentCreator.create(from: temp.appendingPathComponent(name).path, options: opts)
                XCTFail("\(name) should fail with \(expected)")
            } catch {
                XCTAssertEqual(error as? TorrentCreator.Error, expected)
            }
        }
    }

    func testCancellation() async throws {
        try write("big", [UInt8](repeating: 7, count: 64 << 20))
        let path = temp.appendingPathComponent("big").path
        let opts = options()
        let task = Task { try await TorrentCreator.create(from: path, options: opts) }
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("expected cancellation")
        } catch {
            XCTAssertTrue(error is CancellationError, "\(error)")
        }
    }

    func testAutoPieceLength() {
        XCTAssertEqual(TorrentCreator.autoPieceLength(forTotal: 1), 16384)
        XCTAssertEqual(TorrentCreator.autoPieceLength(forTotal: 16384 * 2000), 16384)
        XCTAssertEqual(TorrentCreator.autoPieceLength(forTotal: 16384 * 2000 + 1), 32768)
        XCTAssertEqual(TorrentCreator.autoPieceLength(forTotal: 700 << 20), 512 << 10)
        XCTAssertEqual(TorrentCreator.autoPieceLength(forTotal: 1 << 30), 1 << 20)
        XCTAssertEqual(TorrentCreator.autoPieceLength(forTotal: 1 << 45), 16 << 20)
        for shift in 20..<44 {
            let total = Int64(1) << shift + 12345
            let length = TorrentCreator.autoPieceLength(forTotal: total)
            XCTAssertTrue(TorrentCreator.isValidPieceLength(length))
            let count = (total + Int64(length) - 1) / Int64(length)
            if length > 16384 && length < 16 << 20 { XCTAssertTrue((1000...2000).contains(count), "\(total): \(count)") }
        }
    }

    func testParseSize() {
        XCTAssertEqual(TorrentCreator.parseSize("16384"), 16384)
        XCTAssertEqual(TorrentCreator.parseSize("256K"), 256 << 10)
        XCTAssertEqual(TorrentCreator.parseSize("256kib"), 256 << 10)
        XCTAssertEqual(TorrentCreator.parseSize("1M"), 1 << 20)
        XCTAssertEqual(TorrentCreator.parseSize("4MB"), 4 << 20)
        XCTAssertEqual(TorrentCreator.parseSize("1G"), 1 << 30)
        XCTAssertNil(TorrentCreator.parseSize("K"))
        XCTAssertNil(TorrentCreator.parseSize("1.5M"))
        XCTAssertNil(TorrentCreator.parseSize("-1"))
        XCTAssertNil(TorrentCreator.parseSize("12T"))
        XCTAssertNil(TorrentCreator.parseSize("99999999999999999999"))
        XCTAssertNil(TorrentCreator.parseSize("9999999999999999G"))
    }
}

/// Collects values sent from another thread.
private final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [Int] = []

    func append(_ value: Int) { lock.withLock { stored.append(value) } }
    var values: [Int] { lock.withLock { stored } }
}
