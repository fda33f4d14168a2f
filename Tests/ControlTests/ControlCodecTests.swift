import Control
import Engine
import Foundation
import TorrentModel
import XCTest

/// The protocol's pure parts: framing, the JSON shapes, hostile lines, selectors, rate arguments, paths.
final class ControlCodecTests: XCTestCase {
    private let hash = InfoHash(hex: String(repeating: "ab", count: 20))!

    func testEveryRequestSurvivesTheRoundTrip() throws {
        let requests: [ControlRequest] = [
            .hello(version: 1, client: "swarm"), .add(source: .torrent(Data([0, 1, 2, 255])), directory: "/data", paused: true),
            .add(source: .magnet("magnet:?xt=urn:btih:abc"), directory: nil, paused: false), .list,
            .pause(torrent: "ab12"), .resume(torrent: "1"), .recheck(torrent: "name"),
            .remove(torrent: "x", deleteData: true), .limit(torrent: nil, download: .bytesPerSecond(1024), upload: .unlimited),
            .limit(torrent: "x", download: nil, upload: nil), .setPriority(torrent: "x", priority: .high),
            .setFilePriority(torrent: "x", file: 2, priority: .skip),
            .subscribe(intervalMilliseconds: 250, selected: nil), .select(torrent: "ab"), .shutdown,
        ]
        for (id, request) in requests.enumerated() {
            var line = ControlCodec.encode(RequestEnvelope(id: id, request: request))
            XCTAssertEqual(line.last, UInt8(ascii: "\n"))
            XCTAssertFalse(line.dropLast().contains(UInt8(ascii: "\n")), "one message is one line")
            line.removeLast()
            XCTAssertEqual(try ControlCodec.decode(RequestEnvelope.self, from: line), RequestEnvelope(id: id, request: request))
        }
    }

    func testSnapshotsTravelWithInfoHashesAsHex() throws {
        let summary = EngineSummary(downloadLimit: nil, uploadLimit: 2048, freeDiskBytes: 10, listenPort: 6881, downloadDirectory: "/d")
        let reply = ReplyEnvelope(id: 3, reply: .added(infoHash: hash, name: "x"))
        let line = ControlCodec.encode(reply)
        XCTAssertTrue(String(decoding: line, as: UTF8.self).contains(hash.hex))
        XCTAssertEqual(try ControlCodec.decode(ReplyEnvelope.self, from: Array(line.dropLast())), reply)
        let empty = ReplyEnvelope(id: nil, reply: .snapshot(EngineSnapshot(torrents: [], detail: nil, summary: summary)))
        XCTAssertEqual(try ControlCodec.decode(ReplyEnvelope.self, from: Array(ControlCodec.encode(empty).dropLast())), empty)
    }

    func testHostileLinesAreRefusedWithAReason() {
        let cases: [(String, String)] = [
            ("not json at all", "not JSON"), ("{\"id\":1}", "missing request"), ("[1,2,3]", ""),
            ("{\"id\":\"one\",\"request\":{\"list\":{}}}", "wrong type"), ("{\"id\":1,\"request\":{\"explode\":{}}}", ""),
            ("{\"id\":1,\"request\":{\"pause\":{}}}", "torrent"), ("\u{FF}\u{FE}", ""), ("{}", ""),
            ("{\"id\":1,\"request\":{\"add\":{\"source\":{\"torrent\":{\"_0\":\"***\"}},\"paused\":false}}}", ""),
        ]
        for (line, reason) in cases {
            XCTAssertThrowsError(try ControlCodec.decode(RequestEnvelope.self, from: Array(line.utf8)), line) { error in
                guard case ControlCodecError.unreadable(let why) = error else { return XCTFail("\(error)") }
                if !reason.isEmpty { XCTAssertTrue(why.contains(reason), "\(line): \(why)") }
            }
        }
        XCTAssertThrowsError(try ControlCodec.decode(ReplyEnvelope.self, from: Array("{\"id\":1,\"reply\":{\"added\":{\"infoHash\":\"zz\",\"name\":\"x\"}}}".utf8)))
    }

    func testFramerSplitsLinesAcrossReads() throws {
        var framer = LineFramer(maxLength: 100)
        framer.append(Array("{\"a\":1}\n{\"b\"".utf8))
        XCTAssertEqual(try framer.nextLine(), Array("{\"a\":1}".utf8))
        XCTAssertNil(try framer.nextLine())
        framer.append(Array(":2}\r\n\n".utf8))
        XCTAssertEqual(try framer.nextLine(), Array("{\"b\":2}".utf8), "a CR before the newline is dropped")
        XCTAssertEqual(try framer.nextLine(), [], "an empty line comes out empty (the server skips it)")
        XCTAssertNil(try framer.nextLine())
        XCTAssertEqual(framer.pendingCount, 0)
    }

    func testOversizedLinesAreRefusedBeforeTheirEnd() {
        var framer = LineFramer(maxLength: 16)
        framer.append([UInt8](repeating: UInt8(ascii: "x"), count: 10))
        XCTAssertNil(try framer.nextLine())
        framer.append([UInt8](repeating: UInt8(ascii: "x"), count: 10))
        XCTAssertThrowsError(try framer.nextLine()) { XCTAssertEqual($0 as? ControlCodecError, .lineTooLong(limit: 16)) }

        var complete = LineFramer(maxLength: 4)
        complete.append(Array("12345\n".utf8))
        XCTAssertThrowsError(try complete.nextLine(), "a long line is refused even when its newline came with it")
        var exact = LineFramer(maxLength: 4)
        exact.append(Array("1234\n".utf8))
        XCTAssertEqual(try exact.nextLine(), Array("1234".utf8))
    }

    func testSelectorsFindOneTorrentOrListTheCandidates() throws {
        let a = InfoHash(hex: "aa" + String(repeating: "0", count: 38))!
        let b = InfoHash(hex: "ab" + String(repeating: "0", count: 38))!
        let c = InfoHash(hex: "12" + String(repeating: "3", count: 38))!
        let all = [
            TorrentSelector.Candidate(infoHash: a, name: "Ubuntu 24.04"), .init(infoHash: b, name: "ubuntu 22.04"),
            .init(infoHash: c, name: "Debian"),
        ]
        XCTAssertEqual(try TorrentSelector.resolve("2", in: all), b, "a list position")
        XCTAssertEqual(try TorrentSelector.resolve("12", in: all), c, "digits beyond the list are a hash prefix")
        XCTAssertEqual(try TorrentSelector.resolve("AA", in: all), a, "a hash prefix, any case")
        XCTAssertEqual(try TorrentSelector.resolve(c.hex, in: all), c)
        XCTAssertEqual(try TorrentSelector.resolve("debian", in: all), c, "a name")
        XCTAssertEqual(try TorrentSelector.resolve(" 24.04 ", in: all), a, "part of a name")
        XCTAssertThrowsError(try TorrentSelector.resolve("ubuntu", in: all)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("matches 2 torrents") && text.contains("Ubuntu 24.04") && text.contains("ubuntu 22.04"), text)
            XCTAssertFalse(text.contains("Debian"))
        }
        XCTAssertThrowsError(try TorrentSelector.resolve("a", in: all)) { XCTAssertTrue("\($0)".contains("aa000000")) }
        XCTAssertThrowsError(try TorrentSelector.resolve("fedora", in: all)) { XCTAssertEqual($0 as? TorrentSelector.Failure, .noMatch("fedora")) }
        XCTAssertThrowsError(try TorrentSelector.resolve("  ", in: all)) { XCTAssertEqual($0 as? TorrentSelector.Failure, .empty) }
        XCTAssertThrowsError(try TorrentSelector.resolve("1", in: [])) { XCTAssertEqual($0 as? TorrentSelector.Failure, .noMatch("1")) }
    }

    func testRateArguments() {
        XCTAssertEqual(RateText.parseLimit("0"), .unlimited)
        XCTAssertEqual(RateText.parseLimit("none"), .unlimited)
        XCTAssertEqual(RateText.parseLimit("500"), .bytesPerSecond(500 * 1024), "a plain number is KiB/s, as --upload-limit")
        XCTAssertEqual(RateText.parseLimit("2M"), .bytesPerSecond(2 * 1048576))
        XCTAssertEqual(RateText.parseLimit("1.5MiB/s"), .bytesPerSecond(1.5 * 1048576))
        XCTAssertEqual(RateText.parseLimit("64k"), .bytesPerSecond(65536))
        for bad in ["", "-1", "fast", "1e999", "nan", "2X"] { XCTAssertNil(RateText.parseLimit(bad), bad) }
        XCTAssertEqual(RateText.limit(nil), "unlimited")
        XCTAssertEqual(RateText.limit(2 * 1048576), "2.0 MiB/s")
    }

    func testPathsFollowTheEnvironment() {
        let explicit = ControlPaths.resolve(stateDirectoryFlag: "/srv/swarm", environment: ["SWARM_HOME": "/other"], home: "/home/u", uid: 7)
        XCTAssertEqual(explicit.stateDirectory.path, "/srv/swarm", "--state-dir wins over SWARM_HOME")
        XCTAssertEqual(explicit.socket.path, "/srv/swarm/run/control.sock")
        let home = ControlPaths.resolve(environment: ["SWARM_HOME": "/other", "XDG_RUNTIME_DIR": "/run/user/7"], home: "/home/u", uid: 7)
        XCTAssertEqual(home.stateDirectory.path, "/other")
        XCTAssertEqual(home.runtimeDirectory.path, "/other/run")
        let xdg = ControlPaths.resolve(environment: ["XDG_DATA_HOME": "/xd", "XDG_RUNTIME_DIR": "/run/user/7"], home: "/home/u", uid: 7)
        XCTAssertEqual(xdg.stateDirectory.path, "/xd/swarm")
        XCTAssertEqual(xdg.socket.path, "/run/user/7/swarm/control.sock")
        XCTAssertEqual(xdg.pending.path, "/xd/swarm/pending")
        let bare = ControlPaths.resolve(environment: [:], home: "/home/u", uid: 7)
        XCTAssertEqual(bare.stateDirectory.path, "/home/u/.local/share/swarm")
        XCTAssertEqual(bare.runtimeDirectory.path, "/tmp/swarm-7")
    }

    func testVersionMismatchNamesBothVersions() {
        let text = VersionMismatch(client: 2, daemon: 1).description
        XCTAssertTrue(text.contains("version 2") && text.contains("version 1") && text.contains("swarm shutdown"), text)
    }
}
