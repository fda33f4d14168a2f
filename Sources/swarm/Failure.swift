import ArgumentParser
import Foundation

/// Prints one line naming the problem on stderr and gives the exit status for it:
/// 2 for usage and input errors (bad flags, bad torrents, unusable directories or ports), 1 otherwise.
func failure(_ message: String, status: Int32 = 2) -> ExitCode {
    FileHandle.standardError.write(Data("swarm: \(message)\n".utf8))
    return ExitCode(status)
}
