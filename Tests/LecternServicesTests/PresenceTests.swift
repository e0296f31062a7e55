import Testing
@testable import LecternServices

@Suite("Presence")
struct PresenceTests {
    @Test("pages of the readers online come in the order of a full sort (most recently seen first, then by id), at any offset")
    func pagesFollowTheFullOrder() {
        let presence = Presence(windowMs: 30_000)
        // 2,000 readers seen at 500 distinct times (so many ties on time), in a scrambled order;
        // 100 more seen long ago, outside the window.
        for n in 0..<2_000 {
            let readerID = Int64((n * 7_919) % 2_000 + 1)
            _ = presence.heartbeat(readerID: readerID, clientSession: "s", nowMs: 100_000 + Int64((n * 31) % 500))
        }
        for readerID in 5_001...5_100 { _ = presence.heartbeat(readerID: Int64(readerID), clientSession: "s", nowMs: 1_000) }
        let now: Int64 = 100_600
        let all = presence.online(nowMs: now)
        #expect(all.total == 2_000)
        let expected = all.readers.map { ($0.lastSeenAtMs, $0.readerID) }
        #expect(expected.count == 2_000)
        #expect(zip(expected, expected.dropFirst()).allSatisfy { $0.0 > $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) })
        for (offset, limit) in [(0, 50), (50, 50), (1_950, 100), (0, 1), (700, 300), (1_999, 10), (2_000, 10), (0, 2_000)] {
            let page = presence.online(nowMs: now, offset: offset, limit: limit)
            #expect(page.total == 2_000)
            #expect(page.readers.map { ($0.lastSeenAtMs, $0.readerID) }.elementsEqual(expected.dropFirst(offset).prefix(limit)) { $0 == $1 },
                    "offset \(offset), limit \(limit)")
        }
    }

    @Test("a reader's sessions are capped: a made-up session per heartbeat replaces the one heard from longest ago")
    func sessionsPerReaderAreCapped() {
        let presence = Presence(windowMs: 30_000)
        let cap = Presence.maxSessionsPerReader
        #expect(presence.heartbeat(readerID: 1, clientSession: "tab", nowMs: 1_000) != nil)
        for n in 1..<cap { _ = presence.heartbeat(readerID: 1, clientSession: "made-up \(n)", nowMs: 1_000 + Int64(n)) }
        #expect(presence.online(nowMs: 2_000).readers.first?.sessions == cap)
        // One more replaces the oldest, the tab's first heartbeat; then 10,000 more made-up ones.
        _ = presence.heartbeat(readerID: 1, clientSession: "one more", nowMs: 5_000)
        #expect(presence.online(nowMs: 6_000).readers.first?.sessions == cap)
        for n in 0..<10_000 { _ = presence.heartbeat(readerID: 1, clientSession: "flood \(n)", nowMs: 5_000 + Int64(n)) }
        #expect(presence.online(nowMs: 16_000).readers.first?.sessions == cap)
        // Another reader is untouched, and the flooding reader is still one presence.
        #expect(presence.heartbeat(readerID: 2, clientSession: "tab", nowMs: 6_000) != nil)
        #expect(presence.online(nowMs: 6_000).total == 2)
    }
}
