/// The xterm 256-color palette, and how to show its colors on terminals with fewer.
public enum Palette {
    /// RGB of a palette entry, as xterm defines it.
    public static func rgb(_ index: UInt8) -> (Int, Int, Int) {
        let i = Int(index)
        if i < 16 { return basic[i] }
        if i < 232 {
            let levels = [0, 95, 135, 175, 215, 255]
            let n = i - 16
            return (levels[n / 36], levels[n / 6 % 6], levels[n % 6])
        }
        let gray = 8 + (i - 232) * 10
        return (gray, gray, gray)
    }

    private static let basic: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205),
        (229, 229, 229), (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255),
        (0, 255, 255), (255, 255, 255),
    ]

    /// The palette entry (16-255) closest to an RGB color.
    public static func nearest(red: UInt8, green: UInt8, blue: UInt8) -> UInt8 {
        nearest(to: (Int(red), Int(green), Int(blue)), in: 16...255)
    }

    /// The color to use on a terminal with `colors` colors (256, 16 or 8): entries the terminal lacks become
    /// the nearest one it has.
    public static func downgrade(_ color: ThemeColor, colors: Int) -> ThemeColor {
        guard case .palette(let index) = color, Int(index) >= colors, colors > 0 else { return color }
        if colors >= 16 { return .palette(nearest(to: rgb(index), in: 0...15)) }
        if index == 8 { return .palette(7) }  // bright black as black would vanish on a black background
        if index < 16 { return .palette(index - 8) }
        return .palette(nearest(to: rgb(index), in: 0...7))
    }

    private static func nearest(to target: (Int, Int, Int), in range: ClosedRange<Int>) -> UInt8 {
        var best = range.lowerBound
        var bestDistance = Int.max
        for i in range {
            let c = rgb(UInt8(i))
            let d = (c.0 - target.0) * (c.0 - target.0) + (c.1 - target.1) * (c.1 - target.1)
                + (c.2 - target.2) * (c.2 - target.2)
            if d < bestDistance {
                best = i
                bestDistance = d
            }
        }
        return UInt8(best)
    }
}
