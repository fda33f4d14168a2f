import Engine
import Testing

@testable import TerminalUI

/// The add prompt's paused and metadata-only toggles, sequential and first-last toggles, and moving data.
@Suite struct ControlKeyTests {
    func app(_ rows: [TorrentRow] = Fixtures.rows, keys: KeyBindings = .standard) -> AppCore {
        var app = AppCore(size: Size(width: 120, height: 30), keys: keys, completePath: { typed in
            ["/data/movies/", "/data/music/"].filter { $0.hasPrefix(typed) }
        })
        app.ingest(SwarmUpdate(rows: rows, detail: nil), at: .zero)
        return app
    }

    /// The app with the first row selected and its detail carrying `settings`, as the engine sends them.
    func app(_ rows: [TorrentRow], settings: TorrentSettings) -> AppCore {
        var app = app(rows)
        app.ingest(SwarmUpdate(rows: rows, detail: detail(rows[0].id, settings)), at: .zero)
        return app
    }

    func detail(_ id: TorrentID, _ settings: TorrentSettings) -> TorrentDetail {
        var detail = TorrentDetail(id: id)
        detail.settings = settings
        return detail
    }

    func type(_ text: String, into app: inout AppCore) {
        for character in text { _ = app.handle(.character(character)) }
    }

    @Test func metadataOnlyTogglesInTheAddPromptAndGoesWithTheMagnet() {
        var app = app()
        _ = app.handle("a")
        type("magnet:?xt=urn:btih:ab", into: &app)
        _ = app.handle(.control("o"))
        guard case .prompt(let prompt) = app.state.mode else { Issue.record("the prompt closed"); return }
        #expect(prompt.stopAfterMetadata && !prompt.paused)
        #expect(prompt.text == "magnet:?xt=urn:btih:ab", "the toggle types nothing")
        #expect(StatusBarView.promptLabel(prompt, keys: app.state.keys).contains("[metadata only]"))
        #expect(app.handle(.enter) == [.add(.magnet("magnet:?xt=urn:btih:ab"), paused: false, stopAfterMetadata: true)])
        #expect(app.state.status?.text.contains("pause once its metadata is in") == true)

        _ = app.handle("a")
        type("magnet:?xt=urn:btih:cd", into: &app)
        _ = app.handle(.control("o"))
        _ = app.handle(.control("o"))
        #expect(app.handle(.enter) == [.add(.magnet("magnet:?xt=urn:btih:cd"))], "toggled twice: off again")
    }

    @Test func pausedToggleAndTheNormalModeShortcuts() {
        var app = app()
        _ = app.handle(.control("p"))
        guard case .prompt(let prompt) = app.state.mode else { Issue.record("Ctrl-P opens the add prompt"); return }
        #expect(prompt.paused)
        type("/data/a.torrent", into: &app)
        #expect(app.handle(.enter) == [.add(.torrentFile(path: "/data/a.torrent"), paused: true)])

        // Metadata only for a torrent file: it has its metadata, so it is added paused to pick files first.
        _ = app.handle(.control("o"))
        type("/data/b.torrent", into: &app)
        #expect(app.handle(.enter) == [.add(.torrentFile(path: "/data/b.torrent"), paused: true)])
        #expect(app.state.status?.text.contains("paused (a torrent file has its metadata)") == true)
    }

    @Test func theTogglesAreRebindable() throws {
        let keys = try KeyBindings(overrides: ["add-metadata-only": ["Ctrl-T"], "add-paused": ["Ctrl-W"]])
        var app = app(keys: keys)
        _ = app.handle("a")
        type("magnet:?xt=urn:btih:ef", into: &app)
        _ = app.handle(.control("o"))
        #expect(app.state.status?.isError == true, "Ctrl-O is no longer bound: the prompt says what keys do")
        _ = app.handle(.control("t"))
        _ = app.handle(.control("w"))
        guard case .prompt(let prompt) = app.state.mode else { Issue.record("the prompt closed"); return }
        #expect(prompt.stopAfterMetadata && prompt.paused)
        let label = StatusBarView.promptLabel(prompt, keys: keys)
        #expect(label.contains("Ctrl-W paused, Ctrl-T metadata only") && label.contains("[paused, metadata only]"))
        #expect(HelpOverlay.lines(keys).contains { $0.hasPrefix("  Ctrl-T") && $0.contains("metadata is in") })
    }

    @Test func sequentialAndFirstLastToggleFromTheSelectedTorrentsOptions() {
        var settings = TorrentSettings()
        settings.sequential = true
        let rows = [Fixtures.debian, Fixtures.unicode]
        var app = app(rows, settings: settings)
        #expect(app.handle("o") == [.setSequential(Fixtures.debian.id, false)])
        #expect(app.handle("f") == [.setFirstAndLastPiecesFirst(Fixtures.debian.id, true)])
        _ = app.handle(.down)
        #expect(app.handle("o") == [], "the detail still belongs to the torrent above")
        #expect(app.state.status?.text.contains("still on their way") == true)
        app.ingest(SwarmUpdate(rows: rows, detail: detail(Fixtures.unicode.id, TorrentSettings())), at: .zero)
        #expect(app.handle("o") == [.setSequential(Fixtures.unicode.id, true)])
        #expect(app.state.status?.text.hasPrefix("Sequential download on") == true)

        let magnet = TorrentRow(id: TorrentID("ab"), name: "m", number: 1, size: 0, bytesDone: 0, state: .fetchingMetadata(progress: 0.2))
        var waiting = self.app([magnet])
        for key: Key in ["o", "f"] {
            #expect(waiting.handle(key) == [])
            #expect(waiting.state.status?.text.contains("no metadata yet") == true)
            #expect(waiting.state.mode == .normal)
        }
        _ = waiting.handle("m")
        #expect(waiting.state.mode == .prompt(Prompt(kind: .move(magnet.id, name: "m"))), "where its files will go can change")
        var empty = self.app([])
        #expect(empty.handle("m") == [])
        #expect(empty.state.status?.isError == true)
    }

    @Test func movePromptCompletesAndSendsTheDirectory() {
        var app = app()
        _ = app.handle("m")
        guard case .prompt(let prompt) = app.state.mode else { Issue.record("m opens the move prompt"); return }
        #expect(prompt.kind == .move(Fixtures.debian.id, name: Fixtures.debian.name))
        type("/data/mo", into: &app)
        _ = app.handle(.tab)
        guard case .prompt(let completed) = app.state.mode else { Issue.record("Tab keeps the prompt"); return }
        #expect(completed.text == "/data/movies/")
        #expect(app.handle(.enter) == [.move(Fixtures.debian.id, directory: "/data/movies/")])
        _ = app.handle("m")
        #expect(app.handle(.enter) == [], "nothing typed: nothing moves")
        #expect(app.state.status?.text.hasPrefix("Nothing moved") == true)
        _ = app.handle("m")
        type("/x", into: &app)
        #expect(app.handle(.escape) == [])
        #expect(app.state.mode == .normal)
    }

    @Test func limitsPromptStartsFromTheCurrentLimitsAndSetsBoth() {
        let row = Fixtures.debian
        var settings = TorrentSettings()
        settings.downloadLimit = 2 * 1_048_576
        var app = app([row], settings: settings)
        _ = app.handle("l")
        guard case .prompt(let prompt) = app.state.mode else { Issue.record("l opens the limits prompt"); return }
        #expect(prompt.text == "2M/0")
        _ = app.handle(.control("u"))
        type("512/1.5M", into: &app)
        #expect(app.handle(.enter) == [.setRateLimits(row.id, download: 512 * 1024, upload: 1.5 * 1_048_576)])
        #expect(app.state.status?.text.hasSuffix("down 512K, up 1.5M.") == true)

        _ = app.handle("L")
        guard case .prompt(let all) = app.state.mode else { Issue.record("L opens the session's limits"); return }
        #expect(all.kind == .limits(nil, name: "all torrents"))
        _ = app.handle(.control("u"))
        type("0/none", into: &app)
        #expect(app.handle(.enter) == [.setRateLimits(nil, download: nil, upload: nil)])

        for bad in ["fast/1M", "1M", "1M/2M/3M", "-1/0", "1e999/0"] {
            _ = app.handle("l")
            _ = app.handle(.control("u"))
            type(bad, into: &app)
            #expect(app.handle(.enter) == [], "\(bad)")
            #expect(app.state.status?.text.hasPrefix("Limits unchanged") == true, "\(bad)")
        }
        _ = app.handle("l")
        _ = app.handle(.tab)
        #expect(app.state.status?.text.contains("Tab completes paths") == true, "no path completion here")
    }

    @Test func rateTextReadsBackAsTheSameLimit() {
        for rate in [nil, 512 * 1024.0, 2 * 1_048_576.0, 1.5 * 1_048_576.0, 10 * 1024.0] {
            let text = RateLimitInput.text(rate)
            #expect(RateLimitInput.parse(text)?.limit == rate, "\(text)")
        }
    }

    @Test func seedLimitsPromptReadsRatioAndMinutes() {
        let row = Fixtures.debian
        var settings = TorrentSettings()
        settings.seedRatioLimit = 1.5
        var app = app([row], settings: settings)
        _ = app.handle("e")
        guard case .prompt(let prompt) = app.state.mode else { Issue.record("e opens the seeding prompt"); return }
        #expect(prompt.text == "1.50/-")
        _ = app.handle(.control("u"))
        type("2/90", into: &app)
        #expect(app.handle(.enter) == [.setSeedLimits(row.id, ratio: 2, seconds: 5400)])
        _ = app.handle("e")
        _ = app.handle(.control("u"))
        type("-/-", into: &app)
        #expect(app.handle(.enter) == [.setSeedLimits(row.id, ratio: nil, seconds: nil)], "back to all torrents' limits")
        _ = app.handle("e")
        _ = app.handle(.control("u"))
        type("none/30", into: &app)
        #expect(app.handle(.enter) == [.setSeedLimits(row.id, ratio: TorrentSettings.noSeedLimit, seconds: 1800)])
        #expect(UIReducer.seedLimitsText(TorrentSettings.noSeedLimit, 1800) == "none/30")
        for bad in ["2", "x/5", "-1/5", "2/nan", "1/2/3"] {
            _ = app.handle("e")
            _ = app.handle(.control("u"))
            type(bad, into: &app)
            #expect(app.handle(.enter) == [], "\(bad)")
            #expect(app.state.status?.text.hasPrefix("Seeding limits unchanged") == true, "\(bad)")
        }
    }

    @Test func peersPromptSetsOrClearsATorrentsPeerLimit() {
        let row = Fixtures.debian
        var settings = TorrentSettings()
        var app = app([row], settings: settings)
        _ = app.handle("P")
        guard case .prompt(let prompt) = app.state.mode else { Issue.record("P opens the peers prompt"); return }
        #expect(prompt.kind == .maxPeers(row.id, name: row.name))
        #expect(prompt.text == "-", "none of its own: all torrents' limit")
        _ = app.handle(.control("u"))
        type("25", into: &app)
        #expect(app.handle(.enter) == [.setMaxPeers(row.id, 25)])
        #expect(app.state.status?.text == "Peers of '\(row.name)': at most 25.")

        settings.maxPeers = 40
        app = self.app([row], settings: settings)
        _ = app.handle("P")
        guard case .prompt(let own) = app.state.mode else { Issue.record("P opens the peers prompt"); return }
        #expect(own.text == "40")
        _ = app.handle(.control("u"))
        type("-", into: &app)
        #expect(app.handle(.enter) == [.setMaxPeers(row.id, nil)], "back to all torrents' limit")
        for bad in ["0", "x", "2.5", "-3", "1/2"] {
            _ = app.handle("P")
            _ = app.handle(.control("u"))
            type(bad, into: &app)
            #expect(app.handle(.enter) == [], "\(bad)")
            #expect(app.state.status?.text.hasPrefix("Peer limit unchanged") == true, "\(bad)")
        }
        let magnet = TorrentRow(id: TorrentID("ab"), name: "m", number: 1, size: 0, bytesDone: 0, state: .fetchingMetadata(progress: 0.2))
        var waiting = self.app([magnet])
        #expect(waiting.handle("P") == [])
        #expect(waiting.state.status?.text.contains("no metadata yet") == true)
    }

    @Test func addToAsksForTheFolderAfterThePath() {
        var app = app()
        _ = app.handle("a")
        type("magnet:?xt=urn:btih:ab", into: &app)
        _ = app.handle(.control("d"))
        _ = app.handle(.control("p"))
        #expect(app.handle(.enter) == [], "Enter asks for the folder first")
        guard case .prompt(let folder) = app.state.mode else { Issue.record("the folder prompt opens"); return }
        #expect(folder.kind == .saveIn(.magnet("magnet:?xt=urn:btih:ab"), paused: true, stopAfterMetadata: false))
        type("/data/mu", into: &app)
        _ = app.handle(.tab)
        #expect(app.handle(.enter) == [.add(.magnet("magnet:?xt=urn:btih:ab"), paused: true, directory: "/data/music/")])

        // Ctrl-D outside the prompt opens it with the folder question on; an empty folder is the default one.
        _ = app.handle(.control("d"))
        type("/t/a.torrent", into: &app)
        _ = app.handle(.enter)
        #expect(app.handle(.enter) == [.add(.torrentFile(path: "/t/a.torrent"))])
        #expect(app.state.status?.text.contains("in the download folder") == true)
    }

    @Test func optionsPromptChangesAllTorrentsByName() {
        var app = app()
        _ = app.handle("O")
        type("seed-ratio=2 seed-time=90 max-active-downloads=3 max-connections=none", into: &app)
        #expect(app.handle(.enter) == [.setSessionOptions([
            .seedRatio: .value(2), .seedTime: .value(5400), .maxActiveDownloads: .value(3), .maxConnections: .cleared,
        ])])
        for (bad, reason) in [
            ("", "type name=value"), ("ratio=2", "is not name=value"), ("max-peers=0", "from 1 up"),
            ("max-active-seeds=2.5", "whole number"), ("seed-ratio=-1", "from 0 up"), ("seed-time=inf", "from 0 up"),
            ("seed-ratio", "is not name=value"),
        ] {
            _ = app.handle("O")
            type(bad, into: &app)
            #expect(app.handle(.enter) == [], "\(bad)")
            #expect(app.state.status?.text.hasPrefix("Options unchanged") == true && app.state.status?.text.contains(reason) == true,
                "\(bad): \(app.state.status?.text ?? "")")
        }
    }

    @Test func theHealthTabNamesATorrentsOwnOptions() {
        #expect(HealthTab.optionsLine(TorrentSettings()) == nil, "defaults say nothing")
        var settings = TorrentSettings()
        settings.sequential = true
        settings.downloadLimit = 2 * 1_048_576
        settings.seedRatioLimit = 1.5
        settings.seedTimeLimit = 5400
        #expect(HealthTab.optionsLine(settings)
            == "Options  sequential   limits ▼ \(Units.rate(2 * 1_048_576)) ▲ ∞   seeds to ratio 1.50   seeds for 1h30")
    }

    @Test func optionsPromptStartsFromAllTorrentsCurrentOptions() {
        var app = app()
        var summary = SessionSummary()
        summary.options = Session.Options(
            seedRatioLimit: 1.5, seedTimeLimit: 5400, maxConnections: 150, maxPeersPerTorrent: 40, maxActiveDownloads: 3,
            maxActiveSeeds: nil)
        app.ingest(SwarmUpdate(rows: Fixtures.rows, detail: nil, summary: summary), at: .zero)
        _ = app.handle("O")
        guard case .prompt(let prompt) = app.state.mode else { Issue.record("O opens the options prompt"); return }
        #expect(prompt.text == "seed-ratio=1.50 seed-time=90 max-connections=150 max-peers=40 max-active-downloads=3 max-active-seeds=none")
        #expect(app.handle(.enter) == [.setSessionOptions([
            .seedRatio: .value(1.5), .seedTime: .value(5400), .maxConnections: .value(150), .maxPeers: .value(40),
            .maxActiveDownloads: .value(3), .maxActiveSeeds: .cleared,
        ])], "Enter on the prompt as it opened changes nothing")
    }
}
