import Foundation

/// A disk problem, with the path and the system's reason.
public struct StorageError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let operation: String
    public let errno: Int32

    public var description: String {
        "\(operation) \(path): \(String(cString: strerror(errno)))"
    }

    public var isDiskFull: Bool { errno == ENOSPC || errno == EDQUOT }
}
