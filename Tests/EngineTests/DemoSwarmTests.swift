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
        var dhtNodes = 0
        let deadline = ContinuousClock.now + .seconds(10)
        while dhtNodes < 3 && ContinuousClock.now < deadline {
            dhtNodes = await demo.session.dhtStatus()?.nodes ?? 0
            try await Task.sleep(for: .milliseconds(100))
        }
        XCTAssertGreaterThanOrEqual(dhtNodes, 3, "the demo's DHT nodes found ours")
        let started = ContinuousClock.now
        await demo.stop()
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20), "stopping is quick")
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.folder.path), "the temporary folder is gone")
    }
}
