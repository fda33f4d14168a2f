import Engine
import Foundation
import TerminalUI
import TorrentModel

/// Carries out the UI's commands on the engine. What the engine cannot do yet gets a reason for the
/// status bar instead of silence.
struct SessionCommands: CommandSink {
    let session: Session
    /// Where torrents added from the UI are saved.
    let downloadDirectory: URL

    func perform(_ command: UICommand) async -> String? {
        do {
            switch command {
            case .pause(let id):
                try await session.pause(try hash(id))
            case .resume(let id):
                try await session.resume(try hash(id))
            case .add(.torrentFile(let path)):
                guard let data = FileManager.default.contents(atPath: path) else { return "cannot read \(path)" }
                _ = try await session.add(try Metainfo(bytes: data), directory: downloadDirectory)
            case .add(.magnet(let text)):
                try await session.addMagnet(try MagnetLink(parsing: text), directory: downloadDirectory)
            case .remove(let id, let deleteData):
                try await session.remove(try hash(id), deleteData: deleteData)
            case .setPriority(let id, let priority):
                try await session.setPriority(priority, of: try hash(id))
            case .setFilePriority(let id, let index, let priority):
                guard let torrent = await session.torrent(for: try hash(id)) else { return "that torrent is gone" }
                try await torrent.setPriority(priority, ofFile: index)
            case .recheck(let id):
                try await session.recheck(try hash(id))
            case .quit, .detach:
                break
            }
            return nil
        } catch {
            return "\(error)"
        }
    }

    private func hash(_ id: TorrentID) throws -> InfoHash {
        guard let hash = InfoHash(hex: id.rawValue) else { throw Session.ControlError.noSuchTorrent(id.rawValue) }
        return hash
    }

    /// What the UI shows of the session as a whole: limits, port, free space where downloads go.
    static func summary(of session: Session, downloadDirectory: URL) async -> SessionSummary {
        let limits = await session.limits
        var summary = SessionSummary(
            downloadLimit: limits.download, uploadLimit: limits.upload,
            freeDiskBytes: await session.freeSpace(at: downloadDirectory), listenPort: await session.listenPort)
        if let dht = await session.dhtHealth() {
            summary.dhtNodes = dht.nodes
            summary.dht = dht
        }
        return summary
    }
}
