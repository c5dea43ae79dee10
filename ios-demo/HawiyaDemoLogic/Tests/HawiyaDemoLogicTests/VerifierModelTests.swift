import Foundation
import XCTest
import HawiyaKit
@testable import HawiyaDemoLogic

final class VerifierModelTests: XCTestCase {
    @MainActor func testAScannedCodeShowsAVerdictOnce() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let holder = try XCTUnwrap(wallet.documents().first { $0.guardian == nil })
        let code = try wallet.present(number: holder.number, disclosure: .identity, challenge: nil)
        let model = VerifierModel(verifier: try trust.verifier(clock: world.clock), now: world.now)

        model.cameraRead(code.qrText)
        guard case .result(let screen) = model.state else { return XCTFail("expected a verdict, got \(model.state)") }
        XCTAssertEqual(screen.tone, .accepted)
        XCTAssertEqual(screen.headline, "Valid ID")
        XCTAssertTrue(screen.rows.contains(VerdictScreen.Row(label: "Name", value: "Sara Al-Harbi")), "\(screen.rows)")
        XCTAssertTrue(screen.rows.contains(VerdictScreen.Row(label: "Issued by", value: "Demo ID Authority")))

        // The camera keeps reporting the code: the verdict stays, no replay shown.
        model.cameraRead(code.qrText)
        XCTAssertEqual(model.state, .result(screen))
        model.scanAgain()
        model.cameraRead(code.qrText)
        XCTAssertEqual(model.state, .scanning, "the same code still in view is ignored for a moment")

        world.clock.advance(by: 5)
        model.cameraRead(code.qrText)
        guard case .result(let replay) = model.state else { return XCTFail("expected a verdict") }
        XCTAssertEqual(replay.tone, .rejected)
        XCTAssertEqual(replay.headline, "Do not accept")
        XCTAssertEqual(replay.reasons, ["This exact code was already scanned. Ask the holder for a new one."])
        XCTAssertEqual(replay.rows, [])
    }

    @MainActor func testAScreenshotIsRejectedInPlainWords() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let holder = try XCTUnwrap(wallet.documents().first { $0.guardian == nil })
        let code = try wallet.present(number: holder.number, disclosure: .full, challenge: nil)
        world.clock.advance(by: 600)
        let model = VerifierModel(verifier: try trust.verifier(clock: world.clock), now: world.now)
        model.cameraRead(code.qrText)
        guard case .result(let screen) = model.state else { return XCTFail("expected a verdict") }
        XCTAssertEqual(screen.tone, .rejected)
        XCTAssertEqual(screen.reasons.first, "The code is too old: it may be a screenshot. Ask the holder to show the live code.")
    }

    @MainActor func testOtherCodesAndAlteredCodes() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let model = VerifierModel(verifier: try trust.verifier(clock: world.clock), now: world.now)
        model.cameraRead("https://example.org/menu")
        XCTAssertEqual(model.state, .notAnIDCode)
        model.scanAgain()

        let holder = try XCTUnwrap(wallet.documents().first { $0.guardian == nil })
        var text = Array(try wallet.present(number: holder.number, disclosure: .full, challenge: nil).qrText)
        text[text.count / 2] = text[text.count / 2] == "0" ? "1" : "0"
        model.cameraRead(String(text))
        guard case .result(let screen) = model.state else { return XCTFail("expected a verdict") }
        XCTAssertEqual(screen.tone, .rejected)
        XCTAssertFalse(screen.reasons.isEmpty)
    }

    @MainActor func testADependentsCodeNamesTheGuardianAndAPrintedCodeAsksForThePhotoID() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let child = try XCTUnwrap(wallet.dependents().first?.documents.first)
        let verifier = try trust.verifier(clock: world.clock)

        let childCode = try wallet.present(number: child.number, disclosure: .identity, challenge: nil)
        let childScreen = VerdictScreen(verdict: try verifier.verify(qrText: childCode.qrText, challenge: nil))
        XCTAssertEqual(childScreen.tone, .accepted)
        XCTAssertTrue(childScreen.rows.contains { $0.label == "Shown by" && $0.value.contains(String(child.guardian ?? 0)) })

        let printed = try wallet.presentStatic(number: child.number, disclosure: .identity)
        let printedScreen = VerdictScreen(verdict: try verifier.verify(qrText: printed.qrText, challenge: nil))
        XCTAssertEqual(printedScreen.tone, .acceptedWithCaution)
        XCTAssertEqual(printedScreen.headline, "Valid: check the photo ID")
        XCTAssertTrue(printedScreen.rows.contains(VerdictScreen.Row(label: "Code", value: "printed (not tied to a phone)")))
    }

    @MainActor func testShowChallengeThenTheHoldersAnswerIsValidAndChallenged() async throws {
        let world = DemoWorld()
        let (wallet, trust) = try world.store.openOrCreate(keySource: world.keySource)
        let holder = try XCTUnwrap(wallet.documents().first { $0.guardian == nil })
        let model = VerifierModel(verifier: try trust.verifier(clock: world.clock), now: world.now)

        let challenge = try XCTUnwrap(model.showChallenge())
        XCTAssertEqual(model.challenge, challenge)
        XCTAssertTrue(challenge.qrText.hasPrefix("HWC:"))
        // The holder types the six digits into the wallet app.
        let answer = try wallet.present(number: holder.number, disclosure: .identity, challenge: challenge.grouped)
        model.cameraRead(answer.qrText)
        guard case .result(let screen) = model.state else { return XCTFail("expected a verdict, got \(model.state)") }
        XCTAssertEqual(screen.tone, .accepted)
        XCTAssertTrue(screen.rows.contains(VerdictScreen.Row(label: "Code", value: "live, from the holder's phone, answering your challenge")), "\(screen.rows)")
        XCTAssertNil(model.challenge, "one challenge, one person")

        // A timed code while a challenge is on screen: refused, with what to do.
        model.scanAgain()
        model.showChallenge()
        let timed = try wallet.present(number: holder.number, disclosure: .ageOver18, challenge: nil)
        model.cameraRead(timed.qrText)
        guard case .result(let refused) = model.state else { return XCTFail("expected a verdict") }
        XCTAssertEqual(refused.tone, .rejected)
        XCTAssertEqual(refused.reasons, ["The code does not answer your challenge. Ask the holder to enter it in the wallet app."])

        // The verifier's own challenge QR, read by its camera.
        model.scanAgain()
        let shown = try XCTUnwrap(model.showChallenge())
        model.cameraRead(shown.qrText)
        guard case .result(let mistake) = model.state else { return XCTFail("expected a verdict") }
        XCTAssertEqual(mistake.headline, "A challenge, not an ID code")
    }
}
