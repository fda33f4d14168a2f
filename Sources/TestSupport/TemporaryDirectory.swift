import Foundation

/// A fresh, uniquely named folder under the system's temporary directory.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(prefix: String = "swarm-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    public func appending(_ relative: String) -> URL { url.appendingPathComponent(relative) }

    /// Writes `bytes` at `relative`, creating the folders on the way.
    @discardableResult
    public func write(_ relative: String, _ bytes: [UInt8]) throws -> URL {
        let file = appending(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file
    }

    /// Deletes the folder and everything in it.
    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
