@testable import Engine
import NIOPosix
import PeerWire
import TestSupport
import TorrentModel
import XCTest

/// A seed hands an upload slot on as soon as the peer holding it leaves, not at its next rechoke.
final class UploadSlotTests: XCTestCase {
    private let group = MultiThreadedEventLoopGroup.singleton

    /// One regular slot and the optimistic one for three interested peers. Once the choker's quick start
    /// is over (rechokes every 10 s), an unchoked peer leaves: the choked one is unchoked within a tick.
    func testASlotFreedByALeavingPeerGoesOnAtOnce() async throws {
        let fixture = try TorrentFixture.singleFile(length: 256 * 1024, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session { $0.torrent.unchokeSlots = 1 }
        let torrent = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let address = await LoopbackSwarm.address(of: seeder)
        var leechers: [ScriptedPeer] = []
        for host in ["127.0.0.2", "127.0.0.3", "127.0.0.4"] {
            let peer = try await ScriptedPeer.connect(
                to: address, infoHash: fixture.metainfo.infoHash, group: group, bindHost: host)
            try await peer.send(.interested)
            leechers.append(peer)
        }
        defer { for peer in leechers { peer.close() } }
        try await eventually(within: .seconds(5), "two of three unchoked") { await self.chokedCount(torrent) == (3, 1) }
        // Past the quick start (rechokes every 2 s for the first 10 s of interest), the next rechoke is due
        // about ten seconds after the last one.
        try await Task.sleep(for: .seconds(11))
        let peers = await torrent.peers
        let unchoked = peers.filter { !$0.value.state.amChoking }.map(\.value.peerID)
        XCTAssertEqual(unchoked.count, 2)
        let leaving = try XCTUnwrap(leechers.first { unchoked.contains($0.peerID) })
        let start = ContinuousClock.now
        leaving.close()
        try await eventually(within: .seconds(3), "the waiting peer unchoked") { await self.chokedCount(torrent) == (2, 0) }
        XCTAssertLessThan(ContinuousClock.now - start, .seconds(3), "the waiting peer got the slot")
        await seeder.shutdown()
    }

    /// Connected peers, and how many of them we choke.
    private func chokedCount(_ torrent: Torrent) async -> (Int, Int) {
        let peers = await torrent.peers
        return (peers.count, peers.values.filter(\.state.amChoking).count)
    }
}
