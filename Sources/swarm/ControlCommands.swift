import ArgumentParser
import Control
import Engine
import Foundation
import TorrentModel

/// `swarm add <torrent|magnet>`: adds to the running daemon, or saves the torrent for its next start.
struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a torrent file or magnet link to the daemon (saved for its next start when none runs).")

    @Argument(help: "A .torrent file or a magnet link.")
    var torrent: String

    @Option(name: .long, help: "Download directory (default: the daemon's).")
    var dir: String?

    @Flag(name: .long, help: "Add it paused.")
    var paused = false

    @Flag(name: .long, help: "A magnet link: fetch its metadata, then stay paused so that files can be chosen (swarm files).")
    var stopAfterMetadata = false

    @OptionGroup var state: StateOptions

    func validate() throws {
        if stopAfterMetadata && !torrent.lowercased().hasPrefix("magnet:") {
            throw failure("--stop-after-metadata is for magnet links (a torrent file has its metadata)")
        }
    }

    func run() async throws {
        let source = try Self.source(torrent)
        let directory = dir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        let paths = state.paths
        let client: ControlClient
        do {
            client = try await DaemonConnection.connect(paths)
        } catch ControlClientError.noDaemon {
            do {
                let file = try PendingAdds(directory: paths.pending).store(.init(
                    source: source, directory: directory, paused: paused, stopAfterMetadata: stopAfterMetadata ? true : nil))
                print("no daemon is running: saved for its next start (\(file.path))")
                return
            } catch {
                throw failure("cannot save the torrent for later: \(error)", status: 1)
            }
        } catch {
            throw failure("\(error)", status: 1)
        }
        defer { client.close() }
        do {
            let request = ControlRequest.add(
                source: source, directory: directory, paused: paused, stopAfterMetadata: stopAfterMetadata ? true : nil)
            if case .added(let hash, let name) = try await client.send(request) {
                let note = paused ? ", paused" : stopAfterMetadata ? ", pausing once its metadata is in" : ""
                print("added \(name) (\(hash.hex.prefix(8)))\(note)")
            }
        } catch {
            throw failure("\(error)", status: 1)
        }
    }

    /// A magnet link as it is, or the bytes of a torrent file, checked here so a broken file is refused
    /// before it reaches the daemon (or waits for it).
    static func source(_ argument: String) throws -> AddSource {
        if argument.lowercased().hasPrefix("magnet:") { return .magnet(argument) }
        guard let data = FileManager.default.contents(atPath: argument) else { throw failure("cannot read \(argument)") }
        do { _ = try Metainfo(bytes: data) } catch { throw failure("\(argument): \(error)") }
        return .torrent(data)
    }
}

/// `swarm list [--json]`.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the daemon's torrents.")

    @Flag(name: .long, help: "One JSON array of torrents on stdout.")
    var json = false

    @OptionGroup var state: StateOptions

    func run() async throws {
        let client = try await DaemonConnection.connectOrExit(state.paths)
        defer { client.close() }
        guard case .overview(let view) = try await sendOrExit(client, .overview) else { return }
        if let restoring = view.restoring {
            let count = restoring.total > 0 ? " (\(restoring.listed) of \(restoring.total) so far)" : ""
            FileHandle.standardError.write(Data("swarm: the daemon is still loading its torrents\(count)\n".utf8))
        }
        if json {
            let entries = view.rows.enumerated().map { ListEntry($1, number: $0 + 1) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(entries), as: UTF8.self))
            return
        }
        guard !view.rows.isEmpty else {
            print("no torrents (add one with swarm add <file.torrent>)")
            return
        }
        print(ListEntry.header)
        for (index, torrent) in view.rows.enumerated() { print(ListEntry(torrent, number: index + 1).line) }
    }
}

/// One row of `swarm list`, and its `--json` form.
struct ListEntry: Encodable {
    var number: Int
    var infoHash: String
    var name: String
    var state: String
    var error: String?
    var progress: Double
    var size: Int64
    var bytesDone: Int64
    var downloadRate: Double
    var uploadRate: Double
    var downloaded: Int64
    var uploaded: Int64
    var peers: Int
    var priority: String

    init(_ s: TorrentListItem, number: Int) {
        self.number = number
        infoHash = s.infoHash.hex
        name = s.name
        state = s.activity.label
        if case .error(let why) = s.activity { error = why }
        progress = s.progress
        size = s.wantedLength
        bytesDone = s.bytesHaveWanted
        downloadRate = s.downloadRate
        uploadRate = s.uploadRate
        downloaded = s.downloaded
        uploaded = s.uploaded
        peers = s.seedsConnected + s.peersConnected
        priority = s.priority.label
    }

    static let header = "  #  hash      state              done    size       down       up  peers  prio    name"

    var line: String {
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        let percent = String(format: "%.1f%%", progress * 100)
        let cells = [
            pad("\(number)", 3), "  ", String(infoHash.prefix(8)), "  ", state.padding(toLength: 17, withPad: " ", startingAt: 0),
            pad(percent, 6), pad(Self.bytes(Double(size)), 8), pad(Self.rate(downloadRate), 11), pad(Self.rate(uploadRate), 9),
            pad("\(peers)", 7), "  ", priority.padding(toLength: 6, withPad: " ", startingAt: 0), "  ", name,
        ]
        return cells.joined() + (error.map { "  (\($0))" } ?? "")
    }

    private static func bytes(_ count: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = count
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(Int(value)) B" : String(format: "%.1f ", value) + units[unit]
    }

    private static func rate(_ bytesPerSecond: Double) -> String { bytesPerSecond < 1 ? "-" : bytes(bytesPerSecond) + "/s" }
}

/// The commands that act on one torrent: `swarm pause|resume|recheck|remove <id-or-name>`.
struct TorrentArgument: ParsableArguments {
    @Argument(help: "An info-hash (or its start), a number from swarm list, or a name (or part of one).")
    var torrent: String
}

struct PauseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a torrent of the daemon.")
    @OptionGroup var target: TorrentArgument
    @OptionGroup var state: StateOptions
    func run() async throws { try await perform(.pause(torrent: target.torrent), state) }
}

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused torrent of the daemon.")
    @OptionGroup var target: TorrentArgument
    @OptionGroup var state: StateOptions
    func run() async throws { try await perform(.resume(torrent: target.torrent), state) }
}

struct RecheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "recheck", abstract: "Verify a torrent's data on disk again.")
    @OptionGroup var target: TorrentArgument
    @OptionGroup var state: StateOptions
    func run() async throws { try await perform(.recheck(torrent: target.torrent), state) }
}

struct RemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "remove", abstract: "Remove a torrent from the daemon (its data is kept).")
    @Flag(name: .long, help: "Delete the torrent's downloaded files too.")
    var deleteData = false
    @OptionGroup var target: TorrentArgument
    @OptionGroup var state: StateOptions
    func run() async throws { try await perform(.remove(torrent: target.torrent, deleteData: deleteData), state) }
}

/// `swarm limit [--down R] [--up R] [<torrent>]`.
struct LimitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "limit", abstract: "Show or set rate limits, for all torrents or one.",
        discussion: """
            R is in KiB/s, or has a K, M or G suffix (2M is 2 MiB/s); 0 or none removes the limit. Limits are kept \
            across restarts (those of all torrents until set again or changed in config.toml).
            """)

    @Option(name: .long, help: "Download limit.")
    var down: String?

    @Option(name: .long, help: "Upload limit.")
    var up: String?

    @Argument(help: "A torrent (info-hash, number or name); none: the limits of all torrents together.")
    var torrent: String?

    @OptionGroup var state: StateOptions

    func validate() throws {
        for (flag, value) in [("--down", down), ("--up", up)] {
            if let value, RateText.parseLimit(value) == nil {
                throw failure("\(flag) \(value): give KiB/s, or a number with K, M or G, or none")
            }
        }
    }

    func run() async throws {
        try await perform(.limit(torrent: torrent, download: down.flatMap(RateText.parseLimit), upload: up.flatMap(RateText.parseLimit)), state)
    }
}

struct ShutdownCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "shutdown", abstract: "Stop the daemon and every transfer.")
    @OptionGroup var state: StateOptions
    func run() async throws { try await perform(.shutdown, state) }
}

/// Sends one request and prints the daemon's answer.
func perform(_ request: ControlRequest, _ state: StateOptions) async throws {
    let client = try await DaemonConnection.connectOrExit(state.paths)
    defer { client.close() }
    if case .done(let message) = try await sendOrExit(client, request) { print(message) }
}

func sendOrExit(_ client: ControlClient, _ request: ControlRequest) async throws -> ControlReply {
    do {
        return try await client.send(request)
    } catch {
        throw failure("\(error)", status: 1)
    }
}
