import Engine
import Foundation
import TorrentModel

/// Swarm sessions on 127.0.0.1 in this process, each on a port the system picks.
public enum LoopbackSwarm {
    /// Starts a session listening on 127.0.0.1.
    public static func session(_ configure: (inout SessionConfiguration) -> Void = { _ in }) async throws -> Session {
        var configuration = SessionConfiguration(bindHost: "127.0.0.1", listenPort: 0)
        configure(&configuration)
        let session = Session(configuration: configuration)
        try await session.start()
        return session
    }

    /// The address other sessions dial to reach this one.
    public static func address(of session: Session) async -> PeerAddress {
        PeerAddress(host: "127.0.0.1", port: UInt16(await session.listenPort))
    }

    /// Polls until `condition` holds for the torrent's snapshot, or the timeout passes.
    @discardableResult
    public static func waitUntil(
        _ torrent: Torrent, timeout: Duration = .seconds(30), _ condition: (TorrentSnapshot) -> Bool
    ) async -> TorrentSnapshot {
        let deadline = ContinuousClock.now + timeout
        var snapshot = await torrent.snapshot()
        while !condition(snapshot) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            snapshot = await torrent.snapshot()
        }
        return snapshot
    }
}
