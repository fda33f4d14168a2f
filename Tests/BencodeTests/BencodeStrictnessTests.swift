import Bencode
import XCTest

/// Every way strict decoding refuses input, with the byte offset it reports.
final class BencodeStrictnessTests: XCTestCase {
    private struct Case {
        let input: [UInt8]
        let kind: BencodeError.Kind
        let offset: Int
        let limits: BencodeDecoder.Limits
        let line: UInt

        init(_ text: String, _ kind: BencodeError.Kind, at offset: Int,
             limits: BencodeDecoder.Limits = .init(), line: UInt = #line) {
            self.input = Array(text.utf8)
            self.kind = kind
            self.offset = offset
            self.limits = limits
            self.line = line
        }
    }

    private let cases: [Case] = [
        // Integers
        Case("i03e", .invalidInteger, at: 0),
        Case("i00e", .invalidInteger, at: 0),
        Case("i-0e", .invalidInteger, at: 0),
        Case("i-01e", .invalidInteger, at: 0),
        Case("ie", .invalidInteger, at: 0),
        Case("i-e", .invalidInteger, at: 0),
        Case("i1x2e", .invalidInteger, at: 2),
        Case("i+1e", .invalidInteger, at: 1),
        Case("i12", .unexpectedEnd, at: 3),
        Case("i9223372036854775808e", .invalidInteger, at: 0),
        // Strings
        Case("01:a", .invalidLength, at: 0),
        Case("00:", .invalidLength, at: 0),
        Case("1x:a", .invalidLength, at: 1),
        Case("-1:a", .unexpectedByte(UInt8(ascii: "-")), at: 0),
        Case("5:abc", .unexpectedEnd, at: 5),
        Case("3", .unexpectedEnd, at: 1),
        Case("99999999999999999999999999:a", .stringTooLong(64 << 20), at: 0),
        // Lists and dictionaries
        Case("li1e", .unexpectedEnd, at: 4),
        Case("d1:ai1e", .unexpectedEnd, at: 7),
        Case("d1:a", .unexpectedEnd, at: 4),
        Case("d1:ai1e1:ai2ee", .duplicateKey, at: 7),
        Case("d1:bi1e1:ai2e1:bi3ee", .duplicateKey, at: 13),
        Case("di1ei2ee", .dictionaryKeyNotString, at: 1),
        Case("dlei2ee", .dictionaryKeyNotString, at: 1),
        // Top level
        Case("", .unexpectedEnd, at: 0),
        Case("x", .unexpectedByte(UInt8(ascii: "x")), at: 0),
        Case("i1ei2e", .trailingData, at: 3),
        Case("4:spamX", .trailingData, at: 6),
        Case("dee", .trailingData, at: 2),
        // Limits
        Case("lllleeee", .nestingTooDeep(3), at: 3, limits: .init(maxDepth: 3)),
        Case("ld1:ald1:aleeeee", .nestingTooDeep(3), at: 6, limits: .init(maxDepth: 3)),
        Case("5:abcde", .stringTooLong(4), at: 0, limits: .init(maxStringLength: 4)),
        Case("l4:abcd5:abcdee", .stringTooLong(4), at: 7, limits: .init(maxStringLength: 4)),
        Case("li1ei2ei3ee", .tooManyItems(3), at: 7, limits: .init(maxItems: 3)),
        Case("d1:ai1e1:bi2ee", .tooManyItems(2), at: 10, limits: .init(maxItems: 2)),
    ]

    func testEveryErrorWithItsOffset() {
        for c in cases {
            XCTAssertThrowsError(try BencodeDecoder(limits: c.limits).decode(c.input), line: c.line) { error in
                XCTAssertEqual(error as? BencodeError, BencodeError(c.kind, at: c.offset),
                               String(decoding: c.input, as: UTF8.self), line: c.line)
            }
        }
    }

    func testLimitsAreInclusive() throws {
        XCTAssertNoThrow(try BencodeDecoder(limits: .init(maxDepth: 3)).decode(Array("llleee".utf8)))
        XCTAssertNoThrow(try BencodeDecoder(limits: .init(maxStringLength: 4)).decode(Array("4:abcd".utf8)))
        XCTAssertNoThrow(try BencodeDecoder(limits: .init(maxItems: 3)).decode(Array("li1ei2ee".utf8)))
    }

    func testDeepNestingDoesNotCrashWithDefaultLimits() {
        let deep = [UInt8](repeating: UInt8(ascii: "l"), count: 100_000) + [UInt8](repeating: UInt8(ascii: "e"), count: 100_000)
        XCTAssertThrowsError(try BencodeDecoder().decode(deep)) { error in
            XCTAssertEqual(error as? BencodeError, BencodeError(.nestingTooDeep(64), at: 64))
        }
    }

    func testHugeLengthWithLargeLimitDoesNotOverflow() {
        let decoder = BencodeDecoder(limits: .init(maxStringLength: .max))
        XCTAssertThrowsError(try decoder.decode(Array("99999999999999999999999999:a".utf8))) { error in
            XCTAssertEqual(error as? BencodeError, BencodeError(.stringTooLong(.max), at: 0))
        }
    }

    func testDescriptionsNameTheOffset() {
        XCTAssertEqual(
            BencodeError(.duplicateKey, at: 7).description, "bencode: duplicate dictionary key at byte 7")
        XCTAssertEqual(
            BencodeError(.unexpectedByte(0x01), at: 0).description, "bencode: unexpected byte 0x1 at byte 0")
        XCTAssertEqual(
            BencodeError(.unexpectedByte(UInt8(ascii: "x")), at: 2).description,
            "bencode: unexpected character 'x' at byte 2")
    }
}
