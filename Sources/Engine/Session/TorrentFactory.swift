import Foundation
import Logging
import NIOPosix
import TorrentModel

/// Makes a session's torrents from what the session holds when it is taken (`Session.torrentFactory`),
/// on any thread: the torrents' calls back into the session hold it weakly.
struct TorrentFactory: Sendable {
    let session: Session
    let listenPort: Int
    /// The DHT's port, when the DHT runs.
    let dhtPort: UInt16?
    let peerID: [UInt8]
    let bindHost: String?
    let transport: TrackerTransport
    let defaults: TorrentConfiguration
    let limits: (download: RateLimiter, upload: RateLimiter)
    let pool: NIOThreadPool
    let logger: Logger
    let listRevision: ListRevision
    let queueBoard: QueueBoard

    func make(_ metainfo: Metainfo, storage: Storage, settings: TorrentSettings, savedHave: Bitfield? = nil) -> Torrent {
        var connector = PeerConnector(listenPort: listenPort > 0 ? UInt16(listenPort) : nil, connect: { [weak session] address, torrent in
            guard let session else { return }
            Task { await session.dial(address, for: torrent) }
        })
        if let dhtPort, !metainfo.isPrivate {
            connector.dhtPort = dhtPort
            connector.heardDHTNode = { [weak session] address in Task { await session?.heardDHTNode(address) } }
        }
        let announcer = TrackerAnnouncer(
            tiers: metainfo.trackerTiers, infoHash: metainfo.infoHash, peerID: peerID,
            listenPort: UInt16(listenPort), bindHost: bindHost, transport: transport)
        return Torrent(
            metainfo: metainfo, configuration: defaults, settings: settings, sessionLimits: limits, storage: storage,
            connector: connector, announcer: announcer, logger: logger, savedHave: savedHave, listRevision: listRevision,
            queueBoard: queueBoard)
    }
}
