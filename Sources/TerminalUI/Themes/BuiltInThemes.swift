/// The three built-in themes, embedded so Swarm has colors wherever it runs from. Generated from
/// `Themes/*.theme`; a test keeps the two identical.
enum BuiltInThemes {
    static let all: [(name: String, text: String)] = [("dark", dark), ("light", light), ("16color", sixteenColor)]

    static let dark = """
    # Swarm theme "dark": for dark backgrounds on 256-color terminals.
    #
    # One setting a line:   role = [attributes] [foreground] [on background]
    #   attributes  bold, dim, underline, reverse, italic
    #   colors      default (the terminal's own), black, red, green, yellow, blue, magenta, cyan, white,
    #               bright-black ... bright-white, 0-255 (the xterm palette), #rrggbb (nearest palette entry)
    #   base = NAME  (first line) starts from another theme, so a file may change single roles.
    # A comment starts with "# " or with a "#" opening the line. Roles left out look like `normal`.
    # On 16- and 8-color terminals each color becomes the nearest one the terminal has; without color only
    # the attributes remain.

    normal            = default
    dim               = 245
    title             = bold 231 on 24
    header            = bold 250
    border            = 240
    selection         = bold 231 on 238
    tab.active        = bold 231 on 24
    tab.inactive      = 246
    status            = 252 on 236
    status.error      = bold 231 on 124
    key               = bold 117
    prompt            = bold 221
    warning           = 214
    ok                = 114

    # Torrent states
    downloading       = 81
    seeding           = 114
    paused            = 246
    queued            = 180
    checking          = 221
    error             = bold 203

    # Bars, the pieces map and graphs
    progress.done     = 75
    progress.todo     = 238
    piece.have        = 75
    piece.downloading = bold 221
    piece.missing     = 240

    # Missing pieces by how many connected peers have them: none, 1, 2, 3-4, 5-8, 9 or more
    availability.0    = 196
    availability.1    = 208
    availability.2    = 220
    availability.3    = 148
    availability.4    = 113
    availability.5    = 41

    graph.down        = 81
    graph.up          = 213
    """

    static let light = """
    # Swarm theme "light": for light backgrounds on 256-color terminals.
    # Format: see dark.theme (role = [attributes] [foreground] [on background]).

    normal            = default
    dim               = 244
    title             = bold 255 on 25
    header            = bold 238
    border            = 250
    selection         = 16 on 153
    tab.active        = bold 255 on 25
    tab.inactive      = 242
    status            = 236 on 253
    status.error      = bold 255 on 160
    key               = bold 25
    prompt            = bold 130
    warning           = 166
    ok                = 28

    # Torrent states
    downloading       = 25
    seeding           = 28
    paused            = 244
    queued            = 94
    checking          = 130
    error             = bold 160

    # Bars, the pieces map and graphs
    progress.done     = 32
    progress.todo     = 252
    piece.have        = 32
    piece.downloading = bold 166
    piece.missing     = 250

    # Missing pieces by how many connected peers have them: none, 1, 2, 3-4, 5-8, 9 or more
    availability.0    = 160
    availability.1    = 166
    availability.2    = 136
    availability.3    = 100
    availability.4    = 64
    availability.5    = 28

    graph.down        = 25
    graph.up          = 127
    """

    static let sixteenColor = """
    # Swarm theme "16color": only the 16 basic colors, for the Linux console, screen and 16-color terminals.
    # Format: see dark.theme (role = [attributes] [foreground] [on background]).

    normal            = default
    dim               = bright-black
    title             = bold bright-white on blue
    header            = bold
    border            = bright-black
    selection         = reverse
    tab.active        = bold reverse
    tab.inactive      = default
    status            = black on white
    status.error      = bold bright-white on red
    key               = bold cyan
    prompt            = bold yellow
    warning           = yellow
    ok                = green

    # Torrent states
    downloading       = cyan
    seeding           = green
    paused            = bright-black
    queued            = magenta
    checking          = yellow
    error             = bold red

    # Bars, the pieces map and graphs
    progress.done     = blue
    progress.todo     = bright-black
    piece.have        = blue
    piece.downloading = bold yellow
    piece.missing     = bright-black

    # Missing pieces by how many connected peers have them: none, 1, 2, 3-4, 5-8, 9 or more
    availability.0    = bright-red
    availability.1    = red
    availability.2    = yellow
    availability.3    = bright-yellow
    availability.4    = green
    availability.5    = bright-green

    graph.down        = cyan
    graph.up          = magenta
    """
}
