import Foundation

/// Torrents added while no daemon ran, one JSON file each in `<state>/pending/`, added by the next daemon
/// at start. Files are written under a temporary name and renamed, so a reader never sees half of one.
public struct PendingAdds: Sendable {
    public struct Entry: Codable, Sendable, Equatable {
        public var source: AddSource
        /// Absolute; nil for the daemon's download directory.
        public var directory: String?
        public var paused: Bool
        /// A magnet link that stays paused once its metadata is in; nil in files older than this option.
        public var stopAfterMetadata: Bool?

        public init(source: AddSource, directory: String?, paused: Bool, stopAfterMetadata: Bool? = nil) {
            self.source = source
            self.directory = directory
            self.paused = paused
            self.stopAfterMetadata = stopAfterMetadata
        }
    }

    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// Saves `entry` for the next start; returns the file written.
    @discardableResult
    public func store(_ entry: Entry) throws -> URL {
        try ControlPaths.makePrivateDirectory(directory)
        let stamp = String(Int64(Date().timeIntervalSince1970 * 1000), radix: 10)
        let name = "\(stamp)-\(UUID().uuidString.prefix(8)).json"
        let temporary = directory.appendingPathComponent(".\(name).tmp")
        let final = directory.appendingPathComponent(name)
        try Data(ControlCodec.encode(entry)).write(to: temporary)
        try FileManager.default.moveItem(at: temporary, to: final)
        return final
    }

    /// Every saved entry, oldest first, with its file (to remove once handled). Unreadable files come back
    /// as failures naming them, so the daemon can report and set them aside.
    public func list() -> [(file: URL, entry: Result<Entry, ControlCodecError>)] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted().map { name in
            let file = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: file.path) else {
                return (file, .failure(.unreadable("cannot read \(file.path)")))
            }
            var line = Array(data)
            if line.last == UInt8(ascii: "\n") { line.removeLast() }
            return (file, Result { () throws(ControlCodecError) in try ControlCodec.decode(Entry.self, from: line) })
        }
    }

    /// Moves a file that could not be added aside (`.failed`), so it is not tried at every start.
    public func setAside(_ file: URL) {
        try? FileManager.default.moveItem(at: file, to: file.appendingPathExtension("failed"))
    }
}
