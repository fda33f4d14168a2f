import Foundation
import SwarmConfig
import XCTest

final class ConfigLocationTests: XCTestCase {
    func testDefaultPathFollowsXDG() {
        XCTAssertEqual(SwarmConfig.defaultPath(environment: ["XDG_CONFIG_HOME": "/x", "HOME": "/h"]), "/x/swarm/config.toml")
        XCTAssertEqual(SwarmConfig.defaultPath(environment: ["HOME": "/h"]), "/h/.config/swarm/config.toml")
    }

    func testMissingDefaultFileIsEmptyButMissingExplicitFileIsAnError() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        XCTAssertEqual(try SwarmConfig.load(explicitPath: nil, environment: ["XDG_CONFIG_HOME": folder.path]).path, nil)
        let missing = folder.appendingPathComponent("nope.toml").path
        XCTAssertThrowsError(try SwarmConfig.load(explicitPath: missing)) { error in
            XCTAssertEqual("\(error)", "\(missing): no such file")
        }
    }

    func testLoadReadsTheFileAndNamesItInErrors() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("swarm"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("swarm/config.toml")
        try Data("listen_port = 7000\n".utf8).write(to: file)
        XCTAssertEqual(try SwarmConfig.load(explicitPath: nil, environment: ["XDG_CONFIG_HOME": folder.path]).listenPort, 7000)
        try Data("listen_port = 7000\nbogus = 1\n".utf8).write(to: file)
        XCTAssertThrowsError(try SwarmConfig.load(explicitPath: file.path)) { error in
            XCTAssertEqual("\(error)", "\(file.path):2: unknown key 'bogus'")
        }
        try Data([0xff, 0xfe, 0x00]).write(to: file)
        XCTAssertThrowsError(try SwarmConfig.load(explicitPath: file.path))
    }
}
