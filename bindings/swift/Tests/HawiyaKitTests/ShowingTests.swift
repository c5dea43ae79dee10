import Foundation
import XCTest
import HawiyaKit

/// Wraps the library's showing and notes when the stream ends it.
final class WatchedShowing: LiveShowing, @unchecked Sendable {
    let inner: Showing
    private let lock = NSLock()
    private var ends = 0

    init(_ inner: Showing) { self.inner = inner }

    var endCount: Int {
        lock.lock()
        defer { lock.unlock() }
        return ends
    }

    func current() throws -> Presentation { inner.current() }
    func refresh() throws -> Presentation { try inner.refresh() }
    func end() {
        lock.lock()
        ends += 1
        lock.unlock()
        inner.end()
    }
}

/// Keeps the showing the stream began, for the test to look at.
final class ShowingBox: @unchecked Sendable {
    private let lock = NSLock()
    private var value: WatchedShowing?

    var showing: WatchedShowing? {
        lock.lock()
        defer { lock.unlock() }
        return value
    }

    func begin(_ wallet: Wallet, _ number: UInt64, _ challenge: String? = nil) throws -> WatchedShowing {
        let showing = WatchedShowing(try wallet.beginShowing(number: number, disclosure: .identity, challenge: challenge))
        lock.lock()
        value = showing
        lock.unlock()
        return showing
    }
}

final class ShowingTests: XCTestCase {
    /// Four codes from one live stream: each fresh and accepted by a verifier
    /// (no replay), and all of them ONE entry in the presentation log.
    func testSeveralRefreshesAreOnePresentationLogEntry() async throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let verifier = world.verifier()
        let sleeper = ClockSleep(world.clock)
        var shown: [Presentation] = []
        for try await code in wallet.livePresentations(
            of: World.holderNumber, disclosure: .identity, clock: world.clock, sleep: sleeper.sleep
        ) {
            shown.append(code)
            if shown.count == 4 { break }
        }
        XCTAssertEqual(Set(shown.map(\.qrText)).count, 4, "each refresh is a new code")
        for (index, code) in shown.enumerated() {
            let verdict = try verifier.verify(qrText: code.qrText, challenge: nil)
            XCTAssertTrue(verdict.accepted, "code \(index): \(codes(verdict))")
            if index > 0 {
                XCTAssertEqual(code.createdAt - shown[index - 1].createdAt, 30, "a new code 90 s before the last expires")
            }
        }
        XCTAssertEqual(try wallet.presentationLog().count, 1, "one showing, one log entry")
        XCTAssertEqual(sleeper.waits.prefix(3), [30, 30, 30])
    }

    /// Cancelling the task that iterates ends the library's showing: it can
    /// no longer be refreshed.
    func testCancellingTheTaskEndsTheShowing() async throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let box = ShowingBox()
        let first = expectation(description: "first code")
        let task = Task {
            var count = 0
            for try await _ in LivePresentations.stream(clock: world.clock, begin: { try box.begin(wallet, World.holderNumber) }) {
                count += 1
                if count == 1 { first.fulfill() }
            }
            return count
        }
        await fulfillment(of: [first], timeout: 10)
        let showing = try XCTUnwrap(box.showing)
        XCTAssertNoThrow(try showing.inner.refresh(), "live while iterated")
        task.cancel()
        let count = try await task.value
        XCTAssertEqual(count, 1)
        try await waitUntil { showing.endCount == 1 }
        XCTAssertEqual(showing.endCount, 1)
        XCTAssertWalletError(try showing.inner.refresh()) { $0 == .ShowingEnded }
        XCTAssertEqual(try wallet.presentationLog().count, 1)
    }

    /// Locking the wallet while the code is live: the next refresh fails with
    /// ShowingEnded, which ends the stream.
    func testShowingEndedEndsTheStreamWithThatError() async throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let sleeper = ClockSleep(world.clock)
        var seen = 0
        do {
            for try await _ in wallet.livePresentations(
                of: World.holderNumber, disclosure: .identity, clock: world.clock, sleep: sleeper.sleep
            ) {
                seen += 1
                if seen == 2 { wallet.lock() }
            }
            XCTFail("the stream ended without an error")
        } catch let error as WalletError {
            XCTAssertEqual(error, .ShowingEnded)
        }
        XCTAssertEqual(seen, 2)
    }

    /// A live code answering a verifier's challenge keeps answering it on refresh.
    func testALiveCodeKeepsAnsweringTheChallenge() async throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let verifier = world.verifier()
        let challenge = try verifier.newChallenge()
        let sleeper = ClockSleep(world.clock)
        var shown: [Presentation] = []
        for try await code in wallet.livePresentations(
            of: World.holderNumber, disclosure: .identity, challenge: challenge.code, margin: 110,
            clock: world.clock, sleep: sleeper.sleep
        ) {
            shown.append(code)
            if shown.count == 2 { break }
        }
        let verdict = try verifier.verify(qrText: shown[1].qrText, challenge: challenge)
        XCTAssertTrue(verdict.accepted, "\(codes(verdict))")
        XCTAssertEqual(verdict.assurance, .challenged)
    }

    func testAsyncBeginShowingIsOneLogEntry() async throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let showing = try await wallet.beginShowing(World.holderNumber, disclosure: .full)
        world.clock.advance(by: 5)
        _ = try showing.refresh()
        world.clock.advance(by: 5)
        _ = try showing.refresh()
        showing.end()
        XCTAssertEqual(try wallet.presentationLog().count, 1)
    }
}
