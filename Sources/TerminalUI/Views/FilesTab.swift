/// Files tab: each file's path, size, progress and priority.
enum FilesTab {
    static func draw(_ detail: TorrentDetail, state: UIState, into buffer: inout ScreenBuffer, rect: Rect) {
        guard let files = detail.files else {
            buffer.write("  The file list is not available for this torrent yet.", x: rect.x, y: rect.y + 1,
                role: .dim, limit: rect.maxX)
            return
        }
        let top = DetailScroll.top(selected: state.detailRow, count: files.count, rows: rect.height - 1)
        Table.draw(files, columns: columns, into: &buffer, rect: rect.inset(columns: 2),
            selected: state.focus == .detail ? state.detailRow : nil, top: top)
    }

    static var columns: [TableColumn<FileRow>] {
        [
            .text("Path", width: 16, flex: 1, keep: 100) { $0.path },
            .text("Size", width: 8, right: true, keep: 80) { Units.bytes($0.size) },
            TableColumn("Progress", width: 10, keep: 50) { row, width in Glyphs.progressBar(row.progress, width: width) },
            .text("Done", width: 4, right: true, keep: 90) { Units.percent($0.progress) },
            .text("Priority", width: 8, keep: 70, role: { $0.priority == .skip ? .dim : .normal }) { $0.priority.label },
        ]
    }
}
