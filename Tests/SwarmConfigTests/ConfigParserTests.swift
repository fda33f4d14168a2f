import Foundation
import SwarmConfig
import XCTest

final class ConfigParserTests: XCTestCase {
    private func parse(_ text: String) throws -> SwarmConfig { try SwarmConfig.parse(text, file: "config.toml") }

    /// The error for `text`, which must fail.
    private func error(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> ConfigError? {
        do {
            _ = try SwarmConfig.parse(text, file: "config.toml")
            XCTFail("parsed: \(text)", file: file, line: line)
            return nil
        } catch {
            return error
        }
    }

    func testAFullFileSetsEveryValue() throws {
        let config = try parse("""
            # Swarm's settings
            listen_port = 51413
            bind = "127.0.0.1"
            download_directory = "~/Downloads"
            watch_directory = "/srv/watch"

            [limits]
            download = 2048      # KiB/s
            upload = 0.5
            max_active_downloads = 3
            max_active_seeds = 5
            max_connections = 300
            max_peers_per_torrent = 40

            [seeding]
            ratio = 2
            time_minutes = 90

            [ui]
            theme = "light"

            [keys]
            pause = "Space"
            quit = ["Ctrl-Q", "x"]

            recheck = "R"

            [dht]
            enabled = false
            bootstrap_nodes = ["127.0.0.1:6881", "[::1]:6882"]
            """)
        XCTAssertEqual(config.listenPort, 51413)
        XCTAssertEqual(config.bindAddress, "127.0.0.1")
        XCTAssertEqual(config.downloadDirectory, "~/Downloads")
        XCTAssertEqual(config.watchDirectory, "/srv/watch")
        XCTAssertEqual(config.downloadLimit, 2048 * 1024)
        XCTAssertEqual(config.uploadLimit, 512)
        XCTAssertEqual(config.maxActiveDownloads, 3)
        XCTAssertEqual(config.maxActiveSeeds, 5)
        XCTAssertEqual(config.maxConnections, 300)
        XCTAssertEqual(config.maxPeersPerTorrent, 40)
        XCTAssertEqual(config.seedRatio, 2)
        XCTAssertEqual(config.seedTime, 90 * 60)
        XCTAssertEqual(config.theme, "light")
        XCTAssertEqual(config.keyBindings, ["pause": ["Space"], "quit": ["Ctrl-Q", "x"], "recheck": ["R"]])
        XCTAssertEqual(config.keyLines, ["pause": 23, "quit": 24, "recheck": 26])
        XCTAssertEqual(config.keyError(action: "recheck", "bad").description, "config.toml:26: bad")
        XCTAssertEqual(config.dhtEnabled, false)
        XCTAssertEqual(config.dhtBootstrapNodes, [HostPort(host: "127.0.0.1", port: 6881), HostPort(host: "::1", port: 6882)])
    }

    func testAnEmptyFileSetsNothing() throws {
        var empty = SwarmConfig()
        empty.path = "config.toml"
        XCTAssertEqual(try parse(""), empty)
        XCTAssertEqual(try parse("# only a comment\n\n"), empty)
    }

    func testZeroRateMeansNoLimit() throws {
        XCTAssertNil(try parse("[limits]\ndownload = 0").downloadLimit)
    }

    func testUnknownKeysNameTheirLine() {
        XCTAssertEqual(error("listen_port = 1\n\nlisten_prot = 2")?.description, "config.toml:3: unknown key 'listen_prot'")
        XCTAssertEqual(error("[limits]\ndownload = 1\n  uplod = 2")?.line, 3)
        XCTAssertEqual(error("[nosuch]\nx = 1")?.line, 1)
        XCTAssertEqual(error("a = 1")?.problem, "unknown key 'a'")
        // Dotted and quoted keys are found too.
        XCTAssertEqual(error("\n\nlimits.nope = 1")?.line, 3)
        XCTAssertEqual(error("[limits]\n\n\"max conns\" = 1")?.line, 3)
    }

    func testBadValuesNameTheirLine() {
        let port = error("# comment\nlisten_port = 70000")
        XCTAssertEqual(port?.line, 2)
        XCTAssertEqual(port?.problem, "listen_port must be from 0 to 65535, not 70000")
        XCTAssertEqual(error("listen_port = \"6881\"")?.problem, "listen_port must be a whole number, not a string")
        XCTAssertEqual(error("[limits]\n\ndownload = -1")?.line, 3)
        XCTAssertEqual(error("[limits]\nupload = \"fast\"")?.line, 2)
        XCTAssertEqual(error("[seeding]\nratio = nan")?.line, 2)
        XCTAssertEqual(error("[seeding]\nratio = inf")?.line, 2)
        XCTAssertEqual(error("[dht]\nenabled = 1")?.problem, "dht.enabled must be true or false, not a whole number")
        XCTAssertEqual(error("[dht]\nbootstrap_nodes = [\"router.example:0\"]")?.line, 2)
        XCTAssertEqual(error("[dht]\nbootstrap_nodes = [1, 2]")?.line, 2)
        XCTAssertEqual(error("[dht]\nbootstrap_nodes = \"127.0.0.1:1\"")?.line, 2)
        XCTAssertEqual(error("limits = 5")?.problem, "limits must be a table ([limits]), not a whole number")
        XCTAssertEqual(error("download_directory = \"\"")?.line, 1)
        XCTAssertEqual(error("[ui]\ntheme = 2026-12-07")?.line, 2)
    }

    func testKeyBindingsMustBeNamesOrListsOfNames() {
        XCTAssertEqual(error("[keys]\n\npause = 1")?.line, 3)
        XCTAssertEqual(error("[keys]\npause = [\"p\", 2]")?.line, 2)
        XCTAssertEqual(error("[keys]\npause = \"\"")?.line, 2)
        XCTAssertEqual(error("keys = 1")?.line, 1)
    }

    func testInlineTablesPointAtTheirKey() {
        XCTAssertEqual(error("\nlimits = { download = 1, nope = 2 }")?.line, 2)
    }

    func testSyntaxErrorsNameTheirLine() {
        XCTAssertEqual(error("listen_port = 1\n[=]")?.line, 2)
        XCTAssertEqual(error("a = \"unterminated")?.line, 1)
        XCTAssertEqual(error("\n\nlisten_port = 1\nlisten_port = 2")?.line, 4)
    }

    /// Nothing a hostile file holds crashes the parser: every one of these is an error, not a trap.
    func testHostileFilesGiveErrors() {
        let hostile = [
            "[=]", "[", "]", "=", "[[]]", "[a.]", "a.=1", "\"\"=1", "listen_port = 99999999999999999999999",
            "listen_port = 9223372036854775807", "listen_port = -9223372036854775808",
            "[limits]\ndownload = 1e308", "[limits]\ndownload = 1e400", "[seeding]\ntime_minutes = 1e300",
            String(repeating: "[", count: 100_000), "a = " + String(repeating: "[", count: 10_000),
            "a = " + String(repeating: "{b=", count: 5_000), "listen_port = 1\u{0}2",
            "[limits]\nmax_connections = 0", "[[limits]]\ndownload = 1", "[keys]\npause = [[\"p\"]]",
            "\u{FEFF}bind = 5", "x = \"\"\"\nlisten_port = 1\n\"\"\"",
        ]
        for text in hostile {
            XCTAssertNotNil(error(text), text.prefix(60).description)
        }
    }

    func testHostPortParsing() {
        XCTAssertEqual(HostPort(parsing: "127.0.0.1:6881"), HostPort(host: "127.0.0.1", port: 6881))
        XCTAssertEqual(HostPort(parsing: "[::1]:1"), HostPort(host: "::1", port: 1))
        for bad in ["", ":1", "host", "host:", "host:0", "host:65536", "::1:80", "[::1]", "a b:1", "h:+1", "h:999999999999999999999"] {
            XCTAssertNil(HostPort(parsing: bad), bad)
        }
    }
}
