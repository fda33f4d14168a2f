import Testing

@testable import Strategy

@Suite struct QueuePlannerTests {
    typealias Entry = QueuePlanner.Entry<String>

    private func entry(_ id: String, priority: Int = 0, _ position: Int, complete: Bool = false, wants: Bool = true)
        -> Entry
    {
        Entry(id: id, priority: priority, position: position, isComplete: complete, wantsToRun: wants)
    }

    @Test func withoutLimitsEverythingThatWantsToRunRuns() {
        let planner = QueuePlanner()
        let allowed = planner.allowed([entry("a", 0), entry("b", 1), entry("c", 2, wants: false)])
        #expect(allowed == ["a", "b"])
    }

    @Test func downloadsTakeSlotsInTheOrderTheyWereAdded() {
        let planner = QueuePlanner(maxActiveDownloads: 2)
        #expect(planner.allowed([entry("a", 0), entry("b", 1), entry("c", 2)]) == ["a", "b"])
    }

    @Test func higherPriorityGoesFirst() {
        let planner = QueuePlanner(maxActiveDownloads: 1)
        #expect(planner.allowed([entry("a", 0), entry("b", priority: 1, 1), entry("c", priority: -1, 2)]) == ["b"])
    }

    @Test func pausedTorrentsTakeNoSlot() {
        let planner = QueuePlanner(maxActiveDownloads: 1)
        #expect(planner.allowed([entry("a", 0, wants: false), entry("b", 1)]) == ["b"])
    }

    @Test func seedsAndDownloadsHaveSeparateLimits() {
        let planner = QueuePlanner(maxActiveDownloads: 1, maxActiveSeeds: 1)
        let allowed = planner.allowed([
            entry("s1", 0, complete: true), entry("d1", 1), entry("s2", 2, complete: true), entry("d2", 3),
        ])
        #expect(allowed == ["s1", "d1"])
    }

    @Test func zeroSlotsQueueEverything() {
        let planner = QueuePlanner(maxActiveDownloads: 0, maxActiveSeeds: nil)
        #expect(planner.allowed([entry("d", 0), entry("s", 1, complete: true)]) == ["s"])
    }
}
