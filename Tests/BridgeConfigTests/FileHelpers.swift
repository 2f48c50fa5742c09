import Foundation

extension String {
    func write(toFile path: String) throws {
        try self.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

func removeFile(_ path: String) {
    try? FileManager.default.removeItem(atPath: path)
}
