import Engine
import Foundation
import NIOPosix
import SessionStore
import TestSupport
import TorrentModel
import XCTest

/// The real `swarm` binary downloads from a throttled loopback seeder and is killed with SIGKILL at
/// random moments, then started again, over and over. After every kill the store must open cleanly and
/// every piece it counts as verified must be on disk and right; nothing verified before may be lost; in
/// the end the data must equal the source.
final class CrashSafetyTests: XCTestCase {
    static func swarmBinary() throws -> URL { try SwarmExecutable.locate() }

    /// The bytes of the torrent as they are on disk now (under the final or the `.part` name; zeros
    /// where a file is missing or short).
    private func onDisk(_ fixture: TorrentFixture, in directory: URL) -> [UInt8] {
        var bytes: [UInt8] = []
        for index in fixture.metainfo.files.indices {
            let path = fixture.metainfo.relativePath(ofFile: index).reduce(directory) { $0.appendingPathComponent($1) }.path
            let data = FileManager.default.contents(atPath: path) ?? FileManager.default.contents(atPath: path + ".part") ?? Data()
            var file = [UInt8](data.prefix(Int(fixture.metainfo.files[index].length)))
            file += [UInt8](repeating: 0, count: Int(fixture.metainfo.files[index].length) - file.count)
            bytes += file
        }
        return bytes
    }

    func testSIGKILLDuringDownloadsNeverLosesOrInventsPieces() async throws {
        let binary = try Self.swarmBinary()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let tracker = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 30)
        let fixture = try TorrentFixture.multiFile(
            name: "crash", files: [.init("a.bin", length: 7 << 20), .init("b/c.bin", length: 5 << 20 + 12_345)],
            pieceLength: 32 * 1024, trackers: ["http://127.0.0.1:\(tracker.port)/announce"], seed: 42)
        let work = try TemporaryDirectory(prefix: "swarm-crash")
        defer {
            fixture.remove()
            work.remove()
        }
        let seeder = try await LoopbackSwarm.session()
        _ = try await seeder.add(fixture.metainfo, directory: fixture.seedDirectory)
        // About 24 s for the whole download (12 MiB at 512 KiB/s), so that the kills land all along it.
        let config = try work.write("config.toml", Array("[limits]\ndownload = 512\n".utf8))
        let state = work.appending("state")
        let download = work.appending("download")

        var launches = 0
        func launch() throws -> Process {
            let process = Process()
            process.executableURL = binary
            process.arguments = [
                fixture.torrentURL.path, "--headless", "--state-dir", state.path, "--config", config.path,
                "--dir", download.path, "--bind", "127.0.0.1", "--port", "0", "--save-interval", "0.3",
            ]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            if let log = ProcessInfo.processInfo.environment["SWARM_CRASH_LOG"] {
                _ = FileManager.default.createFile(atPath: log + "-\(launches)", contents: nil)
                process.standardError = FileHandle(forWritingAtPath: log + "-\(launches)")
                process.environment = ProcessInfo.processInfo.environment.merging(["SWARM_LOG_LEVEL": "debug"]) { $1 }
            }
            launches += 1
            try process.run()
            return process
        }

        var generator = SystemRandomNumberGenerator()
        let seed = UInt64.random(in: 1...UInt64.max, using: &generator)
        var random = SplitMix(seed)
        var previous = Bitfield(count: fixture.metainfo.pieceCount)
        var kills = 0
        var roundsWithSavedProgress = 0
        for round in 0..<10 {
            let process = try launch()
            // Start-up and the first announce take most of a second: most kills land in the transfer.
            let delay = 0.8 + Double(random.next() % 2000) / 1000
            try await Task.sleep(for: .seconds(delay))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            XCTAssertEqual(process.terminationReason, .uncaughtSignal, "round \(round)")
            kills += 1

            let store = try SessionStore(directory: state)
            let integrity = try await store.integrityCheck()
            XCTAssertEqual(integrity, ["ok"], "round \(round), seed \(seed)")
            let records = try await store.loadAll()
            try store.close()
            guard let record = records.first else { continue }  // killed before the first save
            let verified = record.resume.verified
            if verified.setCount > 0 && !verified.isComplete { roundsWithSavedProgress += 1 }
            print("round \(round): killed after \(delay) s, \(verified.setCount) of \(verified.count) pieces saved as verified")
            let disk = onDisk(fixture, in: download)
            for piece in verified.setIndices {
                let range = Int(fixture.metainfo.geometry.offset(ofPiece: piece))..<Int(fixture.metainfo.geometry.offset(ofPiece: piece))
                    + fixture.metainfo.geometry.length(ofPiece: piece)
                XCTAssertTrue(disk[range].elementsEqual(fixture.piece(piece)),
                    "round \(round) (kill after \(delay) s, seed \(seed)): piece \(piece) counted verified but wrong on disk")
            }
            let lost = previous.setIndices.filter { !verified[$0] }
            XCTAssertEqual(lost, [], "round \(round), seed \(seed): pieces verified and saved before were lost")
            previous = verified
        }
        XCTAssertGreaterThanOrEqual(kills, 8)
        XCTAssertGreaterThanOrEqual(roundsWithSavedProgress, 5, "kills should land after saves of a partial download")

        // Finally let it finish, then stop it the polite way: the data is the source's, the store says so.
        let process = try launch()
        let deadline = ContinuousClock.now + .seconds(90)
        let finalPaths = fixture.metainfo.files.indices.map {
            fixture.metainfo.relativePath(ofFile: $0).reduce(download) { $0.appendingPathComponent($1) }.path
        }
        while ContinuousClock.now < deadline {
            if finalPaths.allSatisfy({ FileManager.default.fileExists(atPath: $0) }) && onDisk(fixture, in: download) == fixture.payload { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertTrue(onDisk(fixture, in: download) == fixture.payload, "the data equals the source (seed \(seed))")
        let store = try SessionStore(directory: state)
        let integrity = try await store.integrityCheck()
        XCTAssertEqual(integrity, ["ok"])
        let final = try await store.loadAll()
        XCTAssertEqual(final.first?.resume.verified.isComplete, true)
        XCTAssertNotNil(final.first?.completedAt)
        try store.close()
        await seeder.shutdown()
        await tracker.stop()
        try await group.shutdownGracefully()
    }
}

/// A small seeded generator, so that a failing run can be told apart by its seed.
struct SplitMix {
    var state: UInt64
    init(_ seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
