/// A rate limit as a user types it, on the command line or in the UI: a number in KiB/s, or with a `K`, `M`
/// or `G` suffix (KiB/s, MiB/s, GiB/s; `2M`, `1.5MiB/s`); `0`, `none` or `unlimited` for no limit.
public enum RateLimitInput: Sendable, Equatable {
    case unlimited
    case bytesPerSecond(Double)

    /// Nil when `text` is not a rate.
    public static func parse(_ text: String) -> RateLimitInput? {
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        if lower == "none" || lower == "unlimited" { return .unlimited }
        var number = Substring(lower)
        var scale = 1024.0
        if number.hasSuffix("/s") { number = number.dropLast(2) }
        if number.hasSuffix("ib") { number = number.dropLast(2) } else if number.hasSuffix("b") { number = number.dropLast() }
        switch number.last {
        case "k": scale = 1024; number = number.dropLast()
        case "m": scale = 1_048_576; number = number.dropLast()
        case "g": scale = 1_073_741_824; number = number.dropLast()
        default: break
        }
        guard let value = Double(number), value.isFinite, value >= 0, (value * scale).isFinite else { return nil }
        return value == 0 ? .unlimited : .bytesPerSecond(value * scale)
    }

    /// Bytes per second; nil for no limit.
    public var limit: Double? {
        if case .bytesPerSecond(let rate) = self { return rate }
        return nil
    }

    /// How to type `bytesPerSecond` back (nil or 0: `0`): `2M`, `512K`, `1.5M`.
    public static func text(_ bytesPerSecond: Double?) -> String {
        guard let rate = bytesPerSecond, rate > 0 else { return "0" }
        func trimmed(_ value: Double) -> String {
            value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
        }
        if rate >= 1_048_576 { return trimmed(rate / 1_048_576) + "M" }
        return trimmed((rate / 1024).rounded()) + "K"
    }
}
