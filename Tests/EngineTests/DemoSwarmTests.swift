import Engine
import Foundation
import TestSupport
import XCTest

final class DemoSwarmTests: XCTestCase {
    func testDemoDownloadsFromItsPeersAndCleansUp() async throws {
        let demo = try DemoSwarm()
        let torrent = try await demo.start(payloadMiB: 4)
        let done = await LoopbackSwarm.waitUntil(torrent, timeout: .seconds(60)) { $0.isComplete }
        XCTAssertTrue(done.isComplete)
        // The demo's peers joined a loopback DHT through our node.
        var dht = await demo.session.dhtStatus()
        let deadline = ContinuousClock.now + .seconds(15)
        while (dht?.nodes ?? 0) < 3 || (dht?.peersFound ?? 0) == 0, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            dht = await demo.session.dhtStatus()
        }
        XCTAssertGreaterThanOrEqual(dht?.nodes ?? 0, 3, "the demo's DHT nodes found ours")
        XCTAssertGreaterThan(dht?.peersFound ?? 0, 0, "our lookups found the demo's peers in the DHT")
        let started = ContinuousClock.now
        await demo.stop()
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20), "stopping is quick")
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.folder.path), "the temporary folder is gone")
    }
}
