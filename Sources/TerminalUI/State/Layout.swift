/// Where each part of the screen goes for a size. Pure: the renderer draws into these rectangles and the
/// reducer uses them for paging and mouse clicks.
public struct Layout: Sendable, Hashable {
    /// Below this the screen shows only a short message.
    public static let minimum = Size(width: 40, height: 8)
    /// Below this height the detail pane is hidden.
    public static let detailMinimumHeight = 16

    public var size: Size
    public var header: Rect
    /// The list including its column-title row.
    public var list: Rect
    public var tabBar: Rect?
    public var detail: Rect?
    public var status: Rect
    /// Rows holding horizontal rules.
    public var rules: [Int]

    public var isTooSmall: Bool { size.width < Layout.minimum.width || size.height < Layout.minimum.height }

    /// Rows of torrents the list shows at once.
    public var listRows: Int { max(0, list.height - 1) }

    /// The layout for `size` when the list holds `rowCount` torrents: the list takes what it needs up to
    /// 45% of the room, never fewer than three rows; the detail gets the rest.
    public init(size: Size, rowCount: Int) {
        self.size = size
        let w = size.width
        let h = size.height
        header = Rect(x: 0, y: 0, width: w, height: 1)
        status = Rect(x: 0, y: max(0, h - 1), width: w, height: 1)
        if h < Layout.detailMinimumHeight {
            list = Rect(x: 0, y: 2, width: w, height: h - 3)
            tabBar = nil
            detail = nil
            rules = [1]
            return
        }
        let room = h - 6
        let wanted = max(3, rowCount) + 1
        let listHeight = min(wanted, max(4, room * 45 / 100))
        list = Rect(x: 0, y: 2, width: w, height: listHeight)
        let ruleBelowList = list.maxY
        tabBar = Rect(x: 0, y: ruleBelowList + 1, width: w, height: 1)
        detail = Rect(x: 0, y: ruleBelowList + 2, width: w, height: h - 1 - (ruleBelowList + 2))
        rules = [1, ruleBelowList]
    }
}
