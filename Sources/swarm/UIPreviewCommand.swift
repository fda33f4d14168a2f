import ArgumentParser
import CursesTerminal
import TerminalUI

/// `swarm ui-preview`: the full-screen UI over a make-believe swarm, to try the UI and themes without
/// the engine (and to drive it from tmux tests). Hidden: `swarm demo` is the real thing.
struct UIPreviewCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui-preview", abstract: "Show the terminal UI over a make-believe swarm.", shouldDisplay: false)

    @Option(help: "Theme name (dark, light, 16color) or path to a .theme file.")
    var theme: String?

    @MainActor
    func run() async throws {
        let signals = SignalWatcher()
        let swarm = PreviewSwarm()
        do {
            try await TerminalApp.run(source: swarm, commands: swarm, options: TerminalOptions(theme: theme, stopRequested: signals.stopCheck))
        } catch let error as CursesError {
            throw ValidationError(error.description)
        } catch let error as ThemeError {
            throw ValidationError(error.description)
        }
    }
}
