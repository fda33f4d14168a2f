import Engine
import Foundation
import TorrentModel

extension ControlCodec {
    /// A reply line, as `encode` writes it; the rows of an overview or of changes (ten thousand of them
    /// in a large session) are written by `RowsJSON` rather than `JSONEncoder`, which took most of a
    /// starting daemon's time to answer lists. What is not rows still goes through `JSONEncoder`.
    public static func encodeReply(_ envelope: ReplyEnvelope) -> [UInt8] {
        var out: [UInt8] = []
        switch envelope.reply {
        case .overview(let view) where !view.rows.isEmpty:
            out.reserveCapacity(view.rows.count * 200)
            opening(id: envelope.id, reply: "overview", into: &out)
            let rest = ViewWithoutRows(selected: view.selected, summary: view.summary, restoring: view.restoring)
            object(firstKey: "rows", rows: view.rows, rest: rest, into: &out)
        case .changes(let changes) where !changes.changed.isEmpty:
            out.reserveCapacity(changes.changed.count * 200)
            opening(id: envelope.id, reply: "changes", into: &out)
            let rest = ChangesWithoutRows(
                removed: changes.removed, order: changes.order, selected: changes.selected, summary: changes.summary,
                restoring: changes.restoring)
            object(firstKey: "changed", rows: changes.changed, rest: rest, into: &out)
        default:
            return encode(envelope)
        }
        out.append(contentsOf: "}}}\n".utf8)
        return out
    }

    /// `{"id":ID,"reply":{"CASE":{"_0":` as the synthesized coding of `ReplyEnvelope` and `ControlReply` has it.
    private static func opening(id: Int?, reply: String, into out: inout [UInt8]) {
        out.append(contentsOf: "{".utf8)
        if let id { out.append(contentsOf: "\"id\":\(id),".utf8) }
        out.append(contentsOf: "\"reply\":{\"\(reply)\":{\"_0\":".utf8)
    }

    /// `{"KEY":[rows],` and the rest's own members: the object the type's synthesized coding reads.
    private static func object(firstKey: String, rows: [TorrentListItem], rest: some Encodable, into out: inout [UInt8]) {
        out.append(contentsOf: "{\"\(firstKey)\":".utf8)
        RowsJSON.append(rows, to: &out)
        let members = encode(rest).dropLast()  // `{...}` without its newline
        if members.count > 2 {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: members.dropFirst())
        } else {
            out.append(UInt8(ascii: "}"))
        }
    }

    /// `EngineView`'s members other than its rows, under the same keys.
    private struct ViewWithoutRows: Encodable {
        var selected: SelectedTorrent?
        var summary: EngineSummary
        var restoring: RestoreProgress?
    }

    /// `EngineChanges`'s members other than its rows, under the same keys.
    private struct ChangesWithoutRows: Encodable {
        var removed: [InfoHash]
        var order: [InfoHash]?
        var selected: SelectedTorrent?
        var summary: EngineSummary
        var restoring: RestoreProgress?
    }
}

/// List rows as JSON arrays, written by hand: the same values `TorrentListItem.encode(to:)` gives
/// `JSONEncoder` (non-finite numbers as the strings `ControlCodec` uses), a few times faster.
enum RowsJSON {
    static func append(_ rows: [TorrentListItem], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, row) in rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            append(row, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    static func append(_ row: TorrentListItem, to out: inout [UInt8]) {
        let (code, fraction, error) = TorrentListItem.wireParts(of: row.activity)
        out.append(UInt8(ascii: "["))
        string(row.infoHash.hex, &out)
        comma(&out)
        string(row.name, &out)
        comma(&out)
        string(code, &out)
        comma(&out)
        number(fraction, &out)
        comma(&out)
        optional(error, &out, string)
        comma(&out)
        integer(row.totalLength, &out)
        comma(&out)
        integer(Int64(row.pieceCount), &out)
        comma(&out)
        integer(Int64(row.piecesHave), &out)
        comma(&out)
        integer(row.wantedLength, &out)
        comma(&out)
        integer(row.bytesHaveWanted, &out)
        comma(&out)
        number(row.downloadRate, &out)
        comma(&out)
        number(row.uploadRate, &out)
        comma(&out)
        integer(row.downloaded, &out)
        comma(&out)
        integer(row.uploaded, &out)
        comma(&out)
        integer(Int64(row.seedsConnected), &out)
        comma(&out)
        integer(Int64(row.peersConnected), &out)
        comma(&out)
        optional(row.seedsKnown.map(Int64.init), &out, integer)
        comma(&out)
        optional(row.peersKnown.map(Int64.init), &out, integer)
        comma(&out)
        integer(Int64(row.priority.rawValue), &out)
        comma(&out)
        out.append(contentsOf: (row.filesFinalized ? "true" : "false").utf8)
        comma(&out)
        optional(row.status, &out, string)
        out.append(UInt8(ascii: "]"))
    }

    private static func comma(_ out: inout [UInt8]) { out.append(UInt8(ascii: ",")) }

    private static func optional<T>(_ value: T?, _ out: inout [UInt8], _ write: (T, inout [UInt8]) -> Void) {
        if let value { write(value, &out) } else { out.append(contentsOf: "null".utf8) }
    }

    static func integer(_ value: Int64, _ out: inout [UInt8]) {
        if value >= 0 && value < 10 {
            out.append(UInt8(ascii: "0") + UInt8(value))
        } else {
            out.append(contentsOf: String(value).utf8)
        }
    }

    static func number(_ value: Double, _ out: inout [UInt8]) {
        if value.isNaN {
            out.append(contentsOf: "\"nan\"".utf8)
        } else if value.isInfinite {
            out.append(contentsOf: (value > 0 ? "\"inf\"" : "\"-inf\"").utf8)
        } else if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value), &out)
        } else {
            // Swift's shortest form that reads back as the same value; JSON accepts its `e` notation.
            out.append(contentsOf: "\(value)".utf8)
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    static func string(_ text: String, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
            case 0x0A: out.append(contentsOf: "\\n".utf8)
            case 0x0D: out.append(contentsOf: "\\r".utf8)
            case 0x09: out.append(contentsOf: "\\t".utf8)
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: "\\u00".utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
