import Testing

@testable import Strategy

/// The ranking, changed one torrent at a time or many at once, decides as `QueuePlanner.allowed` does
/// from scratch.
@Suite struct QueueRankingTests {
    typealias Ranking = QueueRanking<Int>

    /// What `allowed` decides for the same torrents: the queued ones it lets run, the running ones it does not.
    private func expected(_ items: [Ranking.Item], _ planner: QueuePlanner) -> (start: Set<Int>, queue: Set<Int>) {
        let allowed = planner.allowed(items.map {
            QueuePlanner.Entry(
                id: $0.id, priority: $0.priority, position: $0.place, isComplete: $0.isComplete, wantsToRun: $0.phase != .idle)
        })
        return (
            Set(items.filter { $0.phase == .queued && allowed.contains($0.id) }.map(\.id)),
            Set(items.filter { $0.phase == .running && !allowed.contains($0.id) }.map(\.id))
        )
    }

    @Test func matchesThePlannerAfterEveryKindOfChange() {
        var random = SplitMix64(seed: 7)
        var ranking = Ranking()
        var truth: [Int: Ranking.Item] = [:]
        let phases: [Ranking.Phase] = [.running, .queued, .idle]
        let planners = [
            QueuePlanner(), QueuePlanner(maxActiveDownloads: 2), QueuePlanner(maxActiveSeeds: 0),
            QueuePlanner(maxActiveDownloads: 3, maxActiveSeeds: 1),
        ]
        for step in 0..<3000 {
            let id = Int(random.next() % 60)
            var changes: [(id: Int, item: Ranking.Item?)] = []
            if random.next() % 5 == 0 {
                changes.append((id, nil))
            } else {
                // Places are each torrent's own; priorities and the rest change at will.
                changes.append((id, Ranking.Item(
                    id: id, priority: Int(random.next() % 3) - 1, place: id * 3 + (step % 7 == 0 ? 1 : 0),
                    isComplete: random.next() % 2 == 0, phase: phases[Int(random.next() % 3)])))
            }
            // Now and then a burst, merged with one sort.
            if step % 500 == 499 {
                for other in 0..<60 where other != id {
                    changes.append((other, Ranking.Item(
                        id: other, priority: 0, place: other * 3, isComplete: other % 2 == 0, phase: phases[other % 3])))
                }
            }
            if changes.count == 1, let item = changes[0].item { ranking.set(item) } else { ranking.apply(changes) }
            for (id, item) in changes { truth[id] = item }
            #expect(ranking.count == truth.count)
            for planner in planners {
                let (start, queue) = ranking.changes(under: planner)
                let want = expected(Array(truth.values), planner)
                #expect(Set(start) == want.start && Set(queue) == want.queue, "step \(step)")
            }
        }
    }

    @Test func keepsQueueOrderAndRemovesWhatItWasAsked() {
        var ranking = Ranking()
        for (id, priority) in [(1, 0), (2, 1), (3, 0), (4, -1)] {
            ranking.set(.init(id: id, priority: priority, place: id, isComplete: false, phase: .queued))
        }
        #expect(ranking.items.map(\.id) == [2, 1, 3, 4])
        ranking.remove(1)
        ranking.remove(9)
        #expect(ranking.items.map(\.id) == [2, 3, 4])
        #expect(ranking.changes(under: QueuePlanner(maxActiveDownloads: 2)).start == [2, 3])
    }
}
