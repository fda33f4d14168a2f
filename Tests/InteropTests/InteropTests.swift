import XCTest

/// Swarm against real BitTorrent clients (libtorrent, transmission, aria2, opentracker) on loopback.
///
/// Each test runs one bash scenario from `Scenarios/` inside a fresh loopback-only network namespace
/// (the interop harness's `netns`). The tests skip, naming what is missing, when the machine lacks
/// root, namespaces or a client; with `SWARM_REQUIRE_INTEROP=1` (CI) they fail instead.
/// Run one by hand: `/work/shared/interop/netns bash Tests/InteropTests/Scenarios/crowd.sh`.
final class InteropTests: XCTestCase {
    // MARK: Swarm leeches from real seeders, which it finds through opentracker

    func testLeechFromLibtorrentOverHTTPTracker() throws {
        try Interop.run("leech_from_client.sh", ["libtorrent", "http"], needs: [.libtorrent, .opentracker])
    }

    func testLeechFromLibtorrentOverUDPTracker() throws {
        try Interop.run("leech_from_client.sh", ["libtorrent", "udp"], needs: [.libtorrent, .opentracker])
    }

    func testLeechFromTransmission() throws {
        try Interop.run("leech_from_client.sh", ["transmission", "http"], needs: [.transmission, .opentracker])
    }

    func testLeechFromAria2() throws {
        try Interop.run("leech_from_client.sh", ["aria2", "http"], needs: [.aria2, .opentracker])
    }

    // MARK: Real leechers download from a Swarm seeder

    func testSeedToLibtorrent() throws {
        try Interop.run("seed_to_client.sh", ["libtorrent"], needs: [.libtorrent, .opentracker])
    }

    func testSeedToAria2() throws {
        try Interop.run("seed_to_client.sh", ["aria2"], needs: [.aria2, .opentracker])
    }

    func testSeedToTransmission() throws {
        try Interop.run("seed_to_client.sh", ["transmission"], needs: [.transmission, .opentracker])
    }

    // MARK: Magnet links (BEP 9): metadata from peers, with only a tracker in the link

    func testMagnetFromLibtorrentSeeder() throws {
        try Interop.run("magnet_from_client.sh", ["libtorrent"], needs: [.libtorrent, .opentracker])
    }

    func testMagnetFromTransmissionSeeder() throws {
        try Interop.run("magnet_from_client.sh", ["transmission"], needs: [.transmission, .opentracker])
    }

    func testMagnetFromAria2Seeder() throws {
        try Interop.run("magnet_from_client.sh", ["aria2"], needs: [.aria2, .opentracker])
    }

    func testLibtorrentMagnetFromSwarmSeeder() throws {
        try Interop.run("magnet_to_client.sh", needs: [.libtorrent, .opentracker])
    }

    // MARK: Swarms

    /// A capped libtorrent seeder, four Swarm leechers and one libtorrent leecher that share pieces.
    func testFlashCrowdSharesPieces() throws {
        try Interop.run("crowd.sh", needs: [.libtorrent, .opentracker], timeout: 360)
    }

    /// A peer that answers every request with random bytes is detected and banned.
    func testCorruptPeerIsBanned() throws {
        try Interop.run("corrupt_peer.sh", needs: [.libtorrent, .opentracker])
    }

    /// Peer exchange spreads a six-peer swarm of Swarm and libtorrent peers whose tracker names only one peer each.
    func testPexSpreadsAChainSwarm() throws {
        try Interop.run("pex_swarm.sh", needs: [.libtorrent], timeout: 360)
    }

    /// allowed_fast both ways with libtorrent, each side a seed that never unchokes.
    func testFastExtensionWithLibtorrent() throws {
        try Interop.run("fast_extension.sh", needs: [.libtorrent])
    }

    /// A loopback DHT of libtorrent nodes and Swarm, trackerless torrents: Swarm finds a libtorrent seeder
    /// with get_peers, and a libtorrent node finds a Swarm seeder that announced itself.
    func testDHTWithLibtorrentNodes() throws {
        try Interop.run("dht_libtorrent.sh", needs: [.libtorrent], timeout: 400)
    }

    /// Swarm's own tracker (`swarm tracker`) over HTTP and UDP; skipped until the command exists.
    func testSwarmTracker() throws {
        try Interop.run("swarm_tracker.sh", needs: [.libtorrent])
    }
}
