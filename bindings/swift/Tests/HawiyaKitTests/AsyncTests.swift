import Dispatch
import Foundation
import XCTest
import HawiyaKit

/// A clock that notes whether the wallet asked it the time on the main thread.
final class ThreadNotingClock: Clock, @unchecked Sendable {
    private let inner: FixedClock
    private let lock = NSLock()
    private(set) var callsOnMain = 0
    private(set) var calls = 0

    init(_ inner: FixedClock) { self.inner = inner }

    func nowUnixSeconds() throws -> Int64 {
        lock.lock()
        calls += 1
        if Thread.isMainThread { callsOnMain += 1 }
        lock.unlock()
        return try inner.nowUnixSeconds()
    }
}

/// A key source that notes whether it was called on the main thread.
final class ThreadNotingKeySource: KeySource, @unchecked Sendable {
    private let inner = MemoryKeySource()
    private let lock = NSLock()
    private(set) var callsOnMain = 0
    private(set) var calls = 0

    private func note() {
        lock.lock()
        calls += 1
        if Thread.isMainThread { callsOnMain += 1 }
        lock.unlock()
    }

    func wrap(dataKey: Data) throws -> Data {
        note()
        return try inner.wrap(dataKey: dataKey)
    }

    func unwrap(wrapped: Data) throws -> Data {
        note()
        return try inner.unwrap(wrapped: wrapped)
    }
}

final class AsyncTests: XCTestCase {
    /// Every async call, made from the main actor, runs its work elsewhere:
    /// the wallet reads its clock and calls its key source off the main thread.
    @MainActor
    func testAsyncCallsDoNotRunOnTheCallingMainThread() async throws {
        XCTAssertTrue(Thread.isMainThread, "the test itself runs on the main thread")
        let world = try World()
        let clock = ThreadNotingClock(world.clock)
        let source = ThreadNotingKeySource()
        let wallet = try await Wallet.create(at: world.walletPath("async"), keySource: source, clock: clock)
        let credential = try await offMain { try world.issue(World.nationalID(), to: wallet) }
        _ = try await wallet.importCredential(credential, trustList: world.trustList)
        let code = try await wallet.present(World.holderNumber, disclosure: .identity)
        XCTAssertTrue(try world.verifier().verify(qrText: code.qrText, challenge: nil).accepted)
        let backup = try await wallet.backup(passphrase: "another long backup passphrase")
        wallet.lock()
        _ = try await wallet.unlock(keySource: source)
        let renewed = try await offMain { try world.issue(World.nationalID(version: 2), to: wallet) }
        _ = try await wallet.renew(renewed, trustList: world.trustList)
        let restored = try await Wallet.restore(
            at: world.walletPath("restored"), backup: backup, backupPassphrase: "another long backup passphrase",
            keySource: source, trustList: world.trustList, clock: clock
        )
        XCTAssertEqual(restored.documents, 1)
        try await wallet.reset(keySource: source)
        XCTAssertTrue(Thread.isMainThread)
        XCTAssertGreaterThan(source.calls, 3)
        XCTAssertGreaterThan(clock.calls, 2)
        XCTAssertEqual(source.callsOnMain, 0, "the key source was called on the main thread")
        XCTAssertEqual(clock.callsOnMain, 0, "the wallet ran on the main thread")

        let passphraseWallet = try await Wallet.create(at: world.walletPath("pass"), passphrase: World.passphrase, clock: clock)
        try await passphraseWallet.changePassphrase(to: "a different long passphrase")
        passphraseWallet.lock()
        _ = try await passphraseWallet.unlock(passphrase: "a different long passphrase")
        try await passphraseWallet.changeProtection(to: source)
        XCTAssertEqual(clock.callsOnMain, 0)
        XCTAssertEqual(source.callsOnMain, 0)
    }

    func testAsyncErrorsAreTheWalletsErrors() async throws {
        let world = try World()
        let wallet = try world.holderWallet()
        do {
            _ = try await wallet.present(42, disclosure: .full)
            XCTFail("no such document")
        } catch let error as WalletError {
            XCTAssertEqual(error, .NoSuchDocument)
        }
    }
}

/// A showing stand-in: numbered presentations, a log of what happened.
final class FakeShowing: LiveShowing, @unchecked Sendable {
    private let lock = NSLock()
    private let clock: FixedClock
    private let lifetime: Int64
    private var made = 0
    private(set) var ended = 0
    var failRefreshAt: Int?
    /// Codes expire at the latest here (as a challenged showing's do).
    var expiryCap: Int64?

    init(clock: FixedClock, lifetime: Int64 = 120) {
        self.clock = clock
        self.lifetime = lifetime
    }

    var presentationsMade: Int {
        lock.lock()
        defer { lock.unlock() }
        return made
    }

    var endCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return ended
    }

    private var last: Presentation?

    private func make() throws -> Presentation {
        let now = try clock.nowUnixSeconds()
        lock.lock()
        made += 1
        let number = made
        lock.unlock()
        let presentation = Presentation(
            qrText: "CODE \(number)", qr: try qrCodeForText(text: "CODE \(number)"), mode: .deviceBound,
            challenge: nil, disclosed: [], createdAt: now, expiresAt: min(now + lifetime, expiryCap ?? .max), sizeBytes: 7
        )
        lock.lock()
        last = presentation
        lock.unlock()
        return presentation
    }

    func current() throws -> Presentation {
        lock.lock()
        defer { lock.unlock() }
        guard let last else { throw WalletError.Locked }
        return last
    }

    func begin() throws -> FakeShowing {
        _ = try make()
        return self
    }

    func refresh() throws -> Presentation {
        if let failRefreshAt, presentationsMade + 1 >= failRefreshAt {
            throw WalletError.Locked
        }
        return try make()
    }

    func end() {
        lock.lock()
        ended += 1
        lock.unlock()
    }
}

/// A sleep that moves the fixed clock instead of waiting, and notes how long
/// each wait was.
final class ClockSleep: @unchecked Sendable {
    let clock: FixedClock
    private let lock = NSLock()
    private(set) var waits: [Int64] = []

    init(_ clock: FixedClock) { self.clock = clock }

    private func note(_ seconds: Int64) {
        lock.lock()
        waits.append(seconds)
        lock.unlock()
    }

    var sleep: LivePresentations.Sleep {
        { [self] seconds in
            note(seconds)
            try Task.checkCancellation()
            clock.advance(by: seconds)
            await Task.yield()
        }
    }
}

final class LivePresentationTests: XCTestCase {
    func testFirstCodeThenAFreshOneAMarginBeforeExpiry() async throws {
        let clock = FixedClock(unixSeconds: World.start)
        let showing = FakeShowing(clock: clock, lifetime: 120)
        let sleeper = ClockSleep(clock)
        let stream = LivePresentations.stream(margin: 90, clock: clock, sleep: sleeper.sleep) { try showing.begin() }
        var seen: [String] = []
        for try await code in stream {
            seen.append(code.qrText)
            if seen.count == 4 { break }
        }
        XCTAssertEqual(seen, ["CODE 1", "CODE 2", "CODE 3", "CODE 4"])
        XCTAssertEqual(Array(sleeper.waits.prefix(3)), [30, 30, 30], "each wait ends 90 s before the code expires")
        try await waitUntil { showing.endCount == 1 }
        XCTAssertEqual(showing.endCount, 1, "leaving the loop ended the showing")
    }

    func testCancellingTheTaskEndsTheShowing() async throws {
        let clock = FixedClock(unixSeconds: World.start)
        let showing = FakeShowing(clock: clock)
        let firstSeen = expectation(description: "first code")
        let task = Task {
            var count = 0
            // A real sleep: the task waits between codes until cancelled.
            for try await _ in LivePresentations.stream(clock: clock, begin: { try showing.begin() }) {
                count += 1
                if count == 1 { firstSeen.fulfill() }
            }
            return count
        }
        await fulfillment(of: [firstSeen], timeout: 10)
        task.cancel()
        let count = try await task.value
        XCTAssertEqual(count, 1)
        try await waitUntil { showing.endCount == 1 }
        XCTAssertEqual(showing.presentationsMade, 1, "no refresh after the cancel")
    }

    func testARefreshErrorEndsTheStreamWithThatError() async throws {
        let clock = FixedClock(unixSeconds: World.start)
        let showing = FakeShowing(clock: clock)
        showing.failRefreshAt = 3
        let sleeper = ClockSleep(clock)
        var seen = 0
        do {
            for try await _ in LivePresentations.stream(clock: clock, sleep: sleeper.sleep, begin: { try showing.begin() }) {
                seen += 1
            }
            XCTFail("the stream ended without the error")
        } catch let error as WalletError {
            XCTAssertEqual(error, .Locked)
        }
        XCTAssertEqual(seen, 2)
        XCTAssertEqual(showing.endCount, 1)
    }

    /// Codes whose expiry is capped (a challenge's window): once a refresh
    /// does not move the expiry later, the next one waits for the expiry
    /// itself instead of refreshing every second.
    func testACappedExpiryIsWaitedForNotRefreshedEverySecond() async throws {
        let clock = FixedClock(unixSeconds: World.start)
        let showing = FakeShowing(clock: clock, lifetime: 120)
        showing.expiryCap = World.start + 150
        let sleeper = ClockSleep(clock)
        var seen = 0
        for try await _ in LivePresentations.stream(margin: 90, clock: clock, sleep: sleeper.sleep, begin: { try showing.begin() }) {
            seen += 1
            if seen == 4 { break }
        }
        // 0: expires 120 → refresh at 30 (expires 150, later) → at 60 (150,
        // not later) → wait until 150.
        XCTAssertEqual(Array(sleeper.waits.prefix(3)), [30, 30, 90])
    }

    func testAnExpiredCodeIsReplacedAfterASecondNotInABusyLoop() async throws {
        let clock = FixedClock(unixSeconds: World.start)
        let showing = FakeShowing(clock: clock, lifetime: 30)
        let sleeper = ClockSleep(clock)
        var seen = 0
        for try await _ in LivePresentations.stream(margin: 90, clock: clock, sleep: sleeper.sleep, begin: { try showing.begin() }) {
            seen += 1
            if seen == 3 { break }
        }
        XCTAssertEqual(Array(sleeper.waits.prefix(2)), [1, 1])
    }
}

/// Waits (up to five seconds) until `condition` holds.
func waitUntil(_ condition: @escaping () -> Bool) async throws {
    for _ in 0 ..< 500 where !condition() {
        try await Task.sleep(nanoseconds: 10_000_000)
    }
}

/// Runs `work` on a background queue (test setup that must not touch the main thread).
func offMain<T>(_ work: @escaping () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try work() }) }
    }
}
