import Foundation
import Hashing
import System
import TestSupport
import Testing

@testable import Cache

/// `TarFormat` archives read back by Python's tarfile, the reader ipfshttpclient extracts `ipfs get` with.
@Suite struct TarFormatTests {
    /// One archive entry: its name, kind and (for files) bytes.
    struct Entry {
        var name: String
        var kind: TarFormat.Kind
        var data: [UInt8] = []
    }

    static func archive(_ entries: [Entry]) throws -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            out += try TarFormat.header(name: entry.name, kind: entry.kind)
            if case .file(let size) = entry.kind {
                out += entry.data
                out += TarFormat.padding(afterFileOf: size)
            }
        }
        return out + TarFormat.end
    }

    static func file(_ name: String, _ data: [UInt8]) -> Entry {
        Entry(name: name, kind: .file(size: UInt64(data.count)), data: data)
    }

    @Test func pythonReadsWhatWeWrite() async throws {
        let longDirectory = String(repeating: "d", count: 90) + "/" + String(repeating: "e", count: 40)
        let archives: [[Entry]] = [
            [Self.file("hello.txt", Array("hello world".utf8))],
            [
                Entry(name: "root", kind: .directory), Self.file("root/empty", []),
                Self.file("root/block", [UInt8](repeating: 7, count: 512)),
                Self.file("root/odd", (0..<1025).map { UInt8($0 % 251) }),
                Entry(name: "root/link", kind: .symlink(target: "block")),
            ],
            // 131 + 9 bytes: fits ustar only split into prefix and name.
            [Self.file(longDirectory + "/file.txt", [1, 2, 3])],
            // Too long for ustar: a pax `path` record; a long symlink target: a pax `linkpath` record.
            [
                Self.file(String(repeating: "x", count: 300), [9]),
                Entry(name: "l", kind: .symlink(target: String(repeating: "t/", count: 120))),
                Self.file("ünïcødé-名前.txt", [0]),
            ],
        ]
        let answer = try await TestPython.ask(
            "Tests/CacheTests/Fixtures/tar_reference.py",
            ["archives": try archives.map { try Self.archive($0).hexString }])
        let read = try #require(answer["members"] as? [Any])
        try #require(read.count == archives.count)
        for (entries, members) in zip(archives, read) {
            let members = try #require(members as? [[String: Any]], "tarfile refused it: \(members)")
            try #require(members.count == entries.count)
            for (entry, member) in zip(entries, members) {
                #expect(member["name"] as? String == entry.name)
                switch entry.kind {
                case .file(let size):
                    #expect(member["type"] as? String == "0")
                    #expect(member["size"] as? Int == Int(size))
                    #expect(member["data"] as? String == entry.data.hexString)
                    #expect(member["mode"] as? Int == 0o644)
                case .directory:
                    #expect(member["type"] as? String == "5")
                    #expect(member["mode"] as? Int == 0o755)
                case .symlink(let target):
                    #expect(member["type"] as? String == "2")
                    #expect(member["linkname"] as? String == target)
                }
            }
        }
    }

    @Test(arguments: ["", "/etc/passwd", "..", "a/../b", "./a", "a//b", "a/.", "nul\u{0}byte"])
    func refusesNamesThatEscapeTheFolder(name: String) {
        #expect(throws: TarError.invalidName(name)) { try TarFormat.header(name: name, kind: .file(size: 0)) }
    }

    @Test func headersAreWholeRecordsWithAValidChecksum() throws {
        let header = try TarFormat.header(name: "a", kind: .file(size: 5))
        #expect(header.count == 512)
        var unsummed = header
        for index in 148..<156 { unsummed[index] = 0x20 }
        let sum = unsummed.reduce(0) { $0 + Int($1) }
        #expect(Array(header[148..<156]) == Array((String(sum, radix: 8).leftPadded(to: 6) + "\u{0} ").utf8))
        #expect(TarFormat.padding(afterFileOf: 5).count == 507)
        #expect(TarFormat.padding(afterFileOf: 1024).isEmpty)
    }

    @Test func sizesPastElevenOctalDigitsGoInAPaxRecord() throws {
        let size: UInt64 = 1 << 34
        let header = try TarFormat.header(name: "big", kind: .file(size: size))
        #expect(header.count == 3 * 512)  // pax header, its records, then the ustar header
        let records = String(decoding: header[512..<1024].prefix { $0 != 0 }, as: UTF8.self)
        #expect(records == "\(" size=\(size)\n".utf8.count + 2) size=\(size)\n")
    }

    @Test(arguments: [1, 5, 89, 90, 91, 94, 95, 96, 990, 995, 996, 997])
    func paxRecordLengthsCountThemselves(valueLength: Int) {
        let record = TarFormat.paxRecords([("path", String(repeating: "p", count: valueLength))])
        let text = String(decoding: record, as: UTF8.self)
        let length = Int(text.prefix { $0 != " " })
        #expect(length == record.count)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
