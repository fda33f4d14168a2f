import TerminalUI
import XCTest

/// A magnet link whose metadata is being fetched: the list shows the metadata's progress, never "done".
final class FetchingMetadataRowTests: XCTestCase {
    func testRowShowsMetadataProgressAndIsNotComplete() {
        let row = TorrentRow(
            id: TorrentID("ab"), name: "from a magnet", number: 1, size: 0, bytesDone: 0,
            state: .fetchingMetadata(progress: 0.25))
        XCTAssertEqual(row.progress, 0.25)
        XCTAssertFalse(row.isComplete, "size 0 must not read as complete")
        XCTAssertNil(row.etaSeconds)
        XCTAssertEqual(row.state.label, "Metadata")
        XCTAssertTrue(row.state.isTransferring)
    }

    func testPausedBeforeTheMetadataArrivedIsNotDone() {
        let row = TorrentRow(
            id: TorrentID("ab"), name: "m", number: 1, size: 0, bytesDone: 0, state: .paused, awaitingMetadata: true)
        XCTAssertEqual(row.progress, 0)
        XCTAssertFalse(row.isComplete)
        XCTAssertEqual(row.state.label, "Paused")
    }

    func testHealthTabSaysTheMetadataIsComing() {
        let row = TorrentRow(
            id: TorrentID("ab"), name: "m", number: 1, size: 0, bytesDone: 0, state: .fetchingMetadata(progress: 0.5))
        let notes = HealthAdvisor.notes(row, TorrentDetail(id: row.id, status: "looking for peers: 2 known, none connected"))
        XCTAssertTrue(notes.contains { $0.text.hasPrefix("Fetching metadata from peers (50%)") }, "\(notes)")
        XCTAssertTrue(notes.contains { $0.text == "Now: looking for peers: 2 known, none connected." }, "\(notes)")
    }
}
