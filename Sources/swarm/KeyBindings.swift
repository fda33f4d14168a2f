import SwarmConfig
import TerminalUI

/// The config file's `[keys]` as the UI takes them: each user key mapped to the built-in key of its action.
enum KeyBindings {
    static func uiKeys(_ bindings: [String: KeyBinding]) -> [Key: Key] {
        var keys: [Key: Key] = [:]
        for (action, binding) in bindings {
            guard let builtIn = KeyBinding.actions[action], builtIn != binding else { continue }
            keys[key(binding)] = key(builtIn)
        }
        return keys
    }

    static func key(_ binding: KeyBinding) -> Key {
        switch binding {
        case .character(let c): .character(c)
        case .control(let c): .control(c)
        case .named(let name):
            switch name {
            case "enter": .enter
            case "tab": .tab
            case "escape": .escape
            case "backspace": .backspace
            case "delete": .delete
            case "up": .up
            case "down": .down
            case "left": .left
            case "right": .right
            case "home": .home
            case "end": .end
            case "page_up": .pageUp
            case "page_down": .pageDown
            default: .character(" ")
            }
        }
    }
}
