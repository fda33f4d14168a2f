import Control
import Foundation
import Testing

/// `JSONObjectWriter` writes what `JSONSerialization` reads back as the same values.
struct JSONObjectWriterTests {
    private func parsed(_ writer: JSONObjectWriter) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(writer.finished))
        return try #require(object as? [String: Any])
    }

    @Test func membersOfEveryKindReadBack() throws {
        var writer = JSONObjectWriter()
        writer.add("name", "a \"quoted\" \\ name\n\t\u{1}\u{1b}[31m ünïcode 🐝")
        writer.add("count", 42)
        writer.add("big", Int64.max)
        writer.add("negative", -7)
        writer.add("progress", 0.1094)
        writer.add("whole", 1.0)
        writer.add("done", true)
        writer.add("paused", false)
        writer.add("peers", objects: [("127.0.0.1:6881", 3), ("[::1]:51413", 0)]) { peer, row in
            row.add("address", peer.0)
            row.add("uploaded", peer.1)
        }
        writer.add("trackers", objects: [Int]()) { _, _ in }
        let object = try parsed(writer)
        #expect(object["name"] as? String == "a \"quoted\" \\ name\n\t\u{1}\u{1b}[31m ünïcode 🐝")
        #expect(object["count"] as? Int == 42)
        #expect(object["big"] as? Int64 == Int64.max)
        #expect(object["negative"] as? Int == -7)
        #expect(object["progress"] as? Double == 0.1094)
        #expect(object["whole"] as? Double == 1)
        #expect(object["done"] as? Bool == true)
        #expect(object["paused"] as? Bool == false)
        let peers = try #require(object["peers"] as? [[String: Any]])
        #expect(peers.count == 2)
        #expect(peers[1]["address"] as? String == "[::1]:51413")
        #expect(peers[0]["uploaded"] as? Int == 3)
        #expect((object["trackers"] as? [Any])?.isEmpty == true)
        #expect(writer.text.hasPrefix("{\"name\":"), "members in the order given")
    }

    @Test func emptyObjectAndNonFiniteNumbers() throws {
        #expect(JSONObjectWriter().text == "{}")
        var writer = JSONObjectWriter()
        writer.add("nan", Double.nan)
        writer.add("inf", Double.infinity)
        let object = try parsed(writer)
        #expect(object["nan"] as? String == "nan")
        #expect(object["inf"] as? String == "inf")
    }

    private struct Row: Decodable {
        var text: String
        var number: Double
        var integer: Int64
    }

    @Test func randomStringsAndNumbersReadBack() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let scalars = (0..<Int.random(in: 0...24, using: &generator)).map { _ in
                Unicode.Scalar(UInt32.random(in: 0...0x2FF, using: &generator)) ?? "?"
            }
            let text = String(String.UnicodeScalarView(scalars))
            let number = Double.random(in: -1e12...1e12, using: &generator)
            let integer = Int64.random(in: Int64.min...Int64.max, using: &generator)
            var writer = JSONObjectWriter()
            writer.add("text", text)
            writer.add("number", number)
            writer.add("integer", integer)
            // JSONDecoder reads numbers exactly (Linux JSONSerialization rounds some doubles).
            let row = try JSONDecoder().decode(Row.self, from: Data(writer.finished))
            #expect(row.text == text)
            #expect(row.number == number)
            #expect(row.integer == integer)
        }
    }
}
