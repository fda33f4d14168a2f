import Engine
import Foundation
import NIOPosix
import TestSupport
import TorrentModel
import XCTest

/// Peers that find each other only through the built-in tracker.
final class TrackerSwarmTests: XCTestCase {
    private func transfer(scheme: String) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tracker = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 30)
        let fixture = try TorrentFixture.singleFile(
            length: 1 << 20, pieceLength: 32 * 1024, trackers: ["\(scheme)://127.0.0.1:\(tracker.port)/announce"])
        defer { fixture.remove() }
        let seeder = try await LoopbackSwarm.session()
        let seeding = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        await LoopbackSwarm.waitUntil(seeding, timeout: .seconds(10)) { $0.trackers.first?.state == .working }

        let leecher = try await LoopbackSwarm.session()
        let torrent = try await leecher.add(fixture.metainfo, directory: fixture.downloadDirectory)
        let done = await LoopbackSwarm.waitUntil(torrent) { $0.isComplete }
        XCTAssertTrue(done.isComplete, "the leecher learned the seeder from the \(scheme) tracker")
        XCTAssertEqual(done.trackers.first?.state, .working)
        await leecher.shutdown()
        await seeder.shutdown()
        await tracker.stop()
        try await group.shutdownGracefully()
        let file = fixture.downloadDirectory.appendingPathComponent(fixture.metainfo.name)
        XCTAssertEqual([UInt8](try Data(contentsOf: file)), fixture.payload)
    }

    func testPeersMeetThroughHTTPTracker() async throws {
        try await transfer(scheme: "http")
    }

    func testPeersMeetThroughUDPTracker() async throws {
        try await transfer(scheme: "udp")
    }
}
