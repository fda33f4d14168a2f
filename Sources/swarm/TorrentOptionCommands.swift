import ArgumentParser
import Control
import Engine
import Foundation
import TorrentModel

/// `swarm priority <torrent> high|normal|low`: its place in the queue.
struct PriorityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "priority", abstract: "Set a torrent's queue priority: high, normal or low.",
        discussion: "With active downloads or seeds limited, higher priorities start first.")

    @OptionGroup var target: TorrentArgument

    @Argument(help: "high, normal or low.")
    var priority: String

    @OptionGroup var state: StateOptions

    func validate() throws {
        if Self.parse(priority) == nil { throw failure("priority \(priority): give high, normal or low") }
    }

    func run() async throws {
        guard let level = Self.parse(priority) else { return }
        try await perform(.setPriority(torrent: target.torrent, priority: level), state)
    }

    static func parse(_ text: String) -> TorrentPriority? {
        TorrentPriority.allCases.first { $0.label == text.lowercased() }
    }
}

/// `swarm files [--json] <torrent>`: the files with their numbers, sizes, progress and priorities.
struct FilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files", abstract: "List a torrent's files: number, priority, progress, size, path.")

    @Flag(name: .long, help: "One JSON object on stdout.")
    var json = false

    @OptionGroup var target: TorrentArgument
    @OptionGroup var state: StateOptions

    func run() async throws {
        let client = try await DaemonConnection.connectOrExit(state.paths)
        defer { client.close() }
        guard case .files(let list) = try await sendOrExit(client, .files(torrent: target.torrent)) else { return }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(FileListJSON(list)), as: UTF8.self))
            return
        }
        print("\(list.name.terminalSafe) in \(list.directory.terminalSafe)")
        print("  #  priority    done        size  path")
        for file in list.files {
            let done = file.size > 0 ? Double(file.bytesDone) / Double(file.size) * 100 : 100
            let cells = [
                String(format: "%3d", file.index), "  ", file.priority.label.padding(toLength: 8, withPad: " ", startingAt: 0),
                String(format: "%7.1f%%", done), ByteFormat.human(file.size).leftPadded(to: 12), "  ", file.path.terminalSafe,
            ]
            print(cells.joined())
        }
    }
}

/// `swarm files --json`: priorities by name.
struct FileListJSON: Encodable {
    struct File: Encodable {
        var index: Int
        var priority: String
        var path: String
        var size: Int64
        var bytesDone: Int64
        var progress: Double
    }

    var infoHash: String
    var name: String
    var directory: String
    var files: [File]

    init(_ list: TorrentFileList) {
        infoHash = list.infoHash.hex
        name = list.name
        directory = list.directory
        files = list.files.map {
            File(index: $0.index, priority: $0.priority.label, path: $0.path, size: $0.size, bytesDone: $0.bytesDone,
                 progress: $0.size > 0 ? Double($0.bytesDone) / Double($0.size) : 1)
        }
    }
}

/// `swarm file-priority <torrent> <file...> skip|low|normal|high`.
struct FilePriorityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "file-priority", abstract: "Set the priority of some of a torrent's files: skip, low, normal or high.",
        discussion: """
            Files are numbered as swarm files lists them (from 0); give numbers, ranges or lists: 0 2-4 or 0,2-4. \
            Skipped files are not downloaded, nor created unless a piece they share with a wanted file reaches them.
            """)

    @OptionGroup var target: TorrentArgument

    @Argument(help: "File numbers, then the priority: 0 2-4 skip.")
    var filesAndPriority: [String] = []

    @OptionGroup var state: StateOptions

    func validate() throws { _ = try parsed() }

    func run() async throws {
        let (files, priority) = try parsed()
        try await perform(.setFilePriorities(torrent: target.torrent, files: files, priority: priority), state)
    }

    private func parsed() throws -> ([Int], FilePriority) {
        guard filesAndPriority.count >= 2, let last = filesAndPriority.last else {
            throw failure("give file numbers and a priority: swarm file-priority <torrent> 0 2-4 skip")
        }
        guard let priority = FilePriority.allCases.first(where: { $0.label == last.lowercased() }) else {
            throw failure("priority \(last): give skip, low, normal or high")
        }
        var files: [Int] = []
        for argument in filesAndPriority.dropLast() {
            guard let numbers = Self.numbers(argument) else {
                throw failure("file \(argument): give numbers from swarm files, ranges like 2-4, or lists like 0,3")
            }
            files += numbers
        }
        return (Array(Set(files)).sorted(), priority)
    }

    /// `3`, `2-4` or `0,2-4`; nil for anything else (or a range over a million files).
    static func numbers(_ text: String) -> [Int]? {
        var result: [Int] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), bounds.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let low = Int(bounds[0]), let high = Int(bounds[bounds.count - 1]), low <= high, high - low < 1_000_000
            else { return nil }
            result += Array(low...high)
        }
        return result
    }
}

/// `swarm move <torrent> <dir>`: the data moves, and the torrent carries on from there.
struct MoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "move", abstract: "Move a torrent's data to another directory; it carries on from there.")

    @OptionGroup var target: TorrentArgument

    @Argument(help: "The new download directory (made if needed).")
    var directory: String

    @OptionGroup var state: StateOptions

    func validate() throws {
        if directory.trimmingCharacters(in: .whitespaces).isEmpty { throw failure("give the directory to move to") }
    }

    func run() async throws {
        let absolute = URL(fileURLWithPath: directory).standardizedFileURL.path
        try await perform(.move(torrent: target.torrent, directory: absolute), state)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
