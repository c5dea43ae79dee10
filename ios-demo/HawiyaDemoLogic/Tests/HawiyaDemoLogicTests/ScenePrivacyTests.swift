import Dispatch
import Foundation
import XCTest
import HawiyaKit
@testable import HawiyaDemoLogic

/// A key source that answers only when the test says so, as Face ID does
/// while the holder looks at the phone.
final class GatedKeySource: KeySource, @unchecked Sendable {
    private let inner: KeySource
    private let release = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var askedCount = 0

    init(_ inner: KeySource) {
        self.inner = inner
    }

    var asked: Int {
        lock.lock()
        defer { lock.unlock() }
        return askedCount
    }

    /// Lets the waiting unwrap answer.
    func answer() {
        release.signal()
    }

    func wrap(dataKey: Data) throws -> Data {
        try inner.wrap(dataKey: dataKey)
    }

    func unwrap(wrapped: Data) throws -> Data {
        lock.lock()
        askedCount += 1
        lock.unlock()
        guard release.wait(timeout: .now() + 10) == .success else {
            throw KeySourceError.Unavailable(reason: "the test never answered")
        }
        return try inner.unwrap(wrapped: wrapped)
    }
}

final class ScenePrivacyTests: XCTestCase {
    @MainActor func testTheCoverIsUpWheneverTheSceneIsNotActive() async {
        let privacy = ScenePrivacy()
        var changes = 0
        privacy.onChange = { changes += 1 }
        XCTAssertFalse(privacy.showsCover)
        for (phase, covered) in [(AppPhase.inactive, true), (.background, true), (.inactive, true), (.active, false)] {
            privacy.sceneChanged(to: phase)
            XCTAssertEqual(privacy.showsCover, covered, "\(phase)")
        }
        XCTAssertEqual(changes, 4)
        privacy.sceneChanged(to: .active)
        XCTAssertEqual(changes, 4, "no change, no call")
    }

    @MainActor func testTheBackgroundLocksTheWalletButInactiveDoesNot() async throws {
        let world = DemoWorld()
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        let privacy = ScenePrivacy()
        privacy.wallet = model
        XCTAssertEqual(model.phase, .unlocked)
        XCTAssertNotNil(model.liveRequest)

        privacy.sceneChanged(to: .inactive)
        XCTAssertEqual(model.phase, .unlocked, "the Face ID sheet and Control Center make the app inactive")
        XCTAssertTrue(wallet.isUnlocked())

        privacy.sceneChanged(to: .background)
        XCTAssertEqual(model.phase, .locked)
        XCTAssertFalse(wallet.isUnlocked())
        XCTAssertNil(model.presentation)
        XCTAssertTrue(model.cards.isEmpty)
    }

    @MainActor func testTheBackgroundDuringAnUnlockLeavesTheWalletLocked() async throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        let privacy = ScenePrivacy()
        privacy.wallet = model
        let faceID = GatedKeySource(world.keySource)

        let unlocking = Task { @MainActor in await model.unlock(keySource: faceID) }
        for _ in 0 ..< 500 where faceID.asked == 0 {
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        XCTAssertEqual(faceID.asked, 1, "the key source was never asked")
        XCTAssertEqual(model.phase, .unlocking)

        privacy.sceneChanged(to: .background)
        faceID.answer()
        await unlocking.value
        XCTAssertEqual(model.phase, .locked)
        XCTAssertFalse(wallet.isUnlocked(), "unlocked in the background")
        XCTAssertNil(model.presentation)
        XCTAssertTrue(model.log.isEmpty)

        await model.unlock(keySource: world.keySource)
        XCTAssertEqual(model.phase, .unlocked, "the next unlock works as usual")
        XCTAssertTrue(wallet.isUnlocked())
    }
}
