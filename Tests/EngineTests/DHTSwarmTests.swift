import Engine
import Foundation
import TestSupport
import TorrentModel
import XCTest

/// Swarm sessions that find each other only through their DHT on 127.0.0.1: the torrent has no tracker
/// and nobody is told a peer by hand.
final class DHTSwarmTests: XCTestCase {
    private func dhtSession(bootstrap: [Session]) async throws -> Session {
        var nodes: [String] = []
        for other in bootstrap { if let port = await other.dhtPort { nodes.append("127.0.0.1:\(port)") } }
        return try await LoopbackSwarm.session { configuration in
            configuration.dht = DHTSettings(enabled: true, port: 0, bootstrap: nodes)
            configuration.dht.retryInterval = .milliseconds(500)
            configuration.dht.queryTimeout = .milliseconds(500)
            configuration.dht.maintenanceInterval = .milliseconds(300)
        }
    }

    func testTrackerlessTorrentIsFoundThroughTheDHTAndDownloaded() async throws {
        let fixture = try TorrentFixture.singleFile(length: 1 << 20, pieceLength: 32 * 1024, trackers: [])
        defer { fixture.remove() }
        // A small DHT: a first node, two more that only route, then the seeder and the leecher.
        let router = try await dhtSession(bootstrap: [])
        var sessions = [router]
        for _ in 0..<2 { sessions.append(try await dhtSession(bootstrap: [router])) }
        let seeder = try await dhtSession(bootstrap: [sessions[1]])
        sessions.append(seeder)
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await dhtSession(bootstrap: [sessions[2]])
        sessions.append(leecher)
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)

        let done = await LoopbackSwarm.waitUntil(torrent, timeout: .seconds(60)) { $0.isComplete }
        XCTAssertTrue(done.isComplete, "the leecher found the seeder through the DHT")
        XCTAssertTrue(done.peers.contains { $0.source == .dht } || done.downloaded > 0)
        let status = await leecher.dhtStatus()
        // Looked up by hash alone, as for a magnet link: the seeder's listening address is among the peers.
        let byHash = await leecher.dhtPeers(for: fixture.metainfo.infoHash, announce: false)
        let seederAddress = await LoopbackSwarm.address(of: seeder)
        XCTAssertTrue(byHash?.contains(seederAddress) == true, "\(byHash ?? [])")
        XCTAssertGreaterThan(status?.nodes ?? 0, 0)
        XCTAssertGreaterThan(status?.lookupsDone ?? 0, 0)
        XCTAssertGreaterThan(status?.peersFound ?? 0, 0)
        for session in sessions { await session.shutdown() }
        let file = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name)
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
    }

    /// A magnet link that names only the info-hash: the metadata and the data come from a seeder found
    /// through the DHT.
    func testBareMagnetIsFetchedThroughTheDHT() async throws {
        let fixture = try TorrentFixture.singleFile(length: 300_000, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        let router = try await dhtSession(bootstrap: [])
        let seeder = try await dhtSession(bootstrap: [router])
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await dhtSession(bootstrap: [router])
        let hash = try await leecher.addMagnet(MagnetLink(infoHash: fixture.metainfo.infoHash), directory: fixture.downloadDirectory)
        let deadline = ContinuousClock.now + .seconds(30)
        var snapshot = await leecher.snapshot(of: hash)
        while snapshot?.isComplete != true && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            snapshot = await leecher.snapshot(of: hash)
        }
        XCTAssertEqual(snapshot?.isComplete, true, "metadata and data from a seeder found in the DHT")
        for session in [leecher, seeder, router] { await session.shutdown() }
        let file = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name)
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
    }

    func testPrivateTorrentNeverUsesTheDHT() async throws {
        let fixture = try TorrentFixture.singleFile(length: 64 * 1024, pieceLength: 16 * 1024, isPrivate: true)
        defer { fixture.remove() }
        let router = try await dhtSession(bootstrap: [])
        let seeder = try await dhtSession(bootstrap: [router])
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await dhtSession(bootstrap: [router])
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        try await Task.sleep(for: .seconds(3))
        let snapshot = await torrent.snapshot()
        XCTAssertEqual(snapshot.knownPeers, 0, "no peer came from the DHT for a private torrent")
        let status = await leecher.dhtStatus()
        XCTAssertEqual(status?.peersFound, 0)
        for session in [leecher, seeder, router] { await session.shutdown() }
    }

    func testPortMessageTeachesTheDHTAboutAPeer() async throws {
        let fixture = try TorrentFixture.singleFile(length: 256 * 1024, pieceLength: 16 * 1024)
        defer { fixture.remove() }
        // Two DHT nodes that know nothing of each other, but the leecher is told the seeder's TCP address.
        let seeder = try await dhtSession(bootstrap: [])
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        let leecher = try await dhtSession(bootstrap: [])
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        await torrent.addPeers([await LoopbackSwarm.address(of: seeder)], source: .manual)
        let deadline = ContinuousClock.now + .seconds(15)
        var nodes = 0
        while ContinuousClock.now < deadline {
            nodes = await leecher.dhtStatus()?.nodes ?? 0
            if nodes > 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertEqual(nodes, 1, "the seeder's PORT message put its DHT node in the leecher's table")
        await leecher.shutdown()
        await seeder.shutdown()
    }
}
