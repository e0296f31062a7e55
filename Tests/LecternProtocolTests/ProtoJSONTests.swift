import Foundation
import Testing
@testable import LecternProtocol

@Suite("ProtoJSON")
struct ProtoJSONTests {
    private func object(_ json: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
    }

    @Test("scalars, strings, bytes, optionals and nested messages by their .proto names")
    func scalars() throws {
        let update = ActivityUpdate.with {
            $0.cursor = "42"
            $0.committedAtMs = -5
            $0.update = .event(Event.with {
                $0.id = 7; $0.type = "päge \"view\"\n"; $0.payload = [0, 1, 255]; $0.progress = 0.5; $0.sequence = UInt64.max
            })
        }
        let json = try object(ProtoJSON.string(update))
        #expect(json["cursor"] as? String == "42" && json["committed_at_ms"] as? Int == -5)
        let event = try #require(json["event"] as? [String: Any])
        #expect(event["id"] as? Int == 7 && event["type"] as? String == "päge \"view\"\n")
        #expect(event["payload"] as? String == Data([0, 1, 255]).base64EncodedString() && event["progress"] as? Double == 0.5)
        #expect((event["sequence"] as? NSNumber)?.uint64Value == UInt64.max)
        #expect(json["presence"] == nil, "a oneof member that is not set is left out")
    }

    @Test("packed repeated numbers and enums by name; maps as objects")
    func repeatedAndMaps() throws {
        let request = WatchRequest.with { $0.readerIDs = [1, -2, 300]; $0.kinds = [.event, .presence, ActivityKind(rawValue: 99)] }
        let json = try object(ProtoJSON.string(request))
        #expect(json["reader_ids"] as? [Int] == [1, -2, 300])
        #expect(json["kinds"] as? [String] == ["ACTIVITY_KIND_EVENT", "ACTIVITY_KIND_PRESENCE", "99"])
        let stats = StatsResponse.with { $0.rows = ["events": 3, "readers": 0]; $0.pageSize = 4096 }
        let statsJSON = try object(ProtoJSON.string(stats))
        #expect(statsJSON["rows"] as? [String: Int] == ["events": 3, "readers": 0] && statsJSON["page_size"] as? Int == 4096)
    }
}
