/// Human units for sizes, rates, durations and ratios: binary prefixes with three significant digits.
public enum Units {
    private static let prefixes = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]

    /// `754 MiB`, `1.41 GiB`, `12 B`.
    public static func bytes(_ count: Int64) -> String {
        bytes(Double(max(0, count)))
    }

    /// A byte count given as a double (rates).
    public static func bytes(_ count: Double) -> String {
        let value = count.isFinite ? max(0, count) : 0
        if value < 1000 { return "\(Int(value.rounded())) B" }
        var scaled = value
        var unit = 0
        while unit < prefixes.count - 1, scaled >= 999.5 {
            scaled /= 1024
            unit += 1
        }
        return threeDigits(scaled) + " " + prefixes[unit]
    }

    /// The list's short form: `754M`, `1.41G`, `12B` (binary units: M is MiB).
    public static func compactBytes(_ count: Double) -> String {
        let full = bytes(count)
        guard let space = full.firstIndex(of: " ") else { return full }
        return String(full[..<space]) + String(full[full.index(after: space)])
    }

    /// `96.2M/s`; an em dash for zero.
    public static func compactRate(_ bytesPerSecond: Double) -> String {
        bytesPerSecond < 0.5 ? "—" : compactBytes(bytesPerSecond) + "/s"
    }

    /// `96.2 MiB/s`; an em dash for zero.
    public static func rate(_ bytesPerSecond: Double) -> String {
        bytesPerSecond < 0.5 ? "—" : bytes(bytesPerSecond) + "/s"
    }

    /// `9.87`, `98.7`, `987`: three significant digits for values below 1000.
    public static func threeDigits(_ value: Double) -> String {
        if value < 9.995 { return fixed(value, decimals: 2) }
        if value < 99.95 { return fixed(value, decimals: 1) }
        return fixed(value, decimals: 0)
    }

    /// `value` with exactly `decimals` digits after the point, rounded half away from zero.
    public static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "∞" }
        var factor = 1.0
        for _ in 0..<decimals { factor *= 10 }
        let scaled = Int64((abs(value) * factor).rounded())
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let whole = scaled / Int64(factor)
        var fraction = String(scaled % Int64(factor))
        while fraction.count < decimals { fraction = "0" + fraction }
        return sign + String(whole) + "." + fraction
    }

    /// `78%` (floored, so 100% means done).
    public static func percent(_ fraction: Double) -> String {
        let clamped = fraction.isFinite ? min(1, max(0, fraction)) : 0
        return String(Int((clamped * 100).rounded(.down))) + "%"
    }

    /// `2s`, `1m54`, `3h12`, `2d04`, `∞` for nil (no rate), up to years.
    public static func duration(seconds: Double?) -> String {
        guard let seconds, seconds.isFinite, seconds >= 0 else { return "∞" }
        let s = Int64(seconds.rounded(.up))
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(twoDigits(s % 60))" }
        if s < 86_400 { return "\(s / 3600)h\(twoDigits(s % 3600 / 60))" }
        if s < 86_400 * 365 { return "\(s / 86_400)d\(twoDigits(s % 86_400 / 3600))" }
        return "\(s / (86_400 * 365))y"
    }

    /// A duration in whole seconds or minutes, for "last announce 2m ago".
    public static func duration(_ duration: Duration) -> String {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return self.duration(seconds: seconds)
    }

    /// `0.04`, `2.71`, `123`.
    public static func ratio(_ value: Double) -> String {
        guard value.isFinite else { return "∞" }
        return value < 100 ? fixed(value, decimals: 2) : fixed(value, decimals: 0)
    }

    /// `1,234` style grouping is avoided: counts are short; large counts use `12.3k`.
    public static func count(_ n: Int) -> String {
        if n < 10_000 { return String(n) }
        if n < 1_000_000 { return threeDigits(Double(n) / 1000) + "k" }
        return threeDigits(Double(n) / 1_000_000) + "M"
    }

    private static func twoDigits(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
