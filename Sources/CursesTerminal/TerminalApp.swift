import Foundation
import TerminalUI

/// Options for `TerminalApp.run`.
public struct TerminalOptions: Sendable {
    /// A theme name or path; nil picks `dark` on 256-color terminals and `16color` elsewhere.
    public var theme: String?
    /// Single-role overrides applied over the theme (`["selection": "reverse"]`), from the config.
    public var roleOverrides: [String: String]
    /// Which keys do what (the config's `[keys]` table).
    public var keys: KeyBindings
    /// How often to ask the source for new data.
    public var refreshInterval: Duration
    /// How often keys are polled; the screen is redrawn at most this often.
    public var frameInterval: Duration
    public var themeLocator: ThemeLocator
    /// Polled every frame; true ends the UI as quitting does (SIGTERM, SIGINT sent from outside).
    public var stopRequested: @Sendable () -> Bool
    /// The UI shows a daemon's engine: `Q` detaches, `q` asks whether to stop the engine too.
    public var isAttached = false

    public init(
        theme: String? = nil, roleOverrides: [String: String] = [:], keys: KeyBindings = .standard, refreshInterval: Duration = .milliseconds(250),
        frameInterval: Duration = .milliseconds(33), themeLocator: ThemeLocator = .standard(),
        stopRequested: @escaping @Sendable () -> Bool = { false }, isAttached: Bool = false
    ) {
        self.stopRequested = stopRequested
        self.isAttached = isAttached
        self.theme = theme
        self.roleOverrides = roleOverrides
        self.keys = keys
        self.refreshInterval = refreshInterval
        self.frameInterval = frameInterval
        self.themeLocator = themeLocator
    }
}

/// The full-screen UI over any `SnapshotSource` and `CommandSink`. Wiring it to the engine:
///
///     struct SessionCommands: CommandSink {
///         let session: Session
///         func perform(_ command: UICommand) async -> String? { ... }
///     }
///     try await TerminalApp.run(source: SnapshotFeed { await session.snapshots() },
///                               commands: SessionCommands(session: session))
///
/// Returns how the UI ended (quit, detach, or a stop request); the terminal is restored whatever happens. Throws `CursesError` when the
/// terminal cannot be opened and `ThemeError` for a broken theme (both before anything is drawn).
@MainActor
public enum TerminalApp {
    @discardableResult
    public static func run(
        source: some SnapshotSource, commands: some CommandSink, options: TerminalOptions = TerminalOptions()
    ) async throws -> TerminalExit {
        let requested = try options.theme.map { try loadTheme($0, options) }
        let screen = try CursesScreen()
        defer { screen.close() }
        screen.apply(try requested ?? loadTheme(ThemeLocator.defaultName(colors: screen.colors), options))
        var core = AppCore(size: screen.size, keys: options.keys, completePath: PathCompleter.complete, isAttached: options.isAttached)
        let mailbox = Mailbox()
        let pump = Task.detached {
            while !Task.isCancelled {
                let update = await source.update(selected: mailbox.selected)
                mailbox.post(update)
                try? await Task.sleep(for: options.refreshInterval)
            }
        }
        defer { pump.cancel() }
        let clock = ContinuousClock()
        let start = clock.now
        var dirty = true
        while !options.stopRequested() {
            for key in screen.readKeys() {
                dirty = true
                for command in core.handle(key) {
                    if command == .quit { return .quit }
                    if command == .detach { return .detach }
                    Task.detached {
                        if let problem = await commands.perform(command) { mailbox.report(problem) }
                    }
                }
            }
            if let update = mailbox.takeUpdate() {
                core.ingest(update, at: clock.now - start)
                dirty = true
            }
            for problem in mailbox.takeReports() {
                core.report(StatusMessage(problem))
                dirty = true
            }
            mailbox.selected = core.selectedID
            if dirty {
                screen.draw(core.render())
                dirty = false
            }
            try? await Task.sleep(for: options.frameInterval)
        }
        return .stopRequested
    }

    /// Loads a theme and applies the single-role overrides.
    public static func loadTheme(_ name: String, _ options: TerminalOptions) throws -> Theme {
        try options.themeLocator.load(name).overriding(options.roleOverrides, source: "theme overrides")
    }
}

/// How `TerminalApp.run` ended.
public enum TerminalExit: Sendable, Equatable {
    /// The user quit (and, attached, confirmed stopping the engine).
    case quit
    /// The user detached from the daemon, leaving it running.
    case detach
    /// `stopRequested` became true.
    case stopRequested
}

/// The hand-over between the background tasks and the UI loop: the latest update, messages from
/// commands, and the torrent the UI has selected.
final class Mailbox: @unchecked Sendable {
    private let lock = NSLock()
    private var update: SwarmUpdate?
    private var reports: [String] = []
    private var selectedID: TorrentID?

    var selected: TorrentID? {
        get { lock.withLock { selectedID } }
        set { lock.withLock { selectedID = newValue } }
    }

    func post(_ update: SwarmUpdate) { lock.withLock { self.update = update } }
    func report(_ message: String) { lock.withLock { reports.append(message) } }

    func takeUpdate() -> SwarmUpdate? {
        lock.withLock {
            defer { update = nil }
            return update
        }
    }

    func takeReports() -> [String] {
        lock.withLock {
            defer { reports = [] }
            return reports
        }
    }
}
