import Foundation
import HawiyaKit
@testable import HawiyaDemoLogic

/// Stands in for the Keychain key source: wraps with a pad held in memory,
/// or refuses as Face ID does for a stranger, or cancels as the holder
/// dismissing the prompt.
final class TestKeySource: KeySource, @unchecked Sendable {
    private let pad: [UInt8] = (0 ..< 32).map { _ in UInt8.random(in: .min ... .max) }
    var refuse = false
    var cancel = false

    func wrap(dataKey: Data) throws -> Data {
        Data(zip(dataKey, pad).map { $0 ^ $1 })
    }

    func unwrap(wrapped: Data) throws -> Data {
        if refuse { throw KeySourceError.Rejected }
        if cancel { throw KeySourceError.Cancelled }
        return Data(zip(wrapped, pad).map { $0 ^ $1 })
    }
}

/// Stands in for iOS data protection: records what it was asked to
/// protect, or fails as told.
final class RecordingProtection: FileProtecting, @unchecked Sendable {
    private let lock = NSLock()
    private var names: [String] = []
    /// When set, protecting a file of this name fails.
    var failing: String?

    func protect(_ url: URL) throws {
        lock.lock()
        defer { lock.unlock() }
        if url.lastPathComponent == failing {
            throw CocoaError(.fileWriteNoPermission)
        }
        names.append(url.lastPathComponent)
    }

    /// The names protected so far, in order, and forgets them.
    func take() -> [String] {
        lock.lock()
        defer { lock.unlock() }
        defer { names = [] }
        return names
    }
}

/// A temporary folder with a demo wallet in it, on a fixed clock.
final class DemoWorld {
    static let start: Int64 = 1_800_000_000
    let clock = FixedClock(unixSeconds: DemoWorld.start)
    let keySource = TestKeySource()
    let protection = RecordingProtection()
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hawiya-demo-\(UUID().uuidString)")
    lazy var store = DemoStore(directory: directory, clock: clock, protection: protection)

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// What the models read as "now".
    var now: () -> Date {
        { [clock] in Date(timeIntervalSince1970: TimeInterval((try? clock.nowUnixSeconds()) ?? 0)) }
    }
}
