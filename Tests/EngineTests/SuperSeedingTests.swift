import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// BEP 16 super-seeding between Swarm sessions on loopback.
final class SuperSeedingTests: XCTestCase {
    private func superSeeder(_ fixture: TorrentFixture) async throws -> (Session, Torrent) {
        let seeder = try await LoopbackSwarm.session { $0.torrent.superSeeding = true }
        let torrent = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        return (seeder, torrent)
    }

    func testALoneLeecherGetsEverythingFromASuperSeed() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let (seeder, seed) = try await superSeeder(fixture)
        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.root.appendingPathComponent("leecher"))
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        let seedSnapshot = await seed.snapshot()
        XCTAssertTrue(seedSnapshot.isSuperSeeding)
        await leecher.shutdown()
        await seeder.shutdown()
        let file = fixture.root.appendingPathComponent("leecher/\(fixture.metainfo.name)")
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
    }

    func testASuperSeedSendsEachPieceAboutOnce() async throws {
        // Three leechers that know each other. A normal seed on loopback sends nearly everything to each
        // of them; a super-seed hands out each piece once and lets the leechers trade the rest.
        let fixture = try TorrentFixture.singleFile(length: 2 << 20, pieceLength: 32 * 1024)
        defer { fixture.remove() }
        let (seeder, seed) = try await superSeeder(fixture)
        let seedAddress = await LoopbackSwarm.address(of: seeder)
        var sessions: [Session] = []
        var torrents: [Torrent] = []
        for index in 0..<3 {
            let session = try await LoopbackSwarm.session()
            let torrent = try await session.add(
                fixture.metainfo, directory: fixture.root.appendingPathComponent("leecher\(index)"))
            sessions.append(session)
            torrents.append(torrent)
        }
        for (index, torrent) in torrents.enumerated() {
            var peers = [seedAddress]
            for other in sessions[..<index] { peers.append(await LoopbackSwarm.address(of: other)) }
            await torrent.addPeers(peers, source: .manual)
        }
        for torrent in torrents {
            let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
            XCTAssertTrue(done.isComplete)
        }
        let uploaded = await seed.snapshot().uploaded
        for session in sessions { await session.shutdown() }
        await seeder.shutdown()
        XCTAssertLessThanOrEqual(Double(uploaded), 1.5 * Double(fixture.payload.count), "seed uploaded \(uploaded)")
        for index in 0..<3 {
            let file = fixture.root.appendingPathComponent("leecher\(index)/\(fixture.metainfo.name)")
            XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
        }
    }
}
