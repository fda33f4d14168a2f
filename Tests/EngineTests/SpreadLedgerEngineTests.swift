@testable import Engine
import NIOPosix
import PeerWire
import Strategy
import TestSupport
import TorrentModel
import XCTest

/// The torrent feeds its spread ledger what peers announce: a leecher beside the torrent's seed still sees
/// which peer passed a piece on (the seed, which has every piece, is no piece's holder).
final class SpreadLedgerEngineTests: XCTestCase {
    private let group = MultiThreadedEventLoopGroup.singleton

    func testALeechersLedgerSeesAPiecePassedOnWhileTheSeedIsConnected() async throws {
        let fixture = try TorrentFixture.singleFile(length: 256 * 1024, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let address = await LoopbackSwarm.address(of: leecher)
        let hash = fixture.metainfo.infoHash
        let count = fixture.metainfo.pieceCount

        let seed = try await ScriptedPeer.connect(to: address, infoHash: hash, group: group, bindHost: "127.0.0.2")
        defer { seed.close() }
        try await seed.send(.bitfield(Bitfield(count: count, allSet: true).bytes))
        let holder = try await ScriptedPeer.connect(to: address, infoHash: hash, group: group, bindHost: "127.0.0.3")
        defer { holder.close() }
        try await holder.send(.have(piece: 0))
        let holderKey = try await key(of: holder, in: torrent)
        try await eventually { await torrent.picker.peerBitfield(holderKey)?[0] == true }

        // Piece 0 reaches a third peer, and not from us: the holder passed it on.
        let taker = try await ScriptedPeer.connect(to: address, infoHash: hash, group: group, bindHost: "127.0.0.4")
        defer { taker.close() }
        try await taker.send(.have(piece: 0))
        let takerKey = try await key(of: taker, in: torrent)
        try await eventually { await torrent.picker.peerBitfield(takerKey)?[0] == true }
        let passedOn = await torrent.spreadLedger.passedOn
        XCTAssertEqual(passedOn, [holderKey: 1])
        await leecher.shutdown()
    }

    private func key(of peer: ScriptedPeer, in torrent: Torrent) async throws -> PeerKey {
        var found: PeerKey?
        try await eventually {
            found = await torrent.peers.first { $0.value.peerID == peer.peerID }?.key
            return found != nil
        }
        return found!
    }
}
