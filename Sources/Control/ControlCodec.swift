import Foundation

/// Why a line of the control protocol could not be read.
public enum ControlCodecError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The peer sent more than `limit` bytes without a newline; the stream cannot be resynchronised.
    case lineTooLong(limit: Int)
    /// A complete line that is not a message of this protocol.
    case unreadable(String)

    public var description: String {
        switch self {
        case .lineTooLong(let limit): "a message longer than \(limit) bytes"
        case .unreadable(let why): "not a control message: \(why)"
        }
    }
}

/// Splits a byte stream into lines, refusing any line longer than `maxLength` (without its newline).
public struct LineFramer: Sendable {
    public let maxLength: Int
    private var buffer: [UInt8] = []
    /// Where to resume looking for a newline, so a long partial line is scanned once.
    private var scanned = 0

    public init(maxLength: Int) { self.maxLength = maxLength }

    public mutating func append<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete line (without `\n` or a trailing `\r`), nil when none is complete yet.
    public mutating func nextLine() throws(ControlCodecError) -> [UInt8]? {
        guard let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) else {
            scanned = buffer.count
            if buffer.count > maxLength { throw .lineTooLong(limit: maxLength) }
            return nil
        }
        guard newline <= maxLength else { throw .lineTooLong(limit: maxLength) }
        var line = Array(buffer[..<newline])
        buffer.removeSubrange(...newline)
        scanned = 0
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        return line
    }

    /// Bytes received that do not end a line yet.
    public var pendingCount: Int { buffer.count }
}

/// JSON lines in and out.
public enum ControlCodec {
    public static func encode(_ value: some Encodable) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        // Every message type here encodes without throwing: no floats that JSON cannot hold are produced
        // by the engine, and non-finite ones are written as strings rather than failing.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let data = (try? encoder.encode(value)) ?? Data(#"{"unencodable":true}"#.utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }

    public static func decode<T: Decodable>(_ type: T.Type, from line: [UInt8]) throws(ControlCodecError) -> T {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        do {
            return try decoder.decode(type, from: Data(line))
        } catch let error as DecodingError {
            throw .unreadable(describe(error))
        } catch {
            throw .unreadable("\(error)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map(\.stringValue).joined(separator: ".")
            return keys.isEmpty ? "" : " at \(keys)"
        }
        switch error {
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "not JSON" : "bad value\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context): return "missing \(key.stringValue)\(path(context))"
        case .typeMismatch(_, let context): return "wrong type\(path(context))"
        case .valueNotFound(_, let context): return "missing value\(path(context))"
        @unknown default: return "unreadable"
        }
    }
}
