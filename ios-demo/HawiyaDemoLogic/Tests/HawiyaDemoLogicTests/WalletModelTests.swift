import Foundation
import XCTest
import HawiyaKit
@testable import HawiyaDemoLogic

/// What the SwiftUI screen does: runs the model's live code in a task that
/// starts again whenever `liveRequest` changes (`.task(id:)`).
@MainActor
final class LiveScreen {
    let model: WalletModel
    let sleeper: SteppedSleep
    private var task: Task<Void, Never>?
    private var request: WalletModel.LiveRequest?

    init(_ model: WalletModel, _ sleeper: SteppedSleep) {
        self.model = model
        self.sleeper = sleeper
    }

    /// Follows the model's request as `.task(id:)` does, and waits for the
    /// code on screen (if there should be one).
    func follow() async throws {
        let messageBefore = model.message
        if model.liveRequest != request || task == nil {
            task?.cancel()
            await task?.value
            request = model.liveRequest
            let model = self.model
            let sleep = sleeper.sleep
            task = Task { @MainActor in await model.showLiveCode(sleep: sleep) }
        }
        if request != nil {
            try await until { self.model.presentation != nil || self.model.message != messageBefore }
        }
    }

    /// The screen goes away.
    func close() async {
        task?.cancel()
        await task?.value
        task = nil
    }
}

final class WalletModelTests: XCTestCase {
    @MainActor func testFirstLaunchShowsTheCardAndAnIdentityCode() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        var changes = 0
        model.onChange = { changes += 1 }
        let screen = LiveScreen(model, SteppedSleep(world.clock))
        try await screen.follow()

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
        XCTAssertNil(model.presentation, "the old document's code leaves the screen at once")
        try await screen.follow()
        XCTAssertEqual(model.presentation?.qrText.isEmpty, false)
        XCTAssertEqual(model.log.count, 2, "a second document, a second showing")
        XCTAssertGreaterThan(changes, 0)
        await screen.close()
    }

    /// The live code: a fresh code every 30 seconds while on screen, all
    /// of them one presentation-log entry; closing the screen ends the showing.
    @MainActor func testTheLiveCodeRenewsEveryThirtySecondsAsOneLogEntry() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        let sleeper = SteppedSleep(world.clock)
        let screen = LiveScreen(model, sleeper)
        try await screen.follow()
        let first = try XCTUnwrap(model.presentation)
        XCTAssertEqual(model.log.count, 1)

        world.clock.advance(by: 29)
        XCTAssertEqual(model.secondsToRefresh, 1)
        world.clock.advance(by: -29)
        var codes = [first]
        for _ in 0 ..< 3 {
            let waited = try await sleeper.elapse()
            XCTAssertEqual(waited, 30)
            try await until { model.presentation != codes.last }
            codes.append(try XCTUnwrap(model.presentation))
        }
        XCTAssertEqual(codes.map(\.createdAt), [0, 30, 60, 90].map { DemoWorld.start + $0 })
        XCTAssertEqual(Set(codes.map(\.qrText)).count, 4)
        XCTAssertEqual(model.secondsToRefresh, 30)
        let verifier = try trust.verifier(clock: world.clock)
        XCTAssertTrue(try verifier.verify(qrText: codes[3].qrText, challenge: nil).accepted)
        XCTAssertEqual(try wallet.presentationLog().count, 1, "four codes, one showing, one log entry")
        XCTAssertEqual(model.log.count, 1)

        await screen.close()
        try await until { !sleeper.isWaiting }
        XCTAssertFalse(sleeper.isWaiting, "no code is made once the screen is gone")
    }

    /// Locking ends the live code: the screen has nothing to show.
    @MainActor func testLockingEndsTheLiveCode() async throws {
        let world = DemoWorld()
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        let sleeper = SteppedSleep(world.clock)
        let screen = LiveScreen(model, sleeper)
        try await screen.follow()
        // Another part of the app locks the wallet under the live code.
        wallet.lock()
        try await sleeper.elapse()
        try await until { model.phase == .locked }
        XCTAssertEqual(model.phase, .locked, "ShowingEnded from the refresh locks the screen")
        XCTAssertNil(model.presentation)
        XCTAssertNil(model.liveRequest)
        await screen.close()
    }

    @MainActor func testChoosingWhatToDiscloseMakesANewCodeAtOnce() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        let screen = LiveScreen(model, SteppedSleep(world.clock))
        try await screen.follow()
        var sheet = model.disclosureSheet()
        sheet.preset = .ageOver18
        world.clock.advance(by: 3)
        model.apply(sheet)
        try await screen.follow()
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
        await screen.close()
    }

    @MainActor func testLockAndUnlockWithTheKeySource() async throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        let screen = LiveScreen(model, SteppedSleep(world.clock))
        XCTAssertEqual(model.phase, .locked, "a reopened wallet starts locked")
        XCTAssertNil(model.presentation)
        XCTAssertNil(model.liveRequest)

        world.keySource.refuse = true
        await model.unlock(keySource: world.keySource)
        XCTAssertEqual(model.phase, .locked)
        XCTAssertEqual(model.message, "Face ID or the passcode was not accepted. Try again.")

        world.keySource.refuse = false
        await model.unlock(keySource: world.keySource)
        XCTAssertEqual(model.phase, .unlocked)
        XCTAssertNil(model.message)
        try await screen.follow()
        XCTAssertNotNil(model.presentation)

        model.lock()
        XCTAssertEqual(model.phase, .locked)
        XCTAssertNil(model.presentation)
        XCTAssertEqual(model.cards, [])
        XCTAssertFalse(wallet.isUnlocked())
        XCTAssertNil(model.liveRequest, "a locked wallet makes no codes")
        await model.showLiveCode()
        XCTAssertNil(model.presentation)
        await screen.close()
    }

    @MainActor func testACancelledPromptIsNotAWrongPasscode() async throws {
        let world = DemoWorld()
        _ = try world.store.openOrCreate(keySource: world.keySource)
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
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
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
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
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        let screen = LiveScreen(model, SteppedSleep(world.clock))
        try await screen.follow()
        XCTAssertFalse(model.log.isEmpty)
        model.clearLog()
        XCTAssertEqual(model.log, [])
        XCTAssertEqual(try wallet.presentationLog(), [])
        // The code on screen goes on as a new showing: one new entry.
        try await screen.follow()
        XCTAssertNotNil(model.presentation)
        XCTAssertEqual(try wallet.presentationLog().count, 1)
        await screen.close()
    }

    /// The wallet's documents change under the live code (here: the log is
    /// cleared by another part of the app): the code stops, the screen says
    /// so, and "Show the code again" starts a new showing.
    @MainActor func testACodeStoppedUnderTheScreenCanBeShownAgain() async throws {
        let world = DemoWorld()
        let (wallet, _) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        let sleeper = SteppedSleep(world.clock)
        let screen = LiveScreen(model, sleeper)
        try await screen.follow()
        _ = try wallet.clearPresentationLog()
        try await sleeper.elapse()
        try await until { model.codeStopped }
        XCTAssertTrue(model.codeStopped)
        XCTAssertNil(model.presentation)
        XCTAssertEqual(model.message, WalletModel.showAgainMessage)
        XCTAssertEqual(model.phase, .unlocked)

        model.showAgain()
        XCTAssertFalse(model.codeStopped)
        try await screen.follow()
        XCTAssertNotNil(model.presentation)
        XCTAssertNil(model.message)
        await screen.close()
    }

    /// A code answering a challenge goes on only while the verifier can still
    /// have it open; then the codes are timed again by themselves.
    @MainActor func testALiveChallengedCodeTurnsTimedWhenTheWindowIsOver() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        let sleeper = SteppedSleep(world.clock)
        let screen = LiveScreen(model, sleeper)
        try await screen.follow()
        let challenge = try trust.verifier(clock: world.clock).newChallenge()
        world.clock.advance(by: 1)
        model.answerChallenge(challenge.code)
        try await screen.follow()
        XCTAssertEqual(model.presentation?.challenge, challenge.code)
        var waited: Int64 = 0
        while model.challenge != nil, waited < 600 {
            waited += try await sleeper.elapse()
            try await until { sleeper.isWaiting || model.challenge == nil }
        }
        XCTAssertLessThanOrEqual(waited, Int64(WalletModel.challengeSeconds), "within the verifier's window")
        XCTAssertNil(model.challenge, "the challenge window ended the showing")
        XCTAssertNil(model.message)
        try await screen.follow()
        XCTAssertNil(try XCTUnwrap(model.presentation).challenge, "timed codes again")
        await screen.close()
    }

    @MainActor func testTypingOrScanningTheVerifiersChallenge() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        let screen = LiveScreen(model, SteppedSleep(world.clock))
        try await screen.follow()
        let verifier = try trust.verifier(clock: world.clock)
        let challenge = try verifier.newChallenge()

        for entered in [challenge.grouped, challenge.qrText] {
            // A second later: at one fixed time the same answer would be the
            // same bytes, a replay.
            world.clock.advance(by: 1)
            model.answerChallenge(entered)
            XCTAssertEqual(model.challenge, challenge.code)
            try await screen.follow()
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
        try await screen.follow()
        XCTAssertNil(try XCTUnwrap(model.presentation).challenge)
        model.answerChallenge(challenge.code)
        model.clearChallenge()
        XCTAssertNil(model.challenge)
        await screen.close()
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

    /// The holder added a fingerprint: the Keychain key is gone. The unlock
    /// says so (nothing counted), and the reset path gives a working wallet
    /// with the documents provisioned again.
    @MainActor func testAnInvalidatedKeyLeadsToResetAndReprovisioning() async throws {
        let world = DemoWorld()
        let enclave = FakeEnclave()
        let keychain = KeychainKeySource(store: enclave)
        _ = try world.store.openOrCreate(keySource: keychain)
        let (wallet, _) = try world.store.openOrCreate(keySource: keychain)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)

        enclave.changeEnrolledBiometrics()
        await model.unlock(keySource: keychain)
        XCTAssertEqual(model.phase, .locked)
        XCTAssertTrue(model.keyInvalidated)
        XCTAssertEqual(model.message, WalletModel.keyInvalidatedMessage)
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)

        var trust: DemoTrust?
        await model.recoverFromInvalidation(keySource: keychain) { _ in XCTFail("not confirmed yet") }
        XCTAssertEqual(model.phase, .locked)
        XCTAssertTrue(model.keyInvalidated)
        model.requestReset()
        await model.recoverFromInvalidation(keySource: keychain) { wallet in
            trust = try world.store.reprovision(wallet)
        }
        XCTAssertFalse(model.keyInvalidated)
        XCTAssertEqual(model.phase, .unlocked)
        XCTAssertEqual(model.message, WalletModel.recoveredMessage)
        XCTAssertEqual(model.cards.map(\.nameEn), ["Sara Al-Harbi"])
        let screen = LiveScreen(model, SteppedSleep(world.clock))
        try await screen.follow()
        let code = try XCTUnwrap(model.presentation)
        let verifier = try XCTUnwrap(trust).verifier(clock: world.clock)
        XCTAssertTrue(try verifier.verify(qrText: code.qrText, challenge: nil).accepted)
        XCTAssertEqual(try JSONDecoder().decode(DemoTrust.self, from: Data(contentsOf: world.store.trustURL)), trust)
        await screen.close()

        model.lock()
        await model.unlock(keySource: keychain)
        XCTAssertEqual(model.phase, .unlocked, "the new key unlocks")
    }

    /// Without an invalidation the recovery does nothing.
    @MainActor func testNoRecoveryWithoutInvalidation() async throws {
        let world = DemoWorld()
        let keychain = KeychainKeySource(store: FakeEnclave())
        _ = try world.store.openOrCreate(keySource: keychain)
        let (wallet, _) = try world.store.openOrCreate(keySource: keychain)
        let model = WalletModel(wallet: wallet, clock: world.clock, now: world.now)
        model.requestReset()
        await model.recoverFromInvalidation(keySource: keychain) { _ in XCTFail("not called") }
        model.cancelReset()
        XCTAssertEqual(model.phase, .locked)
        await model.unlock(keySource: keychain)
        XCTAssertEqual(try wallet.documents().count, 2, "nothing was destroyed")
    }
}
