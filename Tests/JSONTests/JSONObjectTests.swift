import JSON
import Testing

struct JSONObjectTests {
    @Test func keepsInsertionOrderAndReplacesInPlace() {
        var object: JSONObject = ["b": 1, "a": 2]
        object["c"] = 3
        object["b"] = "replaced"
        #expect(object.keys == ["b", "a", "c"])
        #expect(object.values == ["replaced", 2, 3])
        #expect(object.count == 3)
        #expect(!object.isEmpty)
        #expect(object.map(\.key) == ["b", "a", "c"])
        #expect(object["a"] == 2)
        #expect(object["missing"] == nil)
    }

    @Test func literalWithRepeatedKeyKeepsFirstPositionLastValue() {
        let object: JSONObject = ["x": 1, "y": 2, "x": 3]
        #expect(object.keys == ["x", "y"])
        #expect(object["x"] == 3)
    }

    @Test func objectsAroundTheIndexThresholdKeepOrderAndLastValue() throws {
        // 12, 17 and 20 members: below and above the threshold, each with a repeated key.
        for count in [12, 17, 20] {
            let text = "{" + (0..<count).map { "\"k\($0)\":\($0)," }.joined() + #""k3":"last"}"#
            guard case .object(let object) = try JSONValue.parse(text) else {
                Issue.record("not an object")
                return
            }
            #expect(object.keys == (0..<count).map { "k\($0)" })
            #expect(object["k3"] == "last")
            #expect(object["k\(count - 1)"] == .int(Int64(count - 1)))
            #expect(object["absent"] == nil)
        }
        let literal: JSONValue = ["a": 1, "b": 2, "a": 3]
        #expect(literal.serialized() == #"{"a":3,"b":2}"#)
    }

    @Test func assigningNilRemoves() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = nil
        object["zzz"] = nil
        #expect(object.keys == ["a", "c"])
        #expect(object["b"] == nil)
        object["a"] = nil
        object["c"] = nil
        #expect(object.isEmpty)
        #expect(object == JSONObject())
    }

    @Test func lookupStaysCorrectAcrossTheIndexThreshold() {
        var object = JSONObject()
        for number in 0..<2_000 {
            object["k\(number)"] = .int(Int64(number))
            #expect(object["k\(number / 2)"] == .int(Int64(number / 2)))
        }
        object["k5"] = nil
        object["k1999"] = .null
        object["new"] = true
        #expect(object.count == 2_000)
        #expect(object.keys.first == "k0")
        #expect(object.keys[5] == "k6")
        #expect(object.keys.last == "new")
        for number in 0..<1_999 where number != 5 {
            #expect(object["k\(number)"] == .int(Int64(number)), "k\(number)")
        }
        #expect(object["k5"] == nil)
        #expect(object["k1999"] == .null)
        for number in 0..<1_995 {
            object["k\(number)"] = nil
        }
        #expect(object.keys == ["k1995", "k1996", "k1997", "k1998", "k1999", "new"])
        #expect(object["k1997"] == 1997)
        #expect(object["k3"] == nil)
    }

    @Test func equalityAndHashingAreOrderSensitiveAndIgnoreTheIndex() {
        let ab: JSONObject = ["a": 1, "b": 2]
        let ba: JSONObject = ["b": 2, "a": 1]
        #expect(ab != ba)
        var shrunk = JSONObject()
        for number in 0..<10 {
            shrunk["k\(number)"] = .int(Int64(number))
        }
        shrunk["k8"] = nil
        shrunk["k9"] = nil
        var small = JSONObject()
        for number in 0..<8 {
            small["k\(number)"] = .int(Int64(number))
        }
        #expect(shrunk == small)
        #expect(shrunk.hashValue == small.hashValue)
        #expect(Set([JSONValue.object(shrunk), .object(small)]).count == 1)
    }
}
