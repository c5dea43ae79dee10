import Foundation
import XCTest
import HawiyaKit
@testable import HawiyaDemoLogic

final class FileProtectionTests: XCTestCase {
    func testFirstLaunchProtectsTheFolderFirstThenEveryFileInIt() throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        let protected = world.protection.take()
        XCTAssertEqual(protected.first, world.directory.lastPathComponent, "the folder comes first: new files inherit it")
        let files = try FileManager.default.contentsOfDirectory(atPath: world.directory.path)
        XCTAssertTrue(files.contains("wallet.db"))
        XCTAssertTrue(files.contains("demo-trust.json"))
        for file in files {
            XCTAssertTrue(protected.contains(file), "\(file) was not protected: \(protected)")
        }
    }

    func testEveryLaunchProtectsAgain() throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        _ = world.protection.take()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        let again = world.protection.take()
        XCTAssertEqual(again.first, world.directory.lastPathComponent)
        XCTAssertTrue(again.contains("wallet.db"), "\(again)")
        XCTAssertTrue(again.contains("demo-trust.json"), "\(again)")
    }

    func testAWalletThatCannotBeProtectedIsNotCreated() throws {
        let world = DemoWorld()
        world.protection.failing = "wallet.db"
        XCTAssertThrowsError(try world.store.openOrCreate(keySource: world.keySource)) { error in
            XCTAssertEqual((error as? UnprotectedFileError)?.file, "wallet.db")
            XCTAssertFalse(error.localizedDescription.contains(world.directory.path), "no path in the message")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: world.store.walletURL.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: world.store.trustURL.path))

        world.protection.failing = nil
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        XCTAssertEqual(try wallet.documents().count, 2, "a later launch starts cleanly")
    }

    func testAnUnprotectableFolderStopsALaterLaunchToo() throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        world.protection.failing = world.directory.lastPathComponent
        XCTAssertThrowsError(try world.store.openOrCreate(keySource: world.keySource)) { error in
            XCTAssertEqual((error as? UnprotectedFileError)?.file, world.directory.lastPathComponent)
        }
        XCTAssertTrue(FileManager.default.fileExists(atPath: world.store.walletURL.path), "the wallet is kept")
    }
}
