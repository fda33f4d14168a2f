/// What a cell means, never which color it is: themes map each role to a style, so views never name colors.
/// The raw value is the role's name in theme files.
public enum ColorRole: String, CaseIterable, Sendable, Hashable {
    case normal
    case dim
    case title
    case header
    case border
    case selection
    case tabActive = "tab.active"
    case tabInactive = "tab.inactive"
    case statusBar = "status"
    case statusError = "status.error"
    case key
    case prompt
    case warning
    case ok
    case downloading
    case seeding
    case paused
    case queued
    case checking
    case error
    case progressDone = "progress.done"
    case progressTodo = "progress.todo"
    case pieceHave = "piece.have"
    case pieceDownloading = "piece.downloading"
    case pieceMissing = "piece.missing"
    /// Missing pieces that no connected peer has.
    case availability0 = "availability.0"
    case availability1 = "availability.1"
    case availability2 = "availability.2"
    case availability3 = "availability.3"
    case availability4 = "availability.4"
    /// Missing pieces that many connected peers have.
    case availability5 = "availability.5"
    case graphDown = "graph.down"
    case graphUp = "graph.up"

    /// The availability scale, from no connected peer to many.
    public static let availabilityScale: [ColorRole] = [
        .availability0, .availability1, .availability2, .availability3, .availability4, .availability5,
    ]

    /// A one-character code per role, for the role layer of snapshot tests.
    public var code: Character {
        let codes: [ColorRole: Character] = ColorRole.codeTable
        return codes[self] ?? "?"
    }

    private static let codeTable: [ColorRole: Character] = {
        let letters = Array(".-THBSAIbXKPWOdsqQcEpoh*m012345vu")
        return Dictionary(uniqueKeysWithValues: zip(ColorRole.allCases, letters))
    }()
}
