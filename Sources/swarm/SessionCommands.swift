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
        switch command {
        case .pause(let id):
            guard let torrent = await torrent(id) else { return "that torrent is gone" }
            await torrent.pause()
            return nil
        case .resume(let id):
            guard let torrent = await torrent(id) else { return "that torrent is gone" }
            await torrent.resume()
            return nil
        case .add(.torrentFile(let path)):
            guard let data = FileManager.default.contents(atPath: path) else { return "cannot read \(path)" }
            do {
                let metainfo = try Metainfo(bytes: data)
                _ = try await session.add(metainfo, directory: downloadDirectory)
                return nil
            } catch {
                return "\(error)"
            }
        case .add(.magnet):
            return "magnet links are not supported yet"
        case .remove:
            return "removing torrents is not supported yet"
        case .setPriority, .setFilePriority:
            return "priorities are not supported yet"
        case .recheck:
            return "recheck is not supported yet"
        case .quit:
            return nil
        }
    }

    private func torrent(_ id: TorrentID) async -> Torrent? {
        guard let hash = InfoHash(hex: id.rawValue) else { return nil }
        return await session.torrent(for: hash)
    }
}
