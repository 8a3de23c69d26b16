import Foundation
import Gateway
import SQLite
import System
import Testing

struct EdgeStoreTests {
    @Test func createsAPrivateStateDirectoryWithParents() throws {
        let directory = try StorageTestDirectory()
        let state = directory.path + "/nested/state/"
        let store = try EdgeStore(stateDirectory: state)
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.path + "/nested/state")
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o700)
        #expect(FileManager.default.fileExists(atPath: directory.path + "/nested/state/" + EdgeStore.fileName))
        #expect(store.database.path.hasSuffix("/nested/state/edge.sqlite3"))
    }

    @Test func appliesEveryMigration() throws {
        let store = try EdgeStore(database: Database.inMemory())
        #expect(try store.database.userVersion() == EdgeStore.migrations.last?.version)
        let tables = try store.database.read { connection in
            try connection.query("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .compactMap { $0.text("name") }
        }
        #expect(
            tables == [
                "api_keys", "block_totals", "blocks", "completion_cache", "pins", "task_assignments", "task_pruned",
                "task_results", "tasks",
            ])
    }

    @Test func reopeningDoesNotReapplyMigrations() throws {
        let directory = try StorageTestDirectory()
        _ = try EdgeStore(stateDirectory: directory.path)
        let again = try EdgeStore(stateDirectory: directory.path)
        #expect(try again.database.migrate(EdgeStore.migrations) == [])
    }

    @Test func refusesAStateDirectoryThatIsAFile() throws {
        let directory = try StorageTestDirectory()
        let file = directory.path + "/plain-file"
        #expect(FileManager.default.createFile(atPath: file, contents: Data("x".utf8)))
        #expect(throws: EdgeStoreError.self) { try EdgeStore(stateDirectory: file) }
    }

    @Test func wallClockIsPlausible() {
        let now = WallClock.unixSeconds()
        #expect(now > 1_700_000_000)  // after 2023-11
        #expect(now < 4_102_444_800)  // before 2100
    }
}
