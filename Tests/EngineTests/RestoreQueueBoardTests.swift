@testable import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// A restore makes its torrents on every core, before it knows which it keeps: those it does not keep (a
/// saved torrent file under another info-hash, a duplicate) must not stay on the queue's board, nor take
/// the place of the torrent kept.
final class RestoreQueueBoardTests: XCTestCase {
    func testTorrentsNotKeptLeaveTheBoardAsTheyFoundIt() async throws {
        let kept = try TorrentFixture.singleFile(length: 4 * 16_384, pieceLength: 16_384)
        let misfiled = try TorrentFixture.singleFile(length: 5 * 16_384, pieceLength: 16_384)
        defer { [kept, misfiled].forEach { $0.remove() } }
        let session = try await LoopbackSwarm.session()
        let good = TorrentRecord.new(kept.metainfo, directory: kept.seedDirectory, state: .paused, queuePosition: 0)
        // The same torrent saved twice, and another torrent's file saved under the first one's hash.
        let duplicate = TorrentRecord.new(kept.metainfo, directory: kept.seedDirectory, state: .paused, queuePosition: 1)
        var wrong = TorrentRecord.new(misfiled.metainfo, directory: misfiled.seedDirectory, state: .paused, queuePosition: 2)
        wrong.infoHash = InfoHash(hex: String(repeating: "cd", count: 20))!
        let failures = await session.restore([good, duplicate, wrong])
        XCTAssertEqual(failures.count, 2)
        let torrent = await session.torrent(for: kept.metainfo.infoHash)
        let restored = try XCTUnwrap(torrent)
        XCTAssertEqual(session.queueBoard.owner(of: kept.metainfo.infoHash), ObjectIdentifier(restored))
        XCTAssertNil(session.queueBoard.owner(of: misfiled.metainfo.infoHash))
        let hashes = await session.infoHashes
        XCTAssertEqual(hashes, [kept.metainfo.infoHash])
        await session.shutdown()
    }
}
