import Bencode
import Foundation
import TorrentModel

/// The `.torrent` files under Fixtures/, each with the bytes that make it and what parsing it must give.
///
/// The files are committed; `FixtureTests.testRegenerate` rewrites them from these builders when run with
/// `SWARM_WRITE_FIXTURES=1`, and `testFilesMatchTheirBuilders` keeps the two in step.
enum FixtureCatalog {
    struct Bad {
        let file: String
        let bytes: [UInt8]
        let error: MetainfoError
    }

    struct Good {
        let file: String
        let bytes: [UInt8]
    }

    static let pieceLength: Int64 = 16384
    /// 3 fake piece hashes: enough for 40 000 bytes in 16 KiB pieces.
    static let threePieces: [UInt8] = (0..<60).map { UInt8($0) }

    static func singleInfo() -> [String: BencodeValue] {
        ["name": .string("file.bin"), "length": .integer(40000), "piece length": .integer(pieceLength),
         "pieces": .bytes(threePieces)]
    }

    static func file(_ path: [String], _ length: Int64) -> BencodeValue {
        .dict(["path": .list(path.map(BencodeValue.string)), "length": .integer(length)])
    }

    static func multiInfo(_ files: [BencodeValue]? = nil) -> [String: BencodeValue] {
        ["name": .string("folder"), "piece length": .integer(pieceLength), "pieces": .bytes(threePieces),
         "files": .list(files ?? [file(["a.txt"], 10000), file(["b", "c.txt"], 30000)])]
    }

    static func torrent(_ info: [String: BencodeValue], _ extra: [String: BencodeValue] = [:]) -> [UInt8] {
        var root = extra
        root["info"] = .dict(info)
        return BencodeEncoder.encode(.dict(root))
    }

    static func with(_ info: [String: BencodeValue], _ key: String, _ value: BencodeValue?) -> [String: BencodeValue] {
        var copy = info
        copy[key] = value
        return copy
    }

    static var bad: [Bad] {
        let single = singleInfo()
        let goodSingle = torrent(single)
        return [
            Bad(file: "empty.torrent", bytes: [], error: .bencode(.init(.unexpectedEnd, at: 0))),
            Bad(file: "not_bencode.torrent", bytes: Array("<html>not a torrent</html>\n".utf8),
                error: .bencode(.init(.unexpectedByte(UInt8(ascii: "<")), at: 0))),
            Bad(file: "truncated.torrent", bytes: Array(goodSingle.dropLast(1)),
                error: .bencode(.init(.unexpectedEnd, at: goodSingle.count - 1))),
            Bad(file: "trailing_data.torrent", bytes: goodSingle + Array("\n".utf8),
                error: .bencode(.init(.trailingData, at: goodSingle.count))),
            Bad(file: "duplicate_key.torrent", bytes: Array("d8:announce1:a8:announce1:be".utf8),
                error: .bencode(.init(.duplicateKey, at: 14))),
            Bad(file: "not_a_dictionary.torrent", bytes: Array("l4:infoe".utf8), error: .notADictionary),
            Bad(file: "no_info.torrent", bytes: BencodeEncoder.encode(.dict(["announce": .string("http://t/a")])),
                error: .missingInfo),
            Bad(file: "info_not_a_dictionary.torrent", bytes: BencodeEncoder.encode(.dict(["info": .list([])])),
                error: .wrongType("info")),
            Bad(file: "missing_piece_length.torrent", bytes: torrent(with(single, "piece length", nil)),
                error: .missingField("piece length")),
            Bad(file: "piece_length_not_integer.torrent",
                bytes: torrent(with(single, "piece length", .string("16384"))), error: .wrongType("piece length")),
            Bad(file: "zero_piece_length.torrent", bytes: torrent(with(single, "piece length", .integer(0))),
                error: .badPieceLength(0)),
            Bad(file: "negative_piece_length.torrent",
                bytes: torrent(with(single, "piece length", .integer(-16384))), error: .badPieceLength(-16384)),
            Bad(file: "huge_piece_length.torrent", bytes: torrent(with(single, "piece length", .integer(1 << 29))),
                error: .badPieceLength(1 << 29)),
            Bad(file: "missing_pieces.torrent", bytes: torrent(with(single, "pieces", nil)),
                error: .missingField("pieces")),
            Bad(file: "pieces_not_bytes.torrent", bytes: torrent(with(single, "pieces", .integer(1))),
                error: .wrongType("pieces")),
            Bad(file: "pieces_not_multiple_of_20.torrent",
                bytes: torrent(with(single, "pieces", .bytes(Array(threePieces.dropLast())))),
                error: .piecesNotMultipleOf20(59)),
            Bad(file: "piece_count_mismatch.torrent",
                bytes: torrent(with(single, "pieces", .bytes(Array(threePieces.prefix(40))))),
                error: .pieceCountMismatch(expected: 3, actual: 2)),
            Bad(file: "missing_name.torrent", bytes: torrent(with(single, "name", nil)), error: .missingField("name")),
            Bad(file: "name_not_string.torrent", bytes: torrent(with(single, "name", .integer(1))),
                error: .wrongType("name")),
            Bad(file: "empty_name.torrent", bytes: torrent(with(single, "name", .string(""))), error: .badName),
            Bad(file: "parent_name.torrent", bytes: torrent(with(single, "name", .string(".."))),
                error: .parentDirectoryComponent("..")),
            Bad(file: "absolute_name.torrent", bytes: torrent(with(single, "name", .string("/etc/passwd"))),
                error: .absolutePath("/etc/passwd")),
            Bad(file: "missing_length.torrent", bytes: torrent(with(single, "length", nil)),
                error: .missingField("length")),
            Bad(file: "length_not_integer.torrent", bytes: torrent(with(single, "length", .string("40000"))),
                error: .wrongType("length")),
            Bad(file: "negative_length.torrent", bytes: torrent(with(single, "length", .integer(-1))),
                error: .badFileLength(path: "file.bin", length: -1)),
            Bad(file: "absurd_length.torrent", bytes: torrent(with(single, "length", .integer(1 << 60))),
                error: .totalTooLarge(1 << 60)),
            Bad(file: "absurd_total.torrent",
                bytes: torrent(multiInfo([file(["a"], 1 << 50), file(["b"], 1)])), error: .totalTooLarge((1 << 50) + 1)),
            Bad(file: "zero_length.torrent",
                bytes: torrent(with(with(single, "length", .integer(0)), "pieces", .bytes([]))), error: .emptyTorrent),
            Bad(file: "no_files.torrent", bytes: torrent(multiInfo([])), error: .emptyTorrent),
            Bad(file: "files_not_a_list.torrent", bytes: torrent(with(multiInfo(), "files", .dict([:]))),
                error: .wrongType("files")),
            Bad(file: "file_entry_not_a_dictionary.torrent", bytes: torrent(multiInfo([.string("a.txt")])),
                error: .wrongType("files")),
            Bad(file: "missing_path.torrent", bytes: torrent(multiInfo([.dict(["length": .integer(40000)])])),
                error: .missingField("path")),
            Bad(file: "path_not_a_list.torrent",
                bytes: torrent(multiInfo([.dict(["length": .integer(40000), "path": .string("a.txt")])])),
                error: .wrongType("path")),
            Bad(file: "file_missing_length.torrent",
                bytes: torrent(multiInfo([.dict(["path": .list([.string("a.txt")])])])),
                error: .missingField("length")),
            Bad(file: "empty_path.torrent", bytes: torrent(multiInfo([file([], 40000)])),
                error: .emptyPathComponent("")),
            Bad(file: "empty_path_component.torrent", bytes: torrent(multiInfo([file(["a", "", "b"], 40000)])),
                error: .emptyPathComponent("a//b")),
            Bad(file: "parent_path.torrent", bytes: torrent(multiInfo([file(["..", "etc", "passwd"], 40000)])),
                error: .parentDirectoryComponent("../etc/passwd")),
            Bad(file: "parent_path_inside_component.torrent",
                bytes: torrent(multiInfo([file(["a/../../x"], 40000)])), error: .parentDirectoryComponent("a/../../x")),
            Bad(file: "parent_path_backslash.torrent", bytes: torrent(multiInfo([file(["..\\evil"], 40000)])),
                error: .parentDirectoryComponent("..\\evil")),
            Bad(file: "absolute_path.torrent", bytes: torrent(multiInfo([file(["/etc", "passwd"], 40000)])),
                error: .absolutePath("/etc/passwd")),
            Bad(file: "duplicate_files.torrent",
                bytes: torrent(multiInfo([file(["a.txt"], 20000), file(["a.txt"], 20000)])),
                error: .duplicatePath("a.txt")),
            Bad(file: "duplicate_after_sanitizing.torrent",
                bytes: torrent(multiInfo([file(["a\nb"], 20000), file(["a_b"], 20000)])),
                error: .duplicatePath("a_b")),
            Bad(file: "file_and_folder_clash.torrent",
                bytes: torrent(multiInfo([file(["a"], 20000), file(["a", "b"], 20000)])),
                error: .duplicatePath("a/b")),
            Bad(file: "folder_and_file_clash.torrent",
                bytes: torrent(multiInfo([file(["a", "b"], 20000), file(["a"], 20000)])),
                error: .duplicatePath("a")),
        ]
    }

    /// Info keys deliberately out of order ("pieces" before "piece length", "name" last), as some old
    /// tools wrote them: the info-hash must be taken over these exact bytes, not a re-encoding.
    static let unsortedInfo: [UInt8] = Array(
        ("d6:lengthi40000e6:pieces60:".utf8)) + threePieces + Array("12:piece lengthi16384e4:name8:file.bine".utf8)

    static var good: [Good] {
        [
            Good(file: "single_file.torrent", bytes: torrent(singleInfo(), [
                "announce": .string("http://tracker.example/announce"),
                "comment": .string("a comment"), "created by": .string("fixture"),
                "creation date": .integer(1_700_000_000),
            ])),
            Good(file: "multi_file.torrent", bytes: torrent(multiInfo([
                file(["a.txt"], 10000), file(["empty"], 0), file(["b", "c.txt"], 29999), file(["d"], 1),
            ]), ["announce-list": .list([.list([.string("udp://t1/a"), .string("http://t2/a")]),
                                         .list([.string("http://t3/a")])])])),
            Good(file: "unsorted_keys.torrent",
                 bytes: Array("d8:announce10:http://t/a4:info".utf8) + unsortedInfo + Array("e".utf8)),
        ]
    }
}
