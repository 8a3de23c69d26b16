import LightClient

/// ABI-decoding of 10,000 event logs (half ERC-20 `Transfer`, half an event with a string and a dynamic array),
/// topics and data checked strictly, as the event watcher will decode them.
func runABILogBenchmark() {
    var generator = BenchRandom(seed: 0x6c6f_6773)
    func word() -> [UInt8] { (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
    func addressTopic() -> [UInt8] { [UInt8](repeating: 0, count: 12) + word().prefix(20) }
    guard let transfer = try? ABIEvent(signature: "Transfer(address indexed from, address indexed to, uint256 value)"),
        let note = try? ABIEvent(signature: "Note(address indexed from, string text, uint256[] values)")
    else { fatalError("benchmark event signatures do not parse") }
    var logs: [(event: ABIEvent, topics: [[UInt8]], data: [UInt8])] = []
    for index in 0..<10_000 {
        if index % 2 == 0 {
            logs.append((transfer, [transfer.topic, addressTopic(), addressTopic()], word()))
        } else {
            let text = String(repeating: "x", count: Int(generator.next() % 100))
            let values = (0..<Int(generator.next() % 6)).map { _ in ABIValue.uint(UInt256(generator.next())) }
            guard let data = try? ABI.encode([.string(text), .array(values)], as: [.string, .array(.uint(bits: 256))])
            else { fatalError("benchmark data does not encode") }
            logs.append((note, [note.topic, addressTopic()], data))
        }
    }
    var rates: [Double] = []
    for _ in 0..<7 {
        var decoded = 0
        let seconds = measureSeconds {
            for log in logs where (try? log.event.decodeLog(topics: log.topics, data: log.data)) != nil {
                decoded += 1
            }
        }
        precondition(decoded == logs.count, "a valid log failed to decode")
        rates.append(Double(logs.count) / seconds)
    }
    print("ABI log decoding: \(format(median(rates), digits: 0)) logs/s (10,000 logs, median of \(rates.count))")
}
