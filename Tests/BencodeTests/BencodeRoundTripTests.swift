import Bencode
import XCTest

final class BencodeRoundTripTests: XCTestCase {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    func testDecodesEachKind() throws {
        let decoder = BencodeDecoder()
        XCTAssertEqual(try decoder.decode(bytes("i42e")), .integer(42))
        XCTAssertEqual(try decoder.decode(bytes("i-42e")), .integer(-42))
        XCTAssertEqual(try decoder.decode(bytes("i0e")), .integer(0))
        XCTAssertEqual(try decoder.decode(bytes("4:spam")), .string("spam"))
        XCTAssertEqual(try decoder.decode(bytes("0:")), .bytes([]))
        XCTAssertEqual(try decoder.decode(bytes("le")), .list([]))
        XCTAssertEqual(try decoder.decode(bytes("de")), .dictionary([:]))
        XCTAssertEqual(
            try decoder.decode(bytes("d3:cow3:moo4:spaml1:a1:bee")),
            .dict(["cow": .string("moo"), "spam": .list([.string("a"), .string("b")])]))
    }

    func testInt64Extremes() throws {
        let decoder = BencodeDecoder()
        XCTAssertEqual(try decoder.decode(bytes("i9223372036854775807e")), .integer(.max))
        XCTAssertEqual(try decoder.decode(bytes("i-9223372036854775808e")), .integer(.min))
        XCTAssertEqual(BencodeEncoder.encode(.integer(.min)), bytes("i-9223372036854775808e"))
        XCTAssertThrowsError(try decoder.decode(bytes("i9223372036854775808e")))
        XCTAssertThrowsError(try decoder.decode(bytes("i-9223372036854775809e")))
    }

    func testRoundTripsNestedValues() throws {
        let value: BencodeValue = .dict([
            "int": .integer(-7),
            "binary": .bytes([0, 255, 10, 13, 0x80]),
            "list": .list([.integer(1), .list([]), .dict([:]), .string("x")]),
            "nested": .dict(["a": .dict(["b": .list([.integer(Int64.max)])])]),
        ])
        let encoded = BencodeEncoder.encode(value)
        XCTAssertEqual(try BencodeDecoder().decode(encoded), value)
        XCTAssertEqual(BencodeEncoder.encode(try BencodeDecoder().decode(encoded)), encoded)
    }

    func testEncodingSortsKeysAsRawBytes() {
        let value: BencodeValue = .dictionary([
            bytes("b"): .integer(1), bytes("a"): .integer(2), bytes("ab"): .integer(3),
            [0xff]: .integer(4), bytes("B"): .integer(5), [0x00]: .integer(6),
        ])
        // 0x00 < "B" < "a" < "ab" < "b" < 0xff
        XCTAssertEqual(
            BencodeEncoder.encode(value),
            bytes("d1:") + [0] + bytes("i6e1:Bi5e1:ai2e2:abi3e1:bi1e1:") + [0xff] + bytes("i4ee"))
    }

    func testUnsortedKeysAreAcceptedAndReencodedSorted() throws {
        let value = try BencodeDecoder().decode(bytes("d1:bi1e1:ai2ee"))
        XCTAssertEqual(value["a"], .integer(2))
        XCTAssertEqual(BencodeEncoder.encode(value), bytes("d1:ai2e1:bi1ee"))
    }

    func testAccessors() {
        let value: BencodeValue = .dict(["n": .integer(3), "s": .string("hé"), "bad": .bytes([0xff])])
        XCTAssertEqual(value["n"]?.integer, 3)
        XCTAssertEqual(value["s"]?.text, "hé")
        XCTAssertNil(value["bad"]?.text)
        XCTAssertEqual(value["bad"]?.bytes, [0xff])
        XCTAssertNil(value["missing"])
        XCTAssertNil(BencodeValue.integer(1)["n"])
        XCTAssertNil(value["n"]?.list)
        XCTAssertNil(value["n"]?.dictionary)
    }

    func testDecodePrefixStopsAfterTheValue() throws {
        let input = bytes("d8:msg_typei1e5:piecei0ee") + [1, 2, 3]
        let (value, length) = try BencodeDecoder().decodePrefix(input)
        XCTAssertEqual(value["piece"], .integer(0))
        XCTAssertEqual(length, input.count - 3)
    }

    func testSpansOfTopLevelValues() throws {
        let input = bytes("d3:agei30e4:infod4:name1:xe4:listl1:aee")
        let (_, spans) = try BencodeDecoder().decodeWithSpans(input)
        XCTAssertEqual(Set(spans.keys), ["age", "info", "list"])
        XCTAssertEqual(Array(input[spans["age"]!]), bytes("i30e"))
        XCTAssertEqual(Array(input[spans["info"]!]), bytes("d4:name1:xe"))
        XCTAssertEqual(Array(input[spans["list"]!]), bytes("l1:ae"))
    }

    func testSpansAreRelativeToTheStartOfASlice() throws {
        let whole = bytes("XXd1:ki1ee")
        let (_, spans) = try BencodeDecoder().decodeWithSpans(whole[2...])
        XCTAssertEqual(spans["k"], 4..<7)  // offsets count from the slice's first byte
    }

    func testNestedDictionariesDoNotAddSpans() throws {
        let (_, spans) = try BencodeDecoder().decodeWithSpans(bytes("d1:ad1:bi1eee"))
        XCTAssertEqual(Array(spans.keys), ["a"])
        let (_, listSpans) = try BencodeDecoder().decodeWithSpans(bytes("ld1:ai1eee"))
        XCTAssertTrue(listSpans.isEmpty)
    }

    func testSpansInsideOneTopLevelDictionary() throws {
        let input = bytes("d4:infod4:name1:x6:pieces3:abc5:innerd1:ki1eee4:listld6:piecesi1eeee")
        let (_, spans, inner) = try BencodeDecoder().decodeWithSpans(input, inside: "info")
        XCTAssertEqual(Set(spans.keys), ["info", "list"])
        XCTAssertEqual(Set(inner.keys), ["name", "pieces", "inner"])  // not the nested `k`, nor the list's dict
        XCTAssertEqual(Array(input[inner["pieces"]!]), bytes("3:abc"))
        XCTAssertEqual(Array(input[inner["inner"]!]), bytes("d1:ki1ee"))
    }

    func testSpansInsideAKeyThatIsMissingOrNotADictionary() throws {
        XCTAssertTrue(try BencodeDecoder().decodeWithSpans(bytes("d1:ai1ee"), inside: "info").innerSpans.isEmpty)
        XCTAssertTrue(try BencodeDecoder().decodeWithSpans(bytes("d4:infoli1eee"), inside: "info").innerSpans.isEmpty)
        XCTAssertTrue(try BencodeDecoder().decodeWithSpans(bytes("ld4:infod1:ai1eeee"), inside: "info").innerSpans.isEmpty)
    }

    func testSpansInsideRejectWhatDecodeRejects() {
        for bad in ["d4:infod1:ai1e1:ai2eee", "d4:infod1:ai1e", "d4:infod1:ai01eee", "d4:infod1:ai1eeeX"] {
            XCTAssertThrowsError(try BencodeDecoder().decodeWithSpans(bytes(bad), inside: "info"), bad)
        }
    }
}
