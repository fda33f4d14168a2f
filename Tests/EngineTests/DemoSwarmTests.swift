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
        let started = ContinuousClock.now
        await demo.stop()
        XCTAssertLessThan(ContinuousClock.now - started, .seconds(20), "stopping is quick")
        XCTAssertFalse(FileManager.default.fileExists(atPath: demo.folder.path), "the temporary folder is gone")
    }
}
