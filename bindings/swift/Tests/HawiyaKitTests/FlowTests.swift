import Foundation
import XCTest
import HawiyaKit

/// The whole flow from Swift: issue with a test issuer, import, lock and
/// unlock, present with each disclosure, verify.
final class FlowTests: XCTestCase {
    func testIssueImportUnlockPresentVerify() throws {
        let world = try World()
        let wallet = try world.passphraseWallet()
        XCTAssertTrue(wallet.isUnlocked())

        let credential = try world.issue(World.nationalID(), to: wallet)
        guard case .added(let summary) = try wallet.importCredential(credential: credential, trustList: world.trustList) else {
            return XCTFail("a first import adds the document")
        }
        XCTAssertEqual(summary.number, World.holderNumber)
        XCTAssertEqual(summary.nameEn, "Sara Al-Harbi")
        XCTAssertEqual(summary.documentType, .nationalId)
        XCTAssertFalse(summary.needsRebinding)

        wallet.lock()
        XCTAssertFalse(wallet.isUnlocked())
        XCTAssertWalletError(try wallet.documents()) { $0 == .Locked }
        XCTAssertNil(try wallet.unlockWithPassphrase(passphrase: World.passphrase).weakPasscode)
        XCTAssertEqual(try wallet.documents().map(\.number), [World.holderNumber])

        let presentation = try wallet.present(number: World.holderNumber, disclosure: .full, challenge: nil)
        XCTAssertTrue(presentation.qrText.hasPrefix("HW2:"))
        XCTAssertEqual(presentation.mode, .deviceBound)
        XCTAssertEqual(presentation.createdAt, World.start)
        XCTAssertGreaterThan(presentation.expiresAt, presentation.createdAt)
        XCTAssertEqual(presentation.qr.modules.count, Int(presentation.qr.size * presentation.qr.size))
        // The SVG is opt-in: made from the QR text when the app asks.
        XCTAssertTrue(try qrSvgForText(text: presentation.qrText, modulePx: 8).contains("<svg"))

        let verdict = try world.verifier().verify(qrText: presentation.qrText, challenge: nil)
        XCTAssertTrue(verdict.accepted, "\(verdict.failures)")
        XCTAssertEqual(verdict.failures, [])
        XCTAssertEqual(verdict.mode, .deviceBound)
        XCTAssertEqual(verdict.issuer, "Test ID Authority")
        XCTAssertEqual(verdict.presentedAt, World.start)
        let shown = Dictionary(uniqueKeysWithValues: verdict.claims.map { ($0.key, $0.value) })
        XCTAssertEqual(shown[.nameEn], .text("Sara Al-Harbi"))
        XCTAssertEqual(shown[.documentNumber], .number(World.holderNumber))
        XCTAssertNil(shown[.portrait], "full disclosure leaves the portrait out")
    }

    func testDisclosuresShowOnlyWhatWasChosen() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let verifier = world.verifier()

        func shown(_ disclosure: Disclosure) throws -> Set<ClaimKey> {
            world.clock.advance(by: 1) // each code is new (the verifier remembers codes it accepted)
            let presentation = try wallet.present(number: World.holderNumber, disclosure: disclosure, challenge: nil)
            let verdict = try verifier.verify(qrText: presentation.qrText, challenge: nil)
            XCTAssertTrue(verdict.accepted, "\(disclosure): \(verdict.failures)")
            XCTAssertEqual(Set(presentation.disclosed), Set(verdict.claims.map(\.key)))
            return Set(verdict.claims.map(\.key))
        }

        XCTAssertEqual(try shown(.ageOver18), [.ageOver18])
        XCTAssertEqual(try shown(.only([.nameEn, .expiryDate])), [.nameEn, .expiryDate])
        let identity = try shown(.identity)
        XCTAssertTrue(identity.isSuperset(of: [.nameAr, .nameEn, .documentNumber, .expiryDate]), "\(identity)")
        XCTAssertFalse(identity.contains(.birthDate))
        XCTAssertTrue(try shown(.full).contains(.birthDate))

        world.clock.advance(by: 1)
        let age = try verifier.verify(
            qrText: wallet.present(number: World.holderNumber, disclosure: .ageOver21, challenge: nil).qrText,
            challenge: nil
        )
        XCTAssertEqual(age.claims.first?.value, .bool(true))
    }

    func testChallengeAssuranceLevelsAndThePrintedCode() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let verifier = world.verifier()
        let challenge = try verifier.newChallenge()
        XCTAssertEqual(challenge.qrText, "HWC:" + challenge.code)
        XCTAssertEqual(try readChallengeCode(text: challenge.grouped), challenge.code)
        // Typed by the holder, or scanned by the wallet app.
        // (Two disclosures: at one fixed time the same answer would be the
        // same bytes, a replay.)
        for (entered, disclosure) in [(challenge.grouped, Disclosure.identity), (challenge.qrText, Disclosure.ageOver18)] {
            let answered = try wallet.present(number: World.holderNumber, disclosure: disclosure, challenge: entered)
            XCTAssertEqual(answered.challenge, challenge.code)
            let verdict = try verifier.verify(qrText: answered.qrText, challenge: challenge)
            XCTAssertTrue(verdict.accepted, "\(verdict.failures)")
            XCTAssertEqual(verdict.assurance, .challenged)
        }
        let other = try world.verifier().newChallenge()
        if other.code != challenge.code {
            let wrong = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: other.code)
            XCTAssertEqual(codes(try verifier.verify(qrText: wrong.qrText, challenge: challenge)), ["challenge_mismatch"])
        }
        let timed = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)
        XCTAssertEqual(codes(try verifier.verify(qrText: timed.qrText, challenge: challenge)), ["challenge_not_answered"])
        XCTAssertEqual(try world.verifier().verify(qrText: timed.qrText, challenge: nil).assurance, .timed)
        XCTAssertWalletError(try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: "12345")) {
            $0 == .InvalidChallenge
        }

        let printed = try wallet.presentStatic(number: World.holderNumber, disclosure: .identity)
        XCTAssertEqual(printed.mode, .static)
        let verdict = try world.verifier().verify(qrText: printed.qrText, challenge: nil)
        XCTAssertTrue(verdict.accepted)
        XCTAssertEqual(verdict.assurance, .printed)
        XCTAssertTrue(verdict.warnings.map(\.code).contains("static_lower_assurance"))
        var strict = defaultPolicy()
        strict.minAssurance = .timed
        XCTAssertEqual(codes(try world.verifier(policy: strict).verify(qrText: printed.qrText, challenge: nil)), ["assurance_below_minimum"])
        strict.minAssurance = .challenged
        XCTAssertEqual(codes(try world.verifier(policy: strict).verify(qrText: timed.qrText, challenge: nil)), ["assurance_below_minimum"])
        XCTAssertFalse(describeAssurance(assurance: .challenged).isEmpty)
    }

    func testAPrintCredentialIsNeededForPrintedCodes() throws {
        let world = try World()
        let wallet = try world.passphraseWallet()
        _ = try wallet.importCredential(credential: world.issue(World.nationalID(), to: wallet), trustList: world.trustList)
        XCTAssertEqual(try wallet.documents().first?.printable, false)
        XCTAssertWalletError(try wallet.presentStatic(number: World.holderNumber, disclosure: .full)) { $0 == .NoPrintCredential }
        let print = try world.issuePrint(World.nationalID())
        XCTAssertWalletError(try wallet.importCredential(credential: print, trustList: world.trustList)) { $0 == .PrintOnlyCredential }
        XCTAssertWalletError(try wallet.addPrintCredential(printCredential: world.issuePrint(World.nationalID(version: 2)), trustList: world.trustList)) {
            $0 == .PrintCredentialMismatch
        }
        XCTAssertEqual(try wallet.addPrintCredential(printCredential: print, trustList: world.trustList).printable, true)
        let printed = try wallet.presentStatic(number: World.holderNumber, disclosure: .full)
        XCTAssertEqual(try world.verifier().verify(qrText: printed.qrText, challenge: nil).assurance, .printed)
    }

    func testDependentRenewalLogAndDetails() throws {
        let world = try World()
        let wallet = try world.holderWallet()

        let child = try world.issue(World.childID(), to: wallet, guardian: World.holderNumber, statusIndex: 2)
        _ = try wallet.importCredential(credential: child, trustList: world.trustList)
        let dependents = try wallet.dependents()
        XCTAssertEqual(dependents.map(\.nameEn), ["Layan Al-Harbi"])
        XCTAssertEqual(dependents.first?.isDependent, true)
        XCTAssertEqual(dependents.first?.documents.first?.guardian, World.holderNumber)
        XCTAssertEqual(try wallet.people().count, 2)
        let childCode = try wallet.present(number: World.childNumber, disclosure: .identity, challenge: nil)
        let childVerdict = try world.verifier().verify(qrText: childCode.qrText, challenge: nil)
        XCTAssertTrue(childVerdict.accepted, "\(childVerdict.failures)")
        XCTAssertEqual(childVerdict.guardian, World.holderNumber)

        let renewal = try world.issue(World.nationalID(version: 2), to: wallet, statusIndex: 3)
        guard case .renewed(let document, let replaced) = try wallet.renew(credential: renewal, trustList: world.trustList) else {
            return XCTFail("a higher version renews")
        }
        XCTAssertEqual(document.version, 2)
        XCTAssertEqual(replaced, 1)
        let old = try world.issue(World.nationalID(version: 1), to: wallet, statusIndex: 4)
        XCTAssertWalletError(try wallet.importCredential(credential: old, trustList: world.trustList)) {
            if case .OlderVersion(stored: 2, offered: 1) = $0 { return true }
            return false
        }

        let details = try wallet.show(number: World.holderNumber)
        XCTAssertEqual(details.issuer, "Test ID Authority")
        XCTAssertEqual(details.claims.first { $0.key == .nameEn }?.display, "Sara Al-Harbi")
        XCTAssertFalse(details.claims.first { $0.key == .nameEn }?.labelAr.isEmpty ?? true)

        let log = try wallet.presentationLog()
        XCTAssertEqual(log.count, 1)
        XCTAssertEqual(log.first?.documentNumber, World.childNumber)
        XCTAssertEqual(log.first?.mode, .deviceBound)
        XCTAssertEqual(try wallet.clearPresentationLog(), 1)
        XCTAssertEqual(try wallet.presentationLog(), [])
    }

    func testBackupRestoresDocumentsThatNeedRebinding() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let backup = try wallet.exportBackup(passphrase: "backup passphrase for the test")
        let restored = try restoreBackupWithPassphrase(
            path: world.walletPath("restored"), backup: backup, backupPassphrase: "backup passphrase for the test",
            newPassphrase: "another long passphrase", trustList: world.trustList, options: defaultWalletOptions(), clock: world.clock
        )
        XCTAssertEqual(restored.documents, 1)
        XCTAssertEqual(restored.needsRebinding, 1)
        XCTAssertTrue(restored.skipped.isEmpty)
        XCTAssertWalletError(try restored.wallet.present(number: World.holderNumber, disclosure: .full, challenge: nil)) {
            $0 == .NeedsRebinding
        }
        let printed = try restored.wallet.presentStatic(number: World.holderNumber, disclosure: .identity)
        XCTAssertTrue(try world.verifier().verify(qrText: printed.qrText, challenge: nil).accepted)
        XCTAssertWalletError(try restoreBackupWithPassphrase(
            path: world.walletPath("restored-again"), backup: backup, backupPassphrase: "not the backup passphrase",
            newPassphrase: "another long passphrase", trustList: world.trustList, options: defaultWalletOptions(), clock: world.clock
        )) { $0 == .WrongBackupPassphrase }

        // Checked against the trust list like an import: another authority's
        // list leaves the document out, and says why.
        let stranger = try World(keyId: "t2")
        let elsewhere = try restoreBackupWithPassphrase(
            path: world.walletPath("restored-elsewhere"), backup: backup, backupPassphrase: "backup passphrase for the test",
            newPassphrase: "another long passphrase", trustList: stranger.trustList, options: defaultWalletOptions(), clock: world.clock
        )
        XCTAssertEqual(elsewhere.documents, 0)
        XCTAssertEqual(try elsewhere.wallet.documents().count, 0)
        XCTAssertEqual(elsewhere.skipped.map(\.number), [World.holderNumber])
        XCTAssertEqual(elsewhere.skipped.map(\.reason), [.notTrusted])
    }

    func testRevokedCredentialIsRejected() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let verifier = world.verifier()
        try verifier.addStatusList(bytes: world.issuer.signedStatusList(issuedAt: World.start, ttlSecs: 86_400))
        let code = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)
        XCTAssertTrue(try verifier.verify(qrText: code.qrText, challenge: nil).accepted)

        try world.issuer.revoke(statusIndex: 1)
        let revokedList = world.issuer.signedStatusList(issuedAt: World.start + 10, ttlSecs: 86_400)
        let fresh = world.verifier()
        try fresh.addStatusList(bytes: revokedList)
        world.clock.advance(by: 20)
        let again = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)
        XCTAssertEqual(codes(try fresh.verify(qrText: again.qrText, challenge: nil)), ["revoked"])
    }
}
