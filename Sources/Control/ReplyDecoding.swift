import Engine
import Foundation
import TorrentModel

extension ControlCodec {
    /// A reply line, as `decode` reads it. An overview or changes written by `encodeReply` (rows first)
    /// has its rows read by `RowsJSONReader`, several times faster than `JSONDecoder` (an attached UI
    /// gets ten thousand of them at once); anything else, or anything the fast reader does not take as
    /// it is, goes through `decode`, which also names what is wrong with a bad line.
    public static func decodeReply(_ line: [UInt8]) throws(ControlCodecError) -> ReplyEnvelope {
        if let envelope = try? fastReply(line) { return envelope }
        return try decode(ReplyEnvelope.self, from: line)
    }

    /// nil when the line is not in `encodeReply`'s rows-first shape; throws when it is but does not read.
    private static func fastReply(_ line: [UInt8]) throws -> ReplyEnvelope? {
        var reader = RowsJSONReader(line)
        guard reader.skip("{") else { return nil }
        var id: Int?
        if reader.skip("\"id\":") {
            id = Int(try reader.integer())
            guard reader.skip(",") else { return nil }
        }
        guard reader.skip("\"reply\":{\"") else { return nil }
        let isOverview: Bool
        if reader.skip("overview\":{\"_0\":{\"rows\":") {
            isOverview = true
        } else if reader.skip("changes\":{\"_0\":{\"changed\":") {
            isOverview = false
        } else {
            return nil
        }
        let rows = try reader.rows()
        // What follows is the rest of the object and `}}}` closing the three around it.
        guard line.count - reader.position >= 4, line.suffix(3).elementsEqual("}}}".utf8) else { return nil }
        var rest: [UInt8] = Array("{".utf8)
        if reader.skip(",") {
            rest += line[reader.position..<line.count - 3]
        } else if reader.skip("}"), reader.position == line.count - 3 {
            rest += Array("}".utf8)
        } else {
            return nil
        }
        if isOverview {
            let others = try decode(ViewMembers.self, from: rest)
            return ReplyEnvelope(id: id, reply: .overview(EngineView(
                rows: rows, selected: others.selected, summary: others.summary, restoring: others.restoring)))
        }
        let others = try decode(ChangesMembers.self, from: rest)
        return ReplyEnvelope(id: id, reply: .changes(EngineChanges(
            changed: rows, removed: others.removed, order: others.order, selected: others.selected, summary: others.summary,
            restoring: others.restoring)))
    }

    /// `EngineView`'s members other than its rows.
    private struct ViewMembers: Decodable {
        var selected: SelectedTorrent?
        var summary: EngineSummary
        var restoring: RestoreProgress?
    }

    /// `EngineChanges`'s members other than its rows.
    private struct ChangesMembers: Decodable {
        var removed: [InfoHash]
        var order: [InfoHash]?
        var selected: SelectedTorrent?
        var summary: EngineSummary
        var restoring: RestoreProgress?
    }
}

/// Reads list rows as `RowsJSON` writes them: JSON arrays of the row's fields, no white space. Every
/// value is checked as `TorrentListItem.init(from:)` checks it; anything else throws.
struct RowsJSONReader {
    struct Unreadable: Error {}

    private let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Skips `text` when the input goes on with it.
    mutating func skip(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard bytes.count - position >= utf8.count, bytes[position..<position + utf8.count].elementsEqual(utf8) else { return false }
        position += utf8.count
        return true
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard position < bytes.count, bytes[position] == byte else { throw Unreadable() }
        position += 1
    }

    mutating func rows() throws -> [TorrentListItem] {
        try expect(UInt8(ascii: "["))
        var rows: [TorrentListItem] = []
        if skip("]") { return rows }
        repeat {
            rows.append(try row())
        } while skip(",")
        try expect(UInt8(ascii: "]"))
        return rows
    }

    private mutating func row() throws -> TorrentListItem {
        try expect(UInt8(ascii: "["))
        guard let infoHash = InfoHash(hex: try string()) else { throw Unreadable() }
        try expect(UInt8(ascii: ","))
        let name = try string()
        try expect(UInt8(ascii: ","))
        let code = try string()
        try expect(UInt8(ascii: ","))
        let fraction = try double()
        try expect(UInt8(ascii: ","))
        let error = try optional { try $0.string() }
        guard let activity = TorrentListItem.activity(wireCode: code, fraction: fraction, error: error) else { throw Unreadable() }
        try expect(UInt8(ascii: ","))
        let total = try integer()
        try expect(UInt8(ascii: ","))
        let pieces = try int()
        try expect(UInt8(ascii: ","))
        let piecesHave = try int()
        try expect(UInt8(ascii: ","))
        let wanted = try integer()
        try expect(UInt8(ascii: ","))
        let wantedHave = try integer()
        try expect(UInt8(ascii: ","))
        let down = try double()
        try expect(UInt8(ascii: ","))
        let up = try double()
        try expect(UInt8(ascii: ","))
        let downloaded = try integer()
        try expect(UInt8(ascii: ","))
        let uploaded = try integer()
        try expect(UInt8(ascii: ","))
        let seeds = try int()
        try expect(UInt8(ascii: ","))
        let peers = try int()
        try expect(UInt8(ascii: ","))
        let seedsKnown = try optional { try $0.int() }
        try expect(UInt8(ascii: ","))
        let peersKnown = try optional { try $0.int() }
        try expect(UInt8(ascii: ","))
        guard let priority = TorrentPriority(rawValue: try int()) else { throw Unreadable() }
        try expect(UInt8(ascii: ","))
        let finalized: Bool
        if skip("true") { finalized = true } else if skip("false") { finalized = false } else { throw Unreadable() }
        try expect(UInt8(ascii: ","))
        let status = try optional { try $0.string() }
        try expect(UInt8(ascii: "]"))
        return TorrentListItem(
            infoHash: infoHash, name: name, activity: activity, totalLength: total, pieceCount: pieces, piecesHave: piecesHave,
            wantedLength: wanted, bytesHaveWanted: wantedHave, downloadRate: down, uploadRate: up, downloaded: downloaded,
            uploaded: uploaded, seedsConnected: seeds, peersConnected: peers, seedsKnown: seedsKnown, peersKnown: peersKnown,
            priority: priority, filesFinalized: finalized, status: status)
    }

    private mutating func optional<T>(_ read: (inout Self) throws -> T) throws -> T? {
        if skip("null") { return nil }
        return try read(&self)
    }

    private mutating func int() throws -> Int {
        guard let value = Int(exactly: try integer()) else { throw Unreadable() }
        return value
    }

    /// `-?[0-9]+` within Int64, no leading zero.
    mutating func integer() throws -> Int64 {
        let negative = skip("-")
        let start = position
        var magnitude: UInt64 = 0
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (next, o2) = times10.addingReportingOverflow(UInt64(bytes[position] - UInt8(ascii: "0")))
            guard !o1, !o2 else { throw Unreadable() }
            magnitude = next
            position += 1
        }
        let digits = position - start
        guard digits > 0, digits == 1 || bytes[start] != UInt8(ascii: "0") else { throw Unreadable() }
        // A fraction or an exponent is for `double`.
        if position < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[position]) {
            throw Unreadable()
        }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { throw Unreadable() }
            return Int64(truncatingIfNeeded: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { throw Unreadable() }
        return Int64(magnitude)
    }

    /// A JSON number, or the strings `ControlCodec` writes for the numbers JSON cannot hold.
    private mutating func double() throws -> Double {
        if skip("\"inf\"") { return .infinity }
        if skip("\"-inf\"") { return -.infinity }
        if skip("\"nan\"") { return .nan }
        let start = position
        // JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
        _ = skip("-")
        let integerStart = position
        guard digits() > 0, position - integerStart == 1 || bytes[integerStart] != UInt8(ascii: "0") else { throw Unreadable() }
        if skip(".") { guard digits() > 0 else { throw Unreadable() } }
        if skip("e") || skip("E") {
            if !skip("+") { _ = skip("-") }
            guard digits() > 0 else { throw Unreadable() }
        }
        guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)), value.isFinite else {
            throw Unreadable()
        }
        return value
    }

    /// Skips decimal digits; how many.
    private mutating func digits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") { position += 1 }
        return position - start
    }

    /// A JSON string: its escapes undone (`\uXXXX` with surrogate pairs), no raw control characters.
    private mutating func string() throws -> String {
        try expect(UInt8(ascii: "\""))
        var utf8: [UInt8] = []
        while true {
            guard position < bytes.count else { throw Unreadable() }
            let byte = bytes[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let text = String(validating: utf8, as: UTF8.self) else { throw Unreadable() }
                return text
            case UInt8(ascii: "\\"):
                guard position < bytes.count else { throw Unreadable() }
                let escaped = bytes[position]
                position += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                case UInt8(ascii: "b"): utf8.append(0x08)
                case UInt8(ascii: "f"): utf8.append(0x0C)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "u"): utf8.append(contentsOf: try unicodeEscape())
                default: throw Unreadable()
                }
            case 0..<0x20:
                throw Unreadable()
            default:
                utf8.append(byte)
            }
        }
    }

    /// After `\u`: four hex digits, and a second `\uXXXX` for a surrogate pair; the scalar's UTF-8.
    private mutating func unicodeEscape() throws -> [UInt8] {
        var value = try hex4()
        if (0xD800..<0xDC00).contains(value) {
            guard skip("\\u") else { throw Unreadable() }
            let low = try hex4()
            guard (0xDC00..<0xE000).contains(low) else { throw Unreadable() }
            value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(value) else { throw Unreadable() }
        return Array(String(Character(scalar)).utf8)
    }

    private mutating func hex4() throws -> UInt32 {
        guard bytes.count - position >= 4 else { throw Unreadable() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Self.hexValue(bytes[position]) else { throw Unreadable() }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
