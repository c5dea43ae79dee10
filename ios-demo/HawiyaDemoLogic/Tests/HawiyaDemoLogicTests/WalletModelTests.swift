import Foundation
import XCTest
import HawiyaKit
@testable import HawiyaDemoLogic

final class WalletModelTests: XCTestCase {
    @MainActor func testFirstLaunchShowsTheCardAndAnIdentityCode() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        var changes = 0
        model.onChange = { changes += 1 }

        XCTAssertEqual(model.phase, .unlocked)
        XCTAssertEqual(model.cards.map(\.nameEn), ["Sara Al-Harbi"])
        XCTAssertEqual(model.dependents.map(\.nameEn), ["Layan Al-Harbi"])
        XCTAssertEqual(model.selected, model.cards.first?.number)
        XCTAssertEqual(model.choice.preset, .identity)
        let code = try XCTUnwrap(model.presentation)
        XCTAssertEqual(model.secondsToRefresh, 30)

        let verdict = try trust.verifier(clock: world.clock).verify(qrText: code.qrText, challenge: nil)
        XCTAssertTrue(verdict.accepted, "\(verdict.failures)")
        XCTAssertFalse(verdict.claims.contains { $0.key == .birthDate }, "identity does not show the birth date")
        XCTAssertEqual(model.log.count, 1)
        XCTAssertTrue(model.log[0].detail.contains("ID number"), model.log[0].detail)

        model.select(try XCTUnwrap(model.dependents.first?.documents.first?.number))
        XCTAssertEqual(model.selectedDocument?.nameEn, "Layan Al-Harbi")
        XCTAssertGreaterThan(changes, 0)
    }

    @MainActor func testTheCodeRenewsEveryThirtySeconds() async throws {
        let world = DemoWorld()
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        let first = try XCTUnwrap(model.presentation)

        world.clock.advance(by: 29)
        model.tick()
        XCTAssertEqual(model.presentation, first, "not yet due")
        XCTAssertEqual(model.secondsToRefresh, 1)

        world.clock.advance(by: 1)
        model.tick()
        let second = try XCTUnwrap(model.presentation)
        XCTAssertNotEqual(second.qrText, first.qrText)
        XCTAssertEqual(second.createdAt, DemoWorld.start + 30)
        XCTAssertEqual(model.secondsToRefresh, 30)
        XCTAssertEqual(model.log.count, 2)
        XCTAssertEqual(model.log.first?.id, try wallet.presentationLog().last?.id, "newest first")
    }

    @MainActor func testChoosingWhatToDiscloseMakesANewCodeAtOnce() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        var sheet = model.disclosureSheet()
        sheet.preset = .ageOver18
        world.clock.advance(by: 3)
        model.apply(sheet)
        let code = try XCTUnwrap(model.presentation)
        XCTAssertEqual(code.disclosed, [.ageOver18])
        XCTAssertEqual(code.createdAt, DemoWorld.start + 3)
        let verdict = try trust.verifier(clock: world.clock).verify(qrText: code.qrText, challenge: nil)
        XCTAssertEqual(verdict.claims.map(\.key), [.ageOver18])

        var empty = model.disclosureSheet()
        empty.preset = .custom
        XCTAssertFalse(empty.canConfirm)
        model.apply(empty)
        XCTAssertEqual(model.presentation, code, "an empty custom choice is not applied")
    }

    @MainActor func testLockAndUnlockWithTheKeySource() async throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        XCTAssertEqual(model.phase, .locked, "a reopened wallet starts locked")
        XCTAssertNil(model.presentation)

        world.keySource.refuse = true
        await model.unlock(keySource: world.keySource)
        XCTAssertEqual(model.phase, .locked)
        XCTAssertEqual(model.message, "Face ID or the passcode was not accepted. Try again.")

        world.keySource.refuse = false
        await model.unlock(keySource: world.keySource)
        XCTAssertEqual(model.phase, .unlocked)
        XCTAssertNil(model.message)
        XCTAssertNotNil(model.presentation)

        model.lock()
        XCTAssertEqual(model.phase, .locked)
        XCTAssertNil(model.presentation)
        XCTAssertEqual(model.cards, [])
        XCTAssertFalse(wallet.isUnlocked())
        model.tick()
        XCTAssertNil(model.presentation, "a locked wallet makes no codes")
    }

    @MainActor func testACancelledPromptIsNotAWrongPasscode() async throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        world.keySource.cancel = true
        for _ in 0 ..< 50 {
            await model.unlock(keySource: world.keySource)
        }
        XCTAssertEqual(model.phase, .locked)
        XCTAssertEqual(model.message, "Unlocking was cancelled; no attempt was counted. Unlock when you are ready.")
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)
        world.keySource.cancel = false
        await model.unlock(keySource: world.keySource)
        XCTAssertEqual(model.phase, .unlocked, "unlockable at once")
    }

    @MainActor func testResetNeedsConfirmationAndLeavesAnEmptyWallet() async throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        world.keySource.refuse = true
        for _ in 0 ..< 12 {
            await model.unlock(keySource: world.keySource)
            world.clock.advance(by: 3_700) // past any wait
        }
        XCTAssertEqual(model.message, "The wallet is locked after too many wrong attempts. Reset it, then restore your backup.")
        world.keySource.refuse = false
        let lockedOut = try wallet.failedAttempts().failures
        XCTAssertGreaterThanOrEqual(lockedOut, 10)

        // Confirming without asking first destroys nothing.
        await model.confirmReset(keySource: world.keySource)
        XCTAssertEqual(model.phase, .locked)
        XCTAssertEqual(try wallet.failedAttempts().failures, lockedOut)
        // Asking, then cancelling, destroys nothing.
        model.requestReset()
        XCTAssertTrue(model.confirmingReset)
        model.cancelReset()
        XCTAssertFalse(model.confirmingReset)
        XCTAssertEqual(try wallet.failedAttempts().failures, lockedOut)

        model.requestReset()
        await model.confirmReset(keySource: world.keySource)
        XCTAssertEqual(model.phase, .unlocked)
        XCTAssertFalse(model.confirmingReset)
        XCTAssertEqual(model.message, WalletModel.resetDone)
        XCTAssertEqual(model.cards, [])
        XCTAssertEqual(model.dependents.count, 0)
        XCTAssertNil(model.presentation)
        XCTAssertEqual(try wallet.documents().count, 0)
        XCTAssertEqual(try wallet.deviceKeys().count, 0)
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)
        model.lock()
        await model.unlock(keySource: world.keySource)
        XCTAssertEqual(model.phase, .unlocked)
    }

    @MainActor func testClearingTheLog() async throws {
        let world = DemoWorld()
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        XCTAssertFalse(model.log.isEmpty)
        model.clearLog()
        XCTAssertEqual(model.log, [])
        XCTAssertEqual(try wallet.presentationLog(), [])
    }

    @MainActor func testTypingOrScanningTheVerifiersChallenge() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, now: world.now)
        let verifier = try trust.verifier(clock: world.clock)
        let challenge = try verifier.newChallenge()

        for entered in [challenge.grouped, challenge.qrText] {
            // A second later: at one fixed time the same answer would be the
            // same bytes, a replay.
            world.clock.advance(by: 1)
            model.answerChallenge(entered)
            XCTAssertEqual(model.challenge, challenge.code)
            let code = try XCTUnwrap(model.presentation)
            XCTAssertEqual(code.challenge, challenge.code)
            let verdict = try verifier.verify(qrText: code.qrText, challenge: challenge)
            XCTAssertEqual(verdict.assurance, .challenged, "\(verdict.failures)")
        }
        // Not a challenge: a message, nothing changed.
        let before = model.presentation
        model.answerChallenge("12345")
        XCTAssertEqual(model.challenge, challenge.code)
        XCTAssertEqual(model.presentation, before)
        XCTAssertEqual(model.message, "That is not a verifier's challenge. Type the six digits the verifier shows, or scan its code.")
        // After the verifier's window the codes are timed again.
        world.clock.advance(by: Int64(WalletModel.challengeSeconds) + 30)
        model.tick()
        XCTAssertNil(model.challenge)
        XCTAssertNil(try XCTUnwrap(model.presentation).challenge)
        model.answerChallenge(challenge.code)
        model.clearChallenge()
        XCTAssertNil(model.challenge)
    }

    @MainActor func testTheDemoHoldsEachDocumentsPrintedCard() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        XCTAssertTrue(try wallet.documents().allSatisfy(\.printable))
        let verifier = try trust.verifier(clock: world.clock)
        for document in try wallet.documents() {
            let printed = try wallet.presentStatic(number: document.number, disclosure: .full)
            XCTAssertEqual(try verifier.verify(qrText: printed.qrText, challenge: nil).assurance, .printed)
        }
    }
}
