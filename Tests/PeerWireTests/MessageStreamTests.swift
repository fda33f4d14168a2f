import NIOCore
import PeerWire
import TorrentModel
import XCTest

final class MessageStreamTests: XCTestCase {
    private let messages: [PeerMessage] = [
        .unchoke, .have(piece: 3),
        .piece(piece: 1, begin: 0, data: ByteBuffer(bytes: (0..<5000).map { UInt8($0 % 251) })),
        .keepAlive, .request(BlockRef(piece: 2, begin: 16384, length: 16384)),
        .piece(piece: 2, begin: 16384, data: ByteBuffer(bytes: [UInt8](repeating: 9, count: 16384))),
        .notInterested,
    ]

    private var wire: [UInt8] {
        var buffer = ByteBuffer()
        for message in messages { MessageEncoder.write(message, into: &buffer) }
        return buffer.readBytes(length: buffer.readableBytes)!
    }

    /// Every way of cutting the byte stream into chunks gives the same messages.
    func testChunkBoundariesAnywhere() throws {
        let bytes = wire
        for chunkSize in [1, 2, 3, 4, 5, 7, 13, 100, 4099, 16397, bytes.count] {
            var stream = MessageStream()
            var decoded: [PeerMessage] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(offset + chunkSize, bytes.count)
                stream.append(ByteBuffer(bytes: bytes[offset..<end]))
                while let message = try stream.next() { decoded.append(message) }
                offset = end
            }
            XCTAssertEqual(decoded, messages, "chunks of \(chunkSize) bytes")
            XCTAssertEqual(stream.bufferedBytes, 0)
        }
    }

    func testOversizedMessageCutAcrossChunksIsRejected() {
        var stream = MessageStream(decoder: MessageDecoder(maxMessageLength: 1000))
        stream.append(ByteBuffer(bytes: [0, 0]))
        XCTAssertNil(try stream.next())
        stream.append(ByteBuffer(bytes: [0x10, 0, 7]))
        XCTAssertThrowsError(try stream.next()) { error in
            XCTAssertEqual(error as? WireError, .messageTooLong(4096))
        }
    }

    func testHandshakeBytesThenMessages() throws {
        var stream = MessageStream()
        stream.append(ByteBuffer(bytes: [1, 2, 3] + [0, 0, 0, 1, 1]))
        XCTAssertEqual(stream.readBytes(3), [1, 2, 3])
        XCTAssertEqual(try stream.next(), .unchoke)
    }
}
