import Bencode
import TorrentModel
import XCTest

final class MetainfoTests: XCTestCase {
    typealias F = FixtureCatalog

    private func parse(_ info: [String: BencodeValue], _ extra: [String: BencodeValue] = [:]) throws -> Metainfo {
        try Metainfo(bytes: F.torrent(info, extra))
    }

    func testSingleFile() throws {
        let meta = try parse(F.singleInfo())
        XCTAssertEqual(meta.name, "file.bin")
        XCTAssertFalse(meta.isMultiFile)
        XCTAssertEqual(meta.totalLength, 40000)
        XCTAssertEqual(meta.pieceLength, 16384)
        XCTAssertEqual(meta.pieceCount, 3)
        XCTAssertEqual(meta.files.count, 1)
        XCTAssertEqual(meta.files[0].path, ["file.bin"])
        XCTAssertEqual(meta.files[0].length, 40000)
        XCTAssertEqual(meta.files[0].offset, 0)
        XCTAssertFalse(meta.files[0].isPadding)
        XCTAssertEqual(meta.relativePath(ofFile: 0), ["file.bin"])
        XCTAssertEqual(Array(meta.hash(ofPiece: 1)), Array(20..<40))
        XCTAssertFalse(meta.isPrivate)
        XCTAssertEqual(meta.trackerTiers, [])
        XCTAssertNil(meta.comment)
    }

    func testMultiFileWithUnevenAndEmptyFilesAndShortLastPiece() throws {
        let meta = try parse(F.multiInfo([
            F.file(["a.txt"], 10000), F.file(["empty"], 0), F.file(["b", "c.txt"], 29999), F.file(["d"], 1),
        ]))
        XCTAssertTrue(meta.isMultiFile)
        XCTAssertEqual(meta.name, "folder")
        XCTAssertEqual(meta.files.map(\.path), [["a.txt"], ["empty"], ["b", "c.txt"], ["d"]])
        XCTAssertEqual(meta.files.map(\.offset), [0, 10000, 10000, 39999])
        XCTAssertEqual(meta.files.map(\.displayPath), ["a.txt", "empty", "b/c.txt", "d"])
        XCTAssertEqual(meta.relativePath(ofFile: 2), ["folder", "b", "c.txt"])
        XCTAssertEqual(meta.geometry.length(ofPiece: 2), 40000 - 32768)
    }

    func testTrackerTiers() throws {
        let list: BencodeValue = .list([
            .list([.string("udp://a/1"), .string("http://b/1")]), .list([]), .list([.string("")]),
            .list([.string("http://c/1"), .integer(5)]), .string("junk"),
        ])
        XCTAssertEqual(
            try parse(F.singleInfo(), ["announce": .string("http://x/1"), "announce-list": list]).trackerTiers,
            [["udp://a/1", "http://b/1"], ["http://c/1"]])
        XCTAssertEqual(try parse(F.singleInfo(), ["announce": .string("http://x/1")]).trackerTiers, [["http://x/1"]])
        XCTAssertEqual(
            try parse(F.singleInfo(), ["announce": .string("http://x/1"), "announce-list": .list([])]).trackerTiers,
            [["http://x/1"]])
    }

    func testPrivateFlag() throws {
        XCTAssertTrue(try parse(F.with(F.singleInfo(), "private", .integer(1))).isPrivate)
        XCTAssertFalse(try parse(F.with(F.singleInfo(), "private", .integer(0))).isPrivate)
        // Private is an info key: one outside info does not count.
        XCTAssertFalse(try parse(F.singleInfo(), ["private": .integer(1)]).isPrivate)
    }

    func testTextFields() throws {
        let meta = try parse(F.singleInfo(), [
            "comment": .string("old"), "comment.utf-8": .string("new ✓"), "created by": .string("maker 1.0"),
            "creation date": .integer(1_700_000_000),
        ])
        XCTAssertEqual(meta.comment, "new ✓")
        XCTAssertEqual(meta.createdBy, "maker 1.0")
        XCTAssertEqual(meta.creationDate, 1_700_000_000)
    }

    func testUTF8VariantsArePreferred() throws {
        var info = F.with(F.multiInfo(), "name.utf-8", .string("dossier é"))
        info["files"] = .list([
            .dict(["path": .list([.string("latin1")]), "path.utf-8": .list([.string("fichier é")]),
                   "length": .integer(40000)]),
        ])
        let meta = try parse(info)
        XCTAssertEqual(meta.name, "dossier é")
        XCTAssertEqual(meta.files[0].path, ["fichier é"])
    }

    func testControlCharactersAndSlashesInNamesAreReplaced() throws {
        var info = F.with(F.multiInfo(), "name", .string("a\u{1b}[31mred\u{7f}\u{85}"))
        info["files"] = .list([F.file(["x/y", "tab\there", "back\\slash"], 40000)])
        let meta = try parse(info)
        XCTAssertEqual(meta.name, "a_[31mred__")
        XCTAssertEqual(meta.files[0].path, ["x_y", "tab_here", "back_slash"])
        XCTAssertEqual(try parse(F.with(F.singleInfo(), "name", .string("dir/file"))).name, "dir_file")
        XCTAssertEqual(try parse(F.with(F.singleInfo(), "name", .string("."))).name, "_")
    }

    func testInvalidUTF8IsReplacedNotRejected() throws {
        let meta = try parse(F.with(F.singleInfo(), "name", .bytes([0x61, 0xff, 0x62])))
        XCTAssertEqual(meta.name, "a\u{fffd}b")
    }

    func testOverlongNamesAreTruncatedKeepingTheExtension() throws {
        let long = String(repeating: "é", count: 300) + ".mkv"
        let meta = try parse(F.with(F.singleInfo(), "name", .string(long)))
        XCTAssertLessThanOrEqual(meta.name.utf8.count, 255)
        XCTAssertTrue(meta.name.hasSuffix("é.mkv"))
        XCTAssertEqual(meta.name.utf8.count, 254)  // 125 × "é" (2 bytes) + ".mkv"
    }

    func testPaddingFilesMayRepeat() throws {
        let pad: (Int64) -> BencodeValue = {
            .dict(["path": .list([.string(".pad"), .string("\($0)")]), "length": .integer($0), "attr": .string("p")])
        }
        let meta = try parse(F.multiInfo([F.file(["a"], 100), pad(16284), F.file(["b"], 100), pad(16284),
                                          F.file(["c"], 7232)]))
        XCTAssertEqual(meta.files.map(\.isPadding), [false, true, false, true, false])
        XCTAssertEqual(meta.totalLength, 40000)
    }

    func testInfoHashIsOverTheExactInfoBytes() throws {
        let meta = try Metainfo(bytes: F.good.first { $0.file == "unsorted_keys.torrent" }!.bytes)
        XCTAssertEqual(meta.infoBytes, F.unsortedInfo)
        // sha1 of the unsorted bytes, computed outside Swift; the sorted re-encoding would give 8fd89cbe....
        XCTAssertEqual(meta.infoHash.hex, "4470333a0c1b11c3dc1e0cf1da9b6352555595ef")
        XCTAssertEqual(meta.name, "file.bin")
        XCTAssertEqual(meta.trackerTiers, [["http://t/a"]])
    }

    func testInfoBytesInitializerAgrees() throws {
        let whole = try parse(F.singleInfo(), ["announce": .string("http://t/a")])
        let fromInfo = try Metainfo(infoBytes: whole.infoBytes, trackerTiers: [["http://t/a"]])
        XCTAssertEqual(fromInfo, whole)
        XCTAssertThrowsError(try Metainfo(infoBytes: Array("le".utf8))) {
            XCTAssertEqual($0 as? MetainfoError, .wrongType("info"))
        }
        XCTAssertThrowsError(try Metainfo(infoBytes: Array("d".utf8))) {
            XCTAssertEqual($0 as? MetainfoError, .bencode(.init(.unexpectedEnd, at: 1)))
        }
    }

    func testInfoHashHexRoundTrip() throws {
        let hash = try XCTUnwrap(InfoHash(hex: "4470333A0C1B11C3DC1E0CF1DA9B6352555595EF"))
        XCTAssertEqual(hash.hex, "4470333a0c1b11c3dc1e0cf1da9b6352555595ef")
        XCTAssertEqual(hash.description, hash.hex)
        XCTAssertEqual(InfoHash(bytes: hash.bytes), hash)
        XCTAssertNil(InfoHash(hex: "abc"))
        XCTAssertNil(InfoHash(hex: String(repeating: "g", count: 40)))
        XCTAssertNil(InfoHash(bytes: [1, 2, 3]))
        XCTAssertEqual(Hex.decode("00ff10"), [0, 255, 16])
        XCTAssertNil(Hex.decode("0"))
    }
}
