/// Why the terminal could not be opened.
public enum CursesError: Error, CustomStringConvertible, Sendable {
    case noTerminalType
    case unknownTerminal(String)
    case notATerminal

    public var description: String {
        switch self {
        case .noTerminalType:
            "TERM is not set, so Swarm cannot tell how to draw on this terminal. Set it (for example "
                + "TERM=xterm-256color) and try again."
        case .unknownTerminal(let name):
            "Unknown terminal type TERM=\(name.terminalSafe): no terminfo entry describes it. Try "
                + "TERM=xterm-256color, or install its terminfo (ncurses-term)."
        case .notATerminal:
            "Standard input and output must be a terminal for the full-screen UI."
        }
    }
}

extension String {
    var terminalSafe: String { String(unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? "?" : Character($0) }) }
}
