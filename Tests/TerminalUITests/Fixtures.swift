@testable import TerminalUI

/// A small, deterministic swarm for screen tests: the torrents of the SCREENS.md sketch plus hostile names.
enum Fixtures {
    static let mib: Int64 = 1 << 20
    static let gib: Int64 = 1 << 30

    static let debian = TorrentRow(
        id: TorrentID("aa01"), name: "debian-13.2.0-amd64-netinst.iso", number: 1, size: 754 * mib,
        bytesDone: 588 * mib, state: .downloading, downloadRate: 96.2 * 1_048_576, uploadRate: 3.1 * 1_048_576,
        downloaded: 590 * mib, uploaded: 30 * mib, seedsConnected: 4, peersConnected: 27, seedsKnown: 112,
        peersKnown: 530)

    static let unicode = TorrentRow(
        id: TorrentID("aa02"), name: "Ünïcode 数据 🎬 season 1", number: 2, size: 12_700 * mib,
        bytesDone: 2_921 * mib, state: .downloading, downloadRate: 85.8 * 1_048_576, uploadRate: 20.9 * 1_048_576,
        downloaded: 2_921 * mib, uploaded: 1_170 * mib, seedsConnected: 12, peersConnected: 76, seedsKnown: 40,
        peersKnown: 900, priority: .high)

    static let bunny = TorrentRow(
        id: TorrentID("aa03"), name: "big-buck-bunny-1080p", number: 3, size: 885 * mib, bytesDone: 885 * mib,
        state: .seeding, uploadRate: 104 * 1024, downloaded: 885 * mib, uploaded: 2_398 * mib, seedsConnected: 0,
        peersConnected: 3, seedsKnown: 7, peersKnown: 3)

    static let arch = TorrentRow(
        id: TorrentID("aa04"), name: "archlinux-2026.11.01-x86_64.iso", number: 4, size: 1_444 * mib,
        bytesDone: 505 * mib, state: .paused, downloaded: 505 * mib, priority: .low)

    static let broken = TorrentRow(
        id: TorrentID("aa05"), name: "evil\u{1b}[2J\u{1b}]0;pwned\u{07}name\u{9b}31m\r\nnext\u{202e}gnp.exe", number: 5,
        size: 3 * mib, bytesDone: 0, state: .error("disk full: \u{1b}[31mno space left\u{1b}[0m"))

    static let rows = [debian, unicode, bunny, arch, broken]

    /// 4096 pieces: the first 70% had (with a few holes), some in flight, availability rising through the file.
    static let pieces: PieceMapData = {
        var states: [PieceMapData.PieceState] = []
        var availability: [UInt16] = []
        for i in 0..<4096 {
            let have = i < 2871 && i % 997 != 500
            let downloading = !have && (i % 97 == 3 || (2871..<2876).contains(i))
            states.append(have ? .have : downloading ? .downloading : .missing)
            availability.append(i % 1013 == 7 ? 0 : UInt16(1 + (i * 13) % 12))
        }
        return PieceMapData(states: states, availability: availability)
    }()

    static let peers: [PeerRow] = [
        PeerRow(address: "127.0.0.11:6881", client: "libtorrent 2.0.8", amChoking: true, amInterested: true,
            peerChoking: false, peerInterested: false, downloadRate: 31.2 * 1_048_576, progress: 1,
            requestsInFlight: 48, downloaded: 301 * mib, source: .tracker),
        PeerRow(address: "127.0.0.12:6881", client: "Transmission 3.00", amChoking: false, amInterested: true,
            peerChoking: true, peerInterested: true, downloadRate: 12 * 1_048_576, uploadRate: 8.4 * 1_048_576,
            progress: 0.64, requestsInFlight: 12, downloaded: 120 * mib, uploaded: 88 * mib, source: .tracker),
        PeerRow(address: "127.0.0.13:6881", client: "aria2\u{1b}[5m blink", amChoking: false, amInterested: true,
            peerChoking: false, peerInterested: true, isOptimistic: true, downloadRate: 9.8 * 1_048_576,
            uploadRate: 6.1 * 1_048_576, progress: 0.41, requestsInFlight: 10, downloaded: 77 * mib,
            uploaded: 51 * mib, source: .pex),
        PeerRow(address: "[2001:db8::14]:51413", client: "rTorrent 0.9.8", isIncoming: true, isSnubbed: true,
            progress: 0.12, source: .incoming),
    ]

    static let files: [FileRow] = [
        FileRow(path: "season 1/E01 數據.mkv", size: 4_200 * mib, bytesDone: 4_200 * mib, priority: .high),
        FileRow(path: "season 1/E02.mkv", size: 4_300 * mib, bytesDone: 1_100 * mib),
        FileRow(path: "season 1/extras/\u{1b}[31mmaking-of.mkv", size: 4_100 * mib, bytesDone: 0, priority: .skip),
        FileRow(path: "README.txt", size: 2_048, bytesDone: 2_048),
    ]

    static let trackers: [TrackerRow] = [
        TrackerRow(url: "udp://tracker.example:6969/announce", tier: 0, status: .failing,
            sinceLastAnnounce: .seconds(42), lastError: "connection refused", consecutiveFailures: 3),
        TrackerRow(url: "http://tracker.lan:8080/announce", tier: 1, status: .working, isCurrent: true,
            sinceLastAnnounce: .seconds(95), untilNextAnnounce: .seconds(1705), seeders: 40, leechers: 900,
            downloaded: 5_123, peersReceived: 50, lastWarning: "slow down \u{1b}[1mplease"),
    ]

    static let detail = TorrentDetail(
        id: unicode.id, peers: peers, pieces: pieces, files: files, trackers: trackers, pieceCount: 4096,
        pieceLength: 256 * 1024, piecesHave: pieces.haveCount, hashFailures: 2, wasted: 512 * 1024, bannedPeers: 1,
        knownPeers: 1430)

    static let summary = SessionSummary(downloadLimit: nil, uploadLimit: 5 * 1_048_576, freeDiskBytes: 41_200 * mib,
        dhtNodes: 412)

    /// An app with the fixture swarm, the Unicode torrent selected, and five minutes of rate history.
    static func app(width: Int = 120, height: Int = 40) -> AppCore {
        var app = AppCore(size: Size(width: width, height: height), completePath: { typed in
            ["/data/torrents/", "/data/tv.torrent", "/data/tv-extras.torrent"].filter { $0.hasPrefix(typed) }
        })
        for second in 0..<300 {
            var rows = rows
            let wave = Double((second * 7) % 40) / 40
            rows[1].downloadRate = (40 + 60 * wave) * 1_048_576
            rows[1].uploadRate = Double(second) / 300 * 20 * 1_048_576
            app.ingest(SwarmUpdate(rows: rows, detail: nil, summary: summary), at: .seconds(second))
        }
        _ = app.handle(.down)
        app.ingest(SwarmUpdate(rows: rows, detail: detail, summary: summary), at: .seconds(300))
        return app
    }
}
