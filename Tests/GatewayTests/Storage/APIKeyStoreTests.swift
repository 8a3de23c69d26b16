import Foundation
import Gateway
import Hashing
import SQLite
import System
import Testing

struct APIKeyStoreTests {
    func makeStore() throws -> APIKeyStore {
        try EdgeStore(database: Database.inMemory()).apiKeys
    }

    @Test func createdKeyHasTheDocumentedShape() throws {
        let store = try makeStore()
        let (key, record) = try store.create(name: "ci runner", now: 123)
        #expect(key.hasPrefix("ce_"))
        #expect(key.utf8.count == 3 + 64)
        #expect(Hex.decode(String(key.dropFirst(3)), prefix: .forbidden)?.count == 32)
        #expect(record.prefix == String(key.prefix(8)))
        #expect(record.name == "ci runner")
        #expect(record.createdAt == 123)
        #expect(record.isActive)
        let (other, _) = try store.create(name: "second")
        #expect(other != key)
    }

    @Test func verifyAcceptsTheKeyAndRejectsEverythingElse() throws {
        let store = try makeStore()
        let (key, record) = try store.create(name: "app", now: 1)
        #expect(try store.verify(presented: key) == record)

        let lastIndex = key.index(before: key.endIndex)
        let flipped = String(key[..<lastIndex]) + (key.last == "0" ? "1" : "0")
        let wrongCandidates = [
            flipped, key.uppercased(), String(key.dropLast()), key + "0", "", "ce_", String(key.dropFirst(3)),
            "xx_" + key.dropFirst(3), " " + key, "ce_" + String(repeating: "0", count: 64),
        ]
        for candidate in wrongCandidates {
            #expect(try store.verify(presented: candidate) == nil, "accepted a wrong key of length \(candidate.count)")
        }
    }

    @Test func revokedKeysStopVerifying() throws {
        let store = try makeStore()
        let (kept, keptRecord) = try store.create(name: "kept", now: 1)
        let (revoked, revokedRecord) = try store.create(name: "revoked", now: 2)
        #expect(try store.revoke(prefix: revokedRecord.prefix, now: 3))
        #expect(try store.verify(presented: revoked) == nil)
        #expect(try store.verify(presented: kept) == keptRecord)
        #expect(try store.revoke(prefix: revokedRecord.prefix, now: 4) == false)
        #expect(try store.revoke(prefix: "ce_", now: 4) == false)
        #expect(try store.revoke(prefix: "ce_nope0", now: 4) == false)

        let listed = try store.list()
        #expect(listed.map(\.name) == ["kept", "revoked"])
        #expect(listed.map(\.revokedAt) == [nil, 3])
        #expect(listed.first == keptRecord)
    }

    @Test(arguments: ["", String(repeating: "n", count: 65), "tab\tname", "line\nbreak"])
    func rejectsBadNames(name: String) throws {
        let store = try makeStore()
        #expect(throws: APIKeyStoreError.invalidName(length: name.count)) { try store.create(name: name) }
        #expect(try store.list().isEmpty)
    }

    @Test func plaintextKeyNeverReachesTheDatabaseFiles() throws {
        let directory = try StorageTestDirectory()
        var keys: [String] = []
        do {
            let store = try EdgeStore(stateDirectory: directory.path)
            for index in 0..<5 {
                keys.append(try store.apiKeys.create(name: "key \(index)").key)
            }
            #expect(try store.apiKeys.verify(presented: keys[0]) != nil)
            try assertAbsent(keys, in: directory)  // while open: database, WAL and shared-memory files
        }
        try assertAbsent(keys, in: directory)  // after close and checkpoint
        let reopened = try EdgeStore(stateDirectory: directory.path)
        #expect(try reopened.apiKeys.verify(presented: keys[4])?.name == "key 4")
    }

    private func assertAbsent(_ keys: [String], in directory: StorageTestDirectory) throws {
        let files = try directory.allFileBytes()
        #expect(!files.isEmpty)
        for key in keys {
            let secretHex = Array(key.utf8.dropFirst(8))  // everything after the public prefix
            let secretBytes = try #require(Hex.decode(String(key.dropFirst(3)), prefix: .forbidden))
            // Positive control: the search does find what is stored, the key's SHA-256 hex.
            let storedHash = Array(SHA256.hash(key.utf8).hexString.utf8)
            #expect(files.contains { $0.containsBytes(storedHash) })
            for bytes in files {
                #expect(!bytes.containsBytes(Array(key.utf8)))
                #expect(!bytes.containsBytes(secretHex))
                #expect(!bytes.containsBytes(secretBytes))
            }
        }
    }
}
