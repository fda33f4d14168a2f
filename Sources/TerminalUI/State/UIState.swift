/// Which torrents the list shows.
public enum ListView: String, CaseIterable, Sendable, Hashable {
    case all, downloading, seeding, paused, error

    public func includes(_ row: TorrentRow) -> Bool {
        switch self {
        case .all: true
        case .downloading:
            switch row.state {
            case .downloading, .fetchingMetadata: true
            case .queued, .checking: !row.isComplete
            default: false
            }
        case .seeding: if case .seeding = row.state { true } else { false }
        case .paused: row.state.isPaused
        case .error: row.state.isError
        }
    }
}

/// Columns the list can be sorted by.
public enum SortKey: String, CaseIterable, Sendable, Hashable {
    case number = "#"
    case name = "name"
    case size = "size"
    case progress = "progress"
    case state = "state"
    case downloadRate = "down rate"
    case uploadRate = "up rate"
    case eta = "ETA"
    case seeds = "seeds"
    case peers = "peers"
    case ratio = "ratio"
    case priority = "priority"
}

/// The detail tabs, in order.
public enum DetailTab: String, CaseIterable, Sendable, Hashable {
    case peers = "Peers"
    case pieces = "Pieces"
    case files = "Files"
    case trackers = "Trackers"
    case health = "Health"
}

/// Where arrow keys go.
public enum Focus: Sendable, Hashable {
    case list
    case detail
}

/// A line of text being typed at the bottom of the screen.
public struct Prompt: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case filter
        case add
        /// Where to move this torrent's data.
        case move(TorrentID, name: String)
        /// Download and upload limits, `down/up`, of one torrent, or of all when the id is nil.
        case limits(TorrentID?, name: String)
        /// Seeding limits of one torrent, `ratio/minutes`.
        case seedLimits(TorrentID, name: String)
        /// Connected peers of one torrent at most: a number, or `-` for all torrents' limit.
        case maxPeers(TorrentID, name: String)
        /// The folder to save an add in (the add prompt's text and options come along).
        case saveIn(UICommand.AddSource, paused: Bool, stopAfterMetadata: Bool)
        /// Options of all torrents: `name=value` pairs.
        case sessionOptions
    }

    public var kind: Kind
    public var text: String
    /// Add prompt options: add it paused; a magnet link pauses once its metadata is in.
    public var paused = false
    public var stopAfterMetadata = false
    /// Add prompt option: Enter asks for the folder to save in.
    public var choosesDirectory = false
    /// Completion candidates shown under the prompt after Tab.
    public var candidates: [String] = []

    public init(kind: Kind, text: String = "") {
        self.kind = kind
        self.text = text
    }
}

/// A yes/no question; `y` runs `command`.
public struct Confirmation: Sendable, Hashable {
    public var question: String
    public var command: UICommand
    /// Shown in the error role: removing data.
    public var isDangerous: Bool
    /// What `n` runs instead of cancelling (quitting an attached UI: `n` leaves the engine running).
    public var alternative: UICommand?
}

/// What has the keyboard.
public enum Mode: Sendable, Hashable {
    case normal
    case help(scroll: Int)
    case prompt(Prompt)
    case confirm(Confirmation)
}

/// A line in the status bar.
public struct StatusMessage: Sendable, Hashable {
    public var text: String
    public var isError: Bool

    public init(_ text: String, isError: Bool = true) {
        self.text = text
        self.isError = isError
    }
}

/// Everything the UI remembers between frames. A value: the reducer returns a new one.
public struct UIState: Sendable, Hashable {
    public var size: Size
    public var mode: Mode = .normal
    public var focus: Focus = .list
    public var tab: DetailTab = .peers
    public var view: ListView = .all
    public var sort: SortKey = .number
    public var sortDescending = false
    public var filter = ""
    public var selectedID: TorrentID?
    /// First visible row of the list.
    public var listTop = 0
    /// Selected row inside the current detail tab (peers, files, trackers).
    public var detailRow = 0
    public var status: StatusMessage?
    public var keys = KeyBindings.standard

    public init(size: Size, keys: KeyBindings = .standard) {
        self.size = size
        self.keys = keys
    }
}
