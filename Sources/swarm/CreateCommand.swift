import ArgumentParser
import Engine
import Foundation
import TorrentModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `swarm create <path> -o <out.torrent>`: makes a v1 torrent of a file or a folder.
struct CreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a .torrent file from a file or a folder.")

    @Argument(help: "The file or folder to share.")
    var path: String

    @Option(name: [.short, .customLong("tracker")], help: "Announce URL; repeat for more (each is its own tier).")
    var trackers: [String] = []

    @Option(name: .customLong("piece-size"), help: "Piece size in bytes or with a unit (256K, 1M); default: automatic.")
    var pieceSize: String?

    @Flag(name: .customLong("private"), help: "Mark the torrent private (no DHT or peer exchange).")
    var isPrivate = false

    @Option(help: "A comment stored in the torrent.")
    var comment: String?

    @Flag(name: .customLong("no-date"), help: "Leave out the creation date (reproducible output).")
    var noDate = false

    @Option(name: [.short, .customLong("output")], help: "Where to write the .torrent file.")
    var output: String

    @Flag(help: "Overwrite the output file if it exists.")
    var force = false

    func run() async throws {
        var options = TorrentCreator.Options(trackers: trackers, isPrivate: isPrivate, comment: comment)
        if noDate { options.creationDate = nil }
        if isatty(STDERR_FILENO) != 0 {
            options.progress = { percent in
                // Rewrites one status line on the terminal; cleared once hashing is done.
                let text = percent < 100 ? "\rhashing… \(percent)%" : "\r\u{1b}[K"
                FileHandle.standardError.write(Data(text.utf8))
            }
        }
        if let pieceSize {
            guard let size = TorrentCreator.parseSize(pieceSize) else {
                throw failure("bad piece size '\(pieceSize.terminalSafe)': give bytes or a size such as 256K or 1M")
            }
            guard TorrentCreator.isValidPieceLength(size) else {
                throw failure(TorrentCreator.Error.badPieceLength(size).description)
            }
            options.pieceLength = size
        }
        for url in trackers where !TorrentCreator.isValidTrackerURL(url) {
            throw failure(TorrentCreator.Error.badTrackerURL(url).description.terminalSafe)
        }
        // Checked early so nobody waits for the hashing to learn this; checked again when writing.
        if !force && FileManager.default.fileExists(atPath: output) {
            throw failure("'\(output.terminalSafe)' already exists (use --force to overwrite it)")
        }

        let bytes: [UInt8]
        do {
            bytes = try await TorrentCreator.create(from: path, options: options)
        } catch let error as TorrentCreator.Error {
            throw failure(error.description.terminalSafe)
        } catch is CancellationError {
            throw failure("cancelled", status: 1)
        }
        do {
            try AtomicFile.save(bytes, to: output, replacing: force)
        } catch let error as AtomicFile.Error {
            throw failure(error.description.terminalSafe)
        }
        guard let meta = try? Metainfo(bytes: bytes) else { return }
        print("Created \(output.terminalSafe): \(meta.name.terminalSafe), \(meta.files.count) file(s), "
            + "\(ByteFormat.human(meta.totalLength)) in \(meta.pieceCount) pieces of "
            + "\(ByteFormat.human(Int64(meta.pieceLength))), info hash \(meta.infoHash.hex)")
    }
}

/// Writes a file so that it appears complete or not at all: the bytes go to a temporary file in the same
/// folder, are synced, then moved into place with `rename` (replacing) or `link` (fails if the name exists).
enum AtomicFile {
    struct Error: Swift.Error, CustomStringConvertible {
        var description: String
    }

    static func save(_ bytes: [UInt8], to path: String, replacing: Bool) throws {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString.prefix(8)).partial").path
        func fail(_ what: String) -> Error {
            Error(description: "cannot write '\(path)': \(what): \(String(cString: strerror(errno)))")
        }
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else { throw fail("cannot create a file there") }
        var ok = false
        defer {
            if !ok { unlink(temp) }
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, bytes.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                close(fd)
                throw fail("write failed")
            }
            written += n
        }
        guard fsync(fd) == 0 else {
            close(fd)
            throw fail("sync failed")
        }
        close(fd)
        if replacing {
            guard rename(temp, path) == 0 else { throw fail("rename failed") }
        } else {
            guard link(temp, path) == 0 else {
                if errno == EEXIST {
                    throw Error(description: "'\(path)' already exists (use --force to overwrite it)")
                }
                throw fail("link failed")
            }
            unlink(temp)
        }
        ok = true
    }
}
