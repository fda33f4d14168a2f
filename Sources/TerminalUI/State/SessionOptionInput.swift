import Engine

/// The options of all torrents together that the UI's options prompt changes, by the names `swarm set` uses.
public enum SessionOption: String, CaseIterable, Sendable, Hashable {
    case seedRatio = "seed-ratio"
    /// Minutes in the prompt, seconds in the command.
    case seedTime = "seed-time"
    case maxConnections = "max-connections"
    case maxPeers = "max-peers"
    case maxActiveDownloads = "max-active-downloads"
    case maxActiveSeeds = "max-active-seeds"

    /// The smallest value allowed, and whether it must be whole.
    var minimum: Double {
        switch self {
        case .maxConnections, .maxPeers: 1
        default: 0
        }
    }

    var isWhole: Bool { self != .seedRatio && self != .seedTime }

    /// `none` clears: no seeding or queue limit, the built-in connection and peer limits.
    public enum Value: Sendable, Hashable {
        case cleared
        case value(Double)
    }

    /// `options` as the prompt reads them back, every one named.
    static func text(_ options: Session.Options) -> String {
        func number(_ value: Double?) -> String {
            guard let value else { return "none" }
            return value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
        }
        let values: [(SessionOption, String)] = [
            (.seedRatio, number(options.seedRatioLimit)), (.seedTime, number(options.seedTimeLimit.map { ($0 / 60).rounded() })),
            (.maxConnections, "\(options.maxConnections)"), (.maxPeers, "\(options.maxPeersPerTorrent)"),
            (.maxActiveDownloads, number(options.maxActiveDownloads.map(Double.init))),
            (.maxActiveSeeds, number(options.maxActiveSeeds.map(Double.init))),
        ]
        return values.map { "\($0.rawValue)=\($1)" }.joined(separator: " ")
    }

    /// Reads `seed-ratio=2 max-active-downloads=3 seed-time=none`: nil and a reason when a part is wrong.
    static func parse(_ text: String) -> (edits: [SessionOption: Value]?, problem: String?) {
        var edits: [SessionOption: Value] = [:]
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard !parts.isEmpty else { return (nil, "type name=value, such as seed-ratio=2 max-active-downloads=3") }
        for part in parts {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, let option = SessionOption(rawValue: String(pair[0]).lowercased()) else {
                return (nil, "'\(part)' is not name=value with a name of: \(allCases.map(\.rawValue).joined(separator: " "))")
            }
            let text = String(pair[1]).lowercased()
            if text == "none" {
                edits[option] = .cleared
                continue
            }
            guard let number = Double(text), number.isFinite, number >= option.minimum, number <= 1_000_000,
                !option.isWhole || number == number.rounded()
            else {
                let kind = option.isWhole ? "a whole number" : "a number"
                return (nil, "\(option.rawValue) takes \(kind) from \(Int(option.minimum)) up, or none")
            }
            edits[option] = .value(option == .seedTime ? number * 60 : number)
        }
        return (edits, nil)
    }
}
