import NIOCore
import PeerWire
import XCTest

final class ExtensionHandshakeTests: XCTestCase {
    func testRoundTrip() {
        let handshake = ExtensionHandshake(extensions: ["ut_metadata": 2], client: "Swarm 0.1.0", maxRequests: 500, listenPort: 6881)
        XCTAssertEqual(ExtensionHandshake(payload: handshake.payload), handshake)
    }

    func testLibtorrentStyleHandshake() {
        let bytes = Array("d1:md11:lt_donthavei7e10:share_modei8e11:ut_metadatai2ee1:pi6881e4:reqqi500e1:v16:libtorrent 2.0.8e".utf8)
        let parsed = ExtensionHandshake(payload: ByteBuffer(bytes: bytes))
        XCTAssertEqual(parsed?.maxRequests, 500)
        XCTAssertEqual(parsed?.client, "libtorrent 2.0.8")
        XCTAssertEqual(parsed?.extensions["ut_metadata"], 2)
        XCTAssertEqual(parsed?.listenPort, 6881)
    }

    func testGarbageAndHostileValuesAreRefusedOrIgnored() {
        XCTAssertNil(ExtensionHandshake(payload: ByteBuffer(bytes: Array("not bencode".utf8))))
        XCTAssertNil(ExtensionHandshake(payload: ByteBuffer(bytes: Array("li1ee".utf8))), "a list is not a handshake")
        let hostile = ExtensionHandshake(payload: ByteBuffer(bytes: Array("d1:md1:xi999ee4:reqqi-5e1:pi70000ee".utf8)))
        XCTAssertNotNil(hostile)
        XCTAssertNil(hostile?.maxRequests, "a negative reqq is ignored")
        XCTAssertNil(hostile?.listenPort, "a port over 65535 is ignored")
        XCTAssertNil(hostile?.extensions["x"], "an id over 255 is ignored")
        let deep = String(repeating: "l", count: 100) + String(repeating: "e", count: 100)
        XCTAssertNil(ExtensionHandshake(payload: ByteBuffer(bytes: Array(("d1:m" + deep + "e").utf8))))
    }
}
