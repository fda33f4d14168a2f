import Foundation
import Logging
import NIOPosix
import TorrentModel

/// A small swarm on 127.0.0.1 inside this process, for `swarm demo`: a payload in a temporary folder,
/// the built-in tracker, two seeders and three other leechers with uneven upload rates (one slow, one
/// fast, one that joins late, one that leaves), and "our" download of the same torrent. Their DHT nodes
/// form a small DHT of their own, joined through ours.
///
/// Nothing leaves the machine: every socket is bound to 127.0.0.1, the tracker is local, and the only
/// DHT bootstrap node is our own.
public actor DemoSwarm {
    /// A background peer of the demo, with what it does.
    public struct DemoPeer: Sendable {
        public let role: String
        public let uploadLimit: Double?
        public let joinAfter: Duration
        public let leaveAfter: Duration?
        let seeds: Bool
    }

    public static let cast: [DemoPeer] = [
        DemoPeer(role: "fast seed", uploadLimit: 6 * 1_048_576, joinAfter: .zero, leaveAfter: nil, seeds: true),
        DemoPeer(role: "slow seed", uploadLimit: 512 * 1024, joinAfter: .zero, leaveAfter: nil, seeds: true),
        DemoPeer(role: "leecher", uploadLimit: 2 * 1_048_576, joinAfter: .zero, leaveAfter: nil, seeds: false),
        DemoPeer(role: "late leecher", uploadLimit: 3 * 1_048_576, joinAfter: .seconds(6), leaveAfter: nil, seeds: false),
        DemoPeer(role: "leaving leecher", uploadLimit: 1_048_576, joinAfter: .zero, leaveAfter: .seconds(10), seeds: false),
    ]

    public nonisolated let folder: URL
    public nonisolated let session: Session
    public private(set) var torrent: Torrent?
    private var others: [Session] = []
    private var tracker: TrackerServer?
    private let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private var tasks: [Task<Void, Never>] = []
    private var stopped = false

    public init(logger: Logger = Logger(label: "swarm.demo")) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("swarm-demo-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var configuration = SessionConfiguration(bindHost: "127.0.0.1", listenPort: 0)
        // A loopback DHT among the demo's peers: ours is the first node, the others join through it.
        configuration.dht = Self.demoDHT(bootstrap: [])
        session = Session(configuration: configuration, logger: logger)
    }

    /// Builds the payload and the torrent, starts the tracker and the background peers, and adds the torrent
    /// to `session` (the one the user watches). Returns that torrent.
    public func start(payloadMiB: Int = 48) async throws -> Torrent {
        let tracker = try await TrackerServer.start(host: "127.0.0.1", port: 0, group: group, interval: 5)
        self.tracker = tracker
        let source = folder.appendingPathComponent("seed")
        let content = source.appendingPathComponent("Swarm demo")
        try Self.writePayload(into: content, mebibytes: payloadMiB)
        var options = TorrentCreator.Options()
        options.trackers = ["http://127.0.0.1:\(tracker.port)/announce"]
        options.pieceLength = 256 * 1024
        options.comment = "Built by swarm demo on loopback"
        let metainfo = try Metainfo(bytes: try await TorrentCreator.create(from: content.path, options: options))

        try await session.start()
        let ours = try await session.add(metainfo, directory: folder.appendingPathComponent("download"))
        torrent = ours
        for (index, actor) in Self.cast.enumerated() {
            let directory = actor.seeds ? source : folder.appendingPathComponent("peer\(index)")
            tasks.append(Task { await self.run(actor, metainfo: metainfo, directory: directory) })
        }
        return ours
    }

    /// Stops every peer and the tracker and deletes the temporary folder.
    public func stop() async {
        stopped = true
        for task in tasks { task.cancel() }
        await session.shutdown()
        for other in others { await other.shutdown() }
        others.removeAll()
        await tracker?.stop()
        try? await group.shutdownGracefully()
        try? FileManager.default.removeItem(at: folder)
    }

    private func run(_ actor: DemoPeer, metainfo: Metainfo, directory: URL) async {
        try? await Task.sleep(for: actor.joinAfter)
        guard !stopped else { return }
        var configuration = SessionConfiguration(bindHost: "127.0.0.1", listenPort: 0)
        configuration.torrent.uploadRateLimit = actor.uploadLimit
        if let port = await session.dhtPort {
            configuration.dht = Self.demoDHT(bootstrap: ["127.0.0.1:\(port)"])
        }
        var quiet = Logger(label: "swarm.demo.\(actor.role)")
        quiet.logLevel = .error
        let peer = Session(configuration: configuration, logger: quiet)
        others.append(peer)
        do {
            try await peer.start()
            _ = try await peer.add(metainfo, directory: directory)
        } catch {
            return
        }
        guard let leaveAfter = actor.leaveAfter else { return }
        try? await Task.sleep(for: leaveAfter)
        guard !stopped else { return }
        await peer.shutdown()
        others.removeAll { $0 === peer }
    }

    /// The demo's DHT settings: loopback only, and lookups every few seconds so the status bar moves.
    static func demoDHT(bootstrap: [String]) -> DHTSettings {
        var settings = DHTSettings(enabled: true, port: 0, bindHost: "127.0.0.1", bootstrap: bootstrap)
        settings.retryInterval = .seconds(3)
        settings.announceInterval = .seconds(20)
        return settings
    }

    /// Three files of deterministic pseudo-random bytes: a big one, a small one, a tiny text.
    private static func writePayload(into folder: URL, mebibytes: Int) throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var state: UInt64 = 0x5eed
        func bytes(_ count: Int) -> Data {
            var data = Data(count: count)
            data.withUnsafeMutableBytes { raw in
                let words = raw.bindMemory(to: UInt64.self)
                for i in 0..<words.count {
                    state &+= 0x9e37_79b9_7f4a_7c15
                    var z = state
                    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
                    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
                    words[i] = z ^ (z >> 31)
                }
            }
            return data
        }
        let big = mebibytes * 3 / 4
        try bytes(big << 20).write(to: folder.appendingPathComponent("movie.bin"))
        try bytes((mebibytes - big) << 20 + 12_345).write(to: folder.appendingPathComponent("extras.bin"))
        try Data("Downloaded with Swarm over loopback.\n".utf8).write(to: folder.appendingPathComponent("README.txt"))
    }
}
