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

/// The live code's wait between codes, under the test's control: each sleep
/// waits until ``elapse()`` moves the clock by its length and lets it end.
final class SteppedSleep: @unchecked Sendable {
    let clock: FixedClock
    private let lock = NSLock()
    private var waiting: (seconds: Int64, continuation: CheckedContinuation<Void, Error>)?

    init(_ clock: FixedClock) { self.clock = clock }

    var sleep: LivePresentations.Sleep {
        { [self] seconds in try await wait(seconds) }
    }

    private func park(_ seconds: Int64, _ continuation: CheckedContinuation<Void, Error>) {
        lock.lock()
        waiting = (seconds, continuation)
        lock.unlock()
    }

    private func take() -> (seconds: Int64, continuation: CheckedContinuation<Void, Error>)? {
        lock.lock()
        defer { lock.unlock() }
        let parked = waiting
        waiting = nil
        return parked
    }

    private func wait(_ seconds: Int64) async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                park(seconds, continuation)
            }
        } onCancel: {
            take()?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Whether a sleep is waiting.
    var isWaiting: Bool {
        lock.lock()
        defer { lock.unlock() }
        return waiting != nil
    }

    /// Waits for the next sleep, moves the clock by its length and ends it;
    /// returns its length.
    @discardableResult
    func elapse() async throws -> Int64 {
        try await until { self.isWaiting }
        guard let parked = take() else { throw CancellationError() }
        clock.advance(by: parked.seconds)
        parked.continuation.resume()
        return parked.seconds
    }
}

/// Waits (up to five seconds, letting other tasks run) until `condition` holds.
func until(_ condition: () -> Bool) async throws {
    for _ in 0 ..< 500 where !condition() {
        try await Task.sleep(nanoseconds: 10_000_000)
    }
}

/// A stand-in for the Secure Enclave key store: a pad until the holder
/// changes their enrolled biometrics, which deletes it.
final class FakeEnclave: KeychainKeyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var pad: [UInt8]?

    func changeEnrolledBiometrics() {
        lock.lock()
        pad = nil
        lock.unlock()
    }

    func encrypt(_ plaintext: Data) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        if pad == nil { pad = (0 ..< 64).map { _ in UInt8.random(in: .min ... .max) } }
        return Data(zip(plaintext, pad!).map { $0 ^ $1 })
    }

    func decrypt(_ ciphertext: Data, reason: String) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        guard let pad else { throw KeychainCallError.status(KeychainErrorMap.itemNotFound) }
        return Data(zip(ciphertext, pad).map { $0 ^ $1 })
    }

    func deleteKey() throws {
        changeEnrolledBiometrics()
    }
}
