@testable import Engine
import TorrentModel
import XCTest

/// Which known peers a torrent dials: never one that already reached us from its listen address.
final class KnownPeersTests: XCTestCase {
    private let seed = PeerAddress(host: "127.0.0.1", port: 6881)
    private let leecher = PeerAddress(host: "127.0.0.2", port: 6881)

    func testDialsDuePeersAndMarksThemConnected() {
        var known: [PeerAddress: KnownPeer] = [seed: KnownPeer(source: .tracker), leecher: KnownPeer(source: .tracker)]
        let due = known.takeDue(slots: 5, now: .seconds(10), banned: [], wait: { _ in .seconds(1) })
        XCTAssertEqual(Set(due), [seed, leecher])
        XCTAssertTrue(known[seed]!.connected && known[leecher]!.connected)
    }

    func testSkipsAPeerThatDialledUsFromThatListenAddress() {
        var known: [PeerAddress: KnownPeer] = [seed: KnownPeer(source: .tracker), leecher: KnownPeer(source: .tracker)]
        let due = known.takeDue(slots: 5, now: .seconds(10), banned: [], wait: { _ in .seconds(1) }, reached: [leecher])
        XCTAssertEqual(due, [seed])
        XCTAssertFalse(known[leecher]!.connected, "still dialled later, once that connection is gone")
        let later = known.takeDue(slots: 5, now: .seconds(20), banned: [], wait: { _ in .seconds(1) })
        XCTAssertEqual(later, [leecher])
    }
}
