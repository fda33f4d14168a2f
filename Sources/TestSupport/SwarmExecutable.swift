import Foundation

/// The `swarm` executable the tests run: next to the test bundle (or, on Linux, the test executable),
/// else in the package's `.build/debug`.
public enum SwarmExecutable {
    public struct NotFound: Error, CustomStringConvertible {
        public var description: String
    }

    public static func locate() throws -> URL {
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates += Bundle.allBundles.map { $0.bundleURL.deletingLastPathComponent() }
        // Sources/TestSupport/SwarmExecutable.swift: three folders up is the package.
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(packageRoot.appendingPathComponent(".build/debug"))
        for folder in candidates {
            let url = folder.appendingPathComponent("swarm")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        throw NotFound(description: "swarm executable not found next to the tests (looked in \(candidates.map(\.path)))")
    }
}
