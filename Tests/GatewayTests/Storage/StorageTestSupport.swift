import Foundation
import Gateway

/// A fresh directory for one storage test, removed when released.
final class StorageTestDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "edge-storage-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Every byte of every file in the directory tree (database, WAL and shared-memory files).
    func allFileBytes() throws -> [Data] {
        let names = try FileManager.default.subpathsOfDirectory(atPath: path)
        return try names.compactMap { name in
            let full = path + "/" + name
            let type = try FileManager.default.attributesOfItem(atPath: full)[.type] as? FileAttributeType
            guard type == .typeRegular else { return nil }
            return try Data(contentsOf: URL(fileURLWithPath: full))
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

extension Data {
    /// Whether `needle` occurs anywhere in these bytes.
    func containsBytes(_ needle: [UInt8]) -> Bool {
        range(of: Data(needle)) != nil
    }
}

/// A valid prompt hash for tests.
func promptHash(_ prompt: String) -> String {
    TaskStore.promptHash(of: prompt.utf8)
}
