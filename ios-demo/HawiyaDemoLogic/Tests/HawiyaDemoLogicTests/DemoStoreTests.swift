import Foundation
import XCTest
import HawiyaKit
@testable import HawiyaDemoLogic

final class DemoStoreTests: XCTestCase {
    func testFirstLaunchCreatesAndLaterLaunchesOpen() throws {
        let world = DemoWorld()
        let first = try world.store.openOrCreate(keySource: world.keySource)
        XCTAssertTrue(first.wallet.isUnlocked())
        XCTAssertEqual(try first.wallet.documents().count, 2)
        XCTAssertTrue(FileManager.default.fileExists(atPath: world.store.trustURL.path))

        let again = try world.store.openOrCreate(keySource: world.keySource)
        XCTAssertFalse(again.wallet.isUnlocked())
        XCTAssertEqual(again.trust, first.trust)
        _ = try again.wallet.unlockWithKeySource(keySource: world.keySource)
        XCTAssertEqual(try again.wallet.documents().count, 2)
        XCTAssertEqual(try again.trust.verifier(clock: world.clock).trustListVersion(), 1)
    }

    func testAFailedFirstLaunchLeavesNoWalletBehind() throws {
        let world = DemoWorld()
        final class NoKeychain: KeySource {
            func wrap(dataKey: Data) throws -> Data { throw KeySourceError.Unavailable(reason: "no Keychain") }
            func unwrap(wrapped: Data) throws -> Data { throw KeySourceError.Unavailable(reason: "no Keychain") }
        }
        XCTAssertThrowsError(try world.store.openOrCreate(keySource: NoKeychain()))
        XCTAssertFalse(FileManager.default.fileExists(atPath: world.store.walletURL.path))
        XCTAssertNoThrow(try world.store.openOrCreate(keySource: world.keySource))
    }
}
