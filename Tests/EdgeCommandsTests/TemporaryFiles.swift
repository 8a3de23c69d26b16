import Foundation

/// A scratch directory for one test, removed when the value is released.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "edge-commands-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `text` to `name` in the directory and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let filePath = path + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: filePath))
        return filePath
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Raw byte writes for files that are not text.
enum FileManagerShim {
    static func write(_ bytes: [UInt8], to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    }
}
