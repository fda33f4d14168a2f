/// Canonical bencode encoding: dictionary keys sorted as raw bytes, integers without padding.
public enum BencodeEncoder {
    public static func encode(_ value: BencodeValue) -> [UInt8] {
        var out: [UInt8] = []
        append(value, to: &out)
        return out
    }

    public static func append(_ value: BencodeValue, to out: inout [UInt8]) {
        switch value {
        case .integer(let v):
            out.append(UInt8(ascii: "i"))
            out.append(contentsOf: String(v).utf8)
            out.append(UInt8(ascii: "e"))
        case .bytes(let b):
            appendString(b, to: &out)
        case .list(let items):
            out.append(UInt8(ascii: "l"))
            for item in items { append(item, to: &out) }
            out.append(UInt8(ascii: "e"))
        case .dictionary(let dict):
            out.append(UInt8(ascii: "d"))
            for key in dict.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                appendString(key, to: &out)
                append(dict[key]!, to: &out)
            }
            out.append(UInt8(ascii: "e"))
        }
    }

    private static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: String(bytes.count).utf8)
        out.append(UInt8(ascii: ":"))
        out.append(contentsOf: bytes)
    }
}
