import SwarmConfig
import XCTest

/// Random documents built from TOML's punctuation: the parser (toml++ underneath, which asserts on some
/// inputs) must answer each with a value or an error, never a crash.
final class ConfigFuzzTests: XCTestCase {
    static let fragments = [
        "[", "]", "[[", "]]", "=", " = ", "\"", "'", "\"\"\"", "'''", "a", "b.c", ".", "\n", "#", "{", "}", ",", " ", "\t",
        "1", "-1", "1e9", "inf", "nan", "true", "0x1F", "1979-05-27", "\\", "\\u00e9", "é", "\u{0}", "\r\n", "limits",
        "listen_port", "keys", "dht", "bootstrap_nodes", "\"127.0.0.1:1\"", "\u{3000}", "\u{A0}", "\u{FEFF}", "\u{2028}",
    ]

    func testRandomDocumentsNeverCrash() {
        for seed: UInt64 in [0x5EED, 0xBEEF, 0xF00D] { run(seed: seed) }
    }

    private func run(seed: UInt64) {
        var state: UInt64 = seed
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        var parsed = 0
        var failed = 0
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<(1 + next(24)) { text += Self.fragments[next(Self.fragments.count)] }
            do {
                _ = try SwarmConfig.parse(text, file: "fuzz.toml")
                parsed += 1
            } catch {
                failed += 1
                XCTAssertFalse(error.problem.isEmpty)
            }
        }
        XCTAssertEqual(parsed + failed, 20_000)
        XCTAssertGreaterThan(failed, 0)
    }
}
