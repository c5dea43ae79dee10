import Foundation
import HawiyaKit

/// Keeps what the verifier remembers (the newest trust list version seen and
/// the codes it accepted recently) in a small file, so a code scanned before
/// the app was closed is still refused as a replay after it starts again.
/// It holds no personal data: hashes of signatures and times.
///
/// The same text format as the Android demo's `VerifierMemoryFile`:
/// ```
/// hawiya-verifier-memory 1
/// trust-list <version>
/// <64 hex digits: SHA-256 of a device signature> <presented at, Unix seconds>
/// ```
/// Saving writes a new file and renames it over the old one, so a crash
/// never leaves half a file. A missing, damaged or oversized file reads as
/// no memory (a first start), never as an error.
public struct VerifierMemoryFile {
    /// The file.
    public let url: URL
    private let protection: FileProtecting

    /// Files larger than this are not read (the verifier keeps a few minutes of codes).
    public static let maximumBytes = 1 << 20
    static let header = "hawiya-verifier-memory 1"

    /// The memory kept at `url`, protected by `protection` whenever it is written.
    public init(url: URL, protection: FileProtecting) {
        self.url = url
        self.protection = protection
    }

    /// What was saved, or `nil` when there is nothing readable.
    public func load() -> VerifierMemory? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
              attributes[.type] as? FileAttributeType == .typeRegular,
              let size = attributes[.size] as? NSNumber, size.intValue <= Self.maximumBytes,
              let data = try? Data(contentsOf: url),
              let text = String(data: data, encoding: .utf8)
        else { return nil }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        guard lines.count >= 2, lines.removeFirst() == Self.header else { return nil }
        let versionLine = lines.removeFirst()
        guard versionLine.hasPrefix("trust-list "),
              let version = UInt64(versionLine.dropFirst("trust-list ".count))
        else { return nil }
        var recent: [SeenPresentation] = []
        for line in lines {
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2, let hash = Self.bytes(hex: parts[0]), hash.count == 32,
                  let presentedAt = Int64(parts[1])
            else { return nil }
            recent.append(SeenPresentation(signatureHash: hash, presentedAt: presentedAt))
        }
        return VerifierMemory(trustListVersion: version, recent: recent)
    }

    /// Replaces the saved memory with `memory`.
    public func save(_ memory: VerifierMemory) throws {
        var text = "\(Self.header)\ntrust-list \(memory.trustListVersion)\n"
        for seen in memory.recent {
            text += seen.signatureHash.map { String(format: "%02x", $0) }.joined()
            text += " \(seen.presentedAt)\n"
        }
        try Data(text.utf8).write(to: url, options: .atomic)
        // A new file replaced the old one: protect it (again).
        try protection.protect(url)
    }

    private static func bytes(hex: Substring) -> Data? {
        guard hex.count % 2 == 0,
              hex.allSatisfy({ ("0" ... "9").contains($0) || ("a" ... "f").contains($0) })
        else { return nil }
        var data = Data(capacity: hex.count / 2)
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            guard let byte = UInt8(hex[index ..< next], radix: 16) else { return nil }
            data.append(byte)
            index = next
        }
        return data
    }
}
