import ArgumentParser
import Foundation
import TorrentModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swarm info <file.torrent> [--json]`: shows what a torrent holds.
/// Every string from the torrent goes through `terminalSafe` before it is printed, JSON included.
struct InfoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Show the contents of a .torrent file, or what a magnet link says.")

    @Argument(help: "The .torrent file or magnet link.")
    var torrent: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() async throws {
        if torrent.lowercased().hasPrefix("magnet:") {
            let link: MagnetLink
            do { link = try MagnetLink(parsing: torrent) } catch { throw failure("\(error)") }
            if json {
                print(try jsonReport(link))
            } else {
                print(textReport(link), terminator: "")
            }
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try TorrentFileReader.load(torrent)
        } catch {
            throw failure("cannot read '\(torrent)': \(error)".terminalSafe)
        }
        let meta: Metainfo
        do {
            meta = try Metainfo(bytes: bytes)
        } catch {
            // The error can quote paths from the torrent, so it is made safe too.
            throw failure("\(torrent): \(error)".terminalSafe)
        }
        if json {
            print(try jsonReport(meta))
        } else {
            print(textReport(meta), terminator: "")
        }
    }

    func textReport(_ meta: Metainfo) -> String {
        var out = ""
        func line(_ label: String, _ value: String) {
            out += label + String(repeating: " ", count: max(1, 13 - label.count)) + value + "\n"
        }
        line("Name:", meta.name.terminalSafe)
        line("Info hash:", meta.infoHash.hex)
        line("Total size:", ByteFormat.both(meta.totalLength))
        line("Piece size:", ByteFormat.both(Int64(meta.pieceLength)))
        line("Pieces:", String(meta.pieceCount))
        line("Private:", meta.isPrivate ? "yes" : "no")
        if let comment = meta.comment { line("Comment:", comment.terminalSafe) }
        if let createdBy = meta.createdBy { line("Created by:", createdBy.terminalSafe) }
        if let date = meta.creationDate { line("Created on:", ByteFormat.date(date)) }
        if meta.trackerTiers.isEmpty {
            line("Trackers:", "none")
        } else {
            out += "Trackers:\n"
            for (i, tier) in meta.trackerTiers.enumerated() {
                out += "  tier \(i + 1): " + tier.map(\.terminalSafe).joined(separator: ", ") + "\n"
            }
        }
        out += "Files (\(meta.files.count)):\n"
        for file in meta.files {
            let path = meta.isMultiFile ? (meta.name + "/" + file.displayPath) : file.displayPath
            out += "  \(path.terminalSafe)  \(ByteFormat.both(file.length))\(file.isPadding ? "  [padding]" : "")\n"
        }
        return out
    }

    struct Report: Encodable {
        struct File: Encodable {
            var path: String
            var length: Int64
            var padding: Bool
        }
        var name: String
        var infoHash: String
        var totalLength: Int64
        var pieceLength: Int
        var pieceCount: Int
        var isPrivate: Bool
        var comment: String?
        var createdBy: String?
        var creationDate: Int64?
        var trackerTiers: [[String]]
        var files: [File]
    }

    func jsonReport(_ meta: Metainfo) throws -> String {
        let report = Report(
            name: meta.name.terminalSafe, infoHash: meta.infoHash.hex, totalLength: meta.totalLength,
            pieceLength: meta.pieceLength, pieceCount: meta.pieceCount, isPrivate: meta.isPrivate,
            comment: meta.comment?.terminalSafe, createdBy: meta.createdBy?.terminalSafe,
            creationDate: meta.creationDate, trackerTiers: meta.trackerTiers.map { $0.map(\.terminalSafe) },
            files: meta.files.map {
                .init(path: $0.displayPath.terminalSafe, length: $0.length, padding: $0.isPadding)
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}

/// Magnet links: what the link says; the rest is known once the metadata is fetched.
extension InfoCommand {
    func textReport(_ link: MagnetLink) -> String {
        var out = ""
        func line(_ label: String, _ value: String) {
            out += label + String(repeating: " ", count: max(1, 13 - label.count)) + value + "\n"
        }
        line("Magnet link:", "metadata not fetched yet")
        line("Name:", link.displayName?.terminalSafe ?? "(none given)")
        line("Info hash:", link.infoHash.hex)
        if link.trackers.isEmpty {
            line("Trackers:", "none")
        } else {
            out += "Trackers:\n"
            for tracker in link.trackers { out += "  \(tracker.terminalSafe)\n" }
        }
        line("Peers:", link.peers.isEmpty ? "none" : link.peers.map(\.description).joined(separator: ", "))
        line("Files:", link.selectedFiles.map { "only \($0.description)" } ?? "all")
        return out
    }

    struct MagnetReport: Encodable {
        var infoHash: String
        var name: String?
        var trackers: [String]
        var peers: [String]
        var selectedFiles: String?
    }

    func jsonReport(_ link: MagnetLink) throws -> String {
        let report = MagnetReport(
            infoHash: link.infoHash.hex, name: link.displayName?.terminalSafe,
            trackers: link.trackers.map(\.terminalSafe), peers: link.peers.map(\.description),
            selectedFiles: link.selectedFiles?.description)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }
}

/// Sizes for people: binary units with one decimal, and the exact byte count.
enum ByteFormat {
    static func human(_ bytes: Int64) -> String {
        let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        if unit == 0 { return bytes == 1 ? "1 byte" : "\(bytes) bytes" }
        return String(format: "%.1f", value) + " " + units[unit]
    }

    static func both(_ bytes: Int64) -> String {
        bytes < 1024 ? human(bytes) : "\(human(bytes)) (\(bytes) bytes)"
    }

    static func date(_ seconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }
}

/// Reads a `.torrent` file: only regular files, and at most `maxSize` bytes, so that `/dev/zero` or a
/// huge file given by mistake fails at once instead of filling memory.
enum TorrentFileReader {
    static let maxSize = 100 << 20

    struct Error: Swift.Error, CustomStringConvertible {
        var description: String
    }

    static func load(_ path: String) throws -> [UInt8] {
        // Non-blocking, or opening a FIFO would wait for a writer; it has no effect on regular files.
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw Error(description: String(cString: strerror(errno))) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw Error(description: String(cString: strerror(errno))) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw Error(description: "not a regular file") }
        guard info.st_size <= maxSize else { throw Error(description: "larger than \(maxSize >> 20) MiB") }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw Error(description: n == 0 ? "it shrank while being read" : String(cString: strerror(errno)))
            }
            filled += n
        }
        return bytes
    }
}
