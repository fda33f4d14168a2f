import Engine

/// Keys while the help, a prompt or a question is open.
extension UIReducer {
    static func helpKey(_ s: inout UIState, _ key: Key, scroll: Int) {
        switch key {
        case .up, "k", .scrollUp: s.mode = .help(scroll: max(0, scroll - 1))
        case .down, "j", .scrollDown: s.mode = .help(scroll: scroll + 1)
        case .pageUp: s.mode = .help(scroll: max(0, scroll - 10))
        case .pageDown: s.mode = .help(scroll: scroll + 10)
        case .home: s.mode = .help(scroll: 0)
        default: s.mode = .normal
        }
    }

    static func promptKey(_ s: inout UIState, _ key: Key, _ prompt: Prompt, _ context: UIContext) -> [UICommand] {
        var p = prompt
        p.candidates = []
        // The add prompt's toggles; keys that type a character always type it.
        if p.kind == .add, !key.isCharacter, let action = s.keys.action(for: key), [.addPaused, .addMetadataOnly, .addTo].contains(action) {
            switch action {
            case .addPaused: p.paused.toggle()
            case .addMetadataOnly: p.stopAfterMetadata.toggle()
            default: p.choosesDirectory.toggle()
            }
            s.mode = .prompt(p)
            return []
        }
        switch key {
        case .character(let c):
            p.text.append(c)
        case .backspace, .delete:
            if !p.text.isEmpty { p.text.removeLast() }
        case .control("u"):
            p.text = ""
        case .escape:
            s.mode = .normal
            if p.kind == .filter { s.filter = "" }
            return []
        case .enter:
            s.mode = .normal
            return submit(&s, p)
        case .tab:
            let takesPaths: Bool
            switch p.kind {
            case .add, .move, .saveIn: takesPaths = true
            case .filter, .limits, .seedLimits, .sessionOptions, .maxPeers: takesPaths = false
            }
            guard takesPaths else {
                s.status = StatusMessage("Tab completes paths in the add and move prompts only.")
                break
            }
            complete(&p, &s, context)
        default:
            s.status = StatusMessage("Type text, Enter to accept, Esc to cancel.")
        }
        s.mode = .prompt(p)
        if p.kind == .filter { s.filter = p.text }
        return []
    }

    private static func submit(_ s: inout UIState, _ p: Prompt) -> [UICommand] {
        switch p.kind {
        case .filter:
            s.filter = p.text
            return []
        case .add:
            let typed = p.text.trimmingCharacters(in: " ")
            guard !typed.isEmpty else {
                s.status = StatusMessage("Nothing to add: type a .torrent path or a magnet link.")
                return []
            }
            let source = UICommand.AddSource(typed)
            var paused = p.paused
            var note = ""
            let isFile = if case .torrentFile = source { true } else { false }
            if paused {
                note = " paused"
            } else if p.stopAfterMetadata && isFile {
                // A torrent file has its metadata already: pausing gives the same chance to choose files.
                paused = true
                note = " paused (a torrent file has its metadata)"
            } else if p.stopAfterMetadata {
                note = ": it will pause once its metadata is in"
            }
            let stopAfterMetadata = p.stopAfterMetadata && !isFile
            if p.choosesDirectory {
                s.mode = .prompt(Prompt(kind: .saveIn(source, paused: paused, stopAfterMetadata: stopAfterMetadata)))
                return []
            }
            s.status = StatusMessage("Adding \(quoted(typed))\(note).", isError: false)
            return [.add(source, paused: paused, stopAfterMetadata: stopAfterMetadata)]
        case .sessionOptions:
            let (edits, problem) = SessionOption.parse(p.text)
            guard let edits else {
                s.status = StatusMessage("Options unchanged: \(problem ?? "nothing typed").")
                return []
            }
            s.status = StatusMessage("Options of all torrents: \(p.text.split(separator: " ").joined(separator: ", ")).", isError: false)
            return [.setSessionOptions(edits)]
        case .saveIn(let source, let paused, let stopAfterMetadata):
            let folder = p.text.trimmingCharacters(in: " ")
            let shown: String
            switch source {
            case .torrentFile(let path): shown = path
            case .magnet(let link): shown = link
            }
            s.status = StatusMessage(
                "Adding \(quoted(shown)) in \(folder.isEmpty ? "the download folder" : quoted(folder))\(paused ? ", paused" : "").",
                isError: false)
            return [.add(source, paused: paused, stopAfterMetadata: stopAfterMetadata, directory: folder.isEmpty ? nil : folder)]
        case .move(let id, let name):
            let typed = p.text.trimmingCharacters(in: " ")
            guard !typed.isEmpty else {
                s.status = StatusMessage("Nothing moved: type the directory to move \(quoted(name)) to.")
                return []
            }
            s.status = StatusMessage("Moving \(quoted(name)) to \(quoted(typed)).", isError: false)
            return [.move(id, directory: typed)]
        case .limits(let id, let name):
            guard let (down, up) = parseLimits(p.text) else {
                s.status = StatusMessage("Limits unchanged: type down/up such as 2M/512K, 0 for none (K, M, G; plain numbers are KiB/s).")
                return []
            }
            s.status = StatusMessage(
                "Limits of \(id == nil ? name : quoted(name)): down \(RateLimitInput.text(down)), up \(RateLimitInput.text(up)).",
                isError: false)
            return [.setRateLimits(id, download: down, upload: up)]
        case .seedLimits(let id, let name):
            guard let (ratio, seconds) = parseSeedLimits(p.text) else {
                s.status = StatusMessage("Seeding limits unchanged: type ratio/minutes such as 2/1440; - for all torrents' limit, none for no limit.")
                return []
            }
            s.status = StatusMessage("Seeding of \(quoted(name)) stops at \(seedLimitsText(ratio, seconds)) (ratio/minutes).", isError: false)
            return [.setSeedLimits(id, ratio: ratio, seconds: seconds)]
        case .maxPeers(let id, let name):
            guard let peers = parseMaxPeers(p.text) else {
                s.status = StatusMessage("Peer limit unchanged: type a whole number from 1, or - for all torrents' limit.")
                return []
            }
            s.status = StatusMessage(
                "Peers of \(quoted(name)): \(peers.map { "at most \($0)" } ?? "all torrents' limit").", isError: false)
            return [.setMaxPeers(id, peers)]
        }
    }

    /// Extends the path to the longest common prefix of the candidates and lists them when ambiguous.
    private static func complete(_ p: inout Prompt, _ s: inout UIState, _ context: UIContext) {
        if p.text.lowercased().hasPrefix("magnet:") {
            s.status = StatusMessage("Magnet links are not completed.")
            return
        }
        let candidates = context.completePath(p.text)
        guard let first = candidates.first else {
            s.status = StatusMessage("No file or folder starts with that.")
            return
        }
        var common = first
        for candidate in candidates.dropFirst() {
            while !candidate.hasPrefix(common) { common.removeLast() }
        }
        if common.count > p.text.count { p.text = common }
        if candidates.count > 1 { p.candidates = candidates }
    }

    static func confirmKey(_ s: inout UIState, _ key: Key, _ confirmation: Confirmation) -> [UICommand] {
        s.mode = .normal
        switch key {
        case "y", "Y":
            return [confirmation.command]
        case "n", "N":
            if let alternative = confirmation.alternative { return [alternative] }
            s.status = StatusMessage("Cancelled: nothing was changed.", isError: false)
            return []
        default:
            s.status = StatusMessage("Cancelled: nothing was changed.", isError: false)
            return []
        }
    }
}
