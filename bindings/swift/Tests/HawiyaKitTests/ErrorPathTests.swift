import Foundation
import XCTest
import HawiyaKit

/// Each way things go wrong reaches Swift as a typed error or a rejected
/// verdict, never a crash.
final class ErrorPathTests: XCTestCase {
    func testWrongPassphraseCountsDownAndChangesNothingElse() throws {
        let world = try World()
        let path = world.walletPath()
        do {
            let wallet = try world.holderWallet()
            wallet.lock()
        }
        let wallet = try Wallet.open(path: path, options: defaultWalletOptions(), clock: world.clock)
        var remaining: [UInt32] = []
        for _ in 0 ..< 2 {
            XCTAssertWalletError(try wallet.unlockWithPassphrase(passphrase: "not the passphrase at all")) {
                guard case .WrongPassphrase(let left) = $0 else { return false }
                remaining.append(left)
                return true
            }
        }
        XCTAssertEqual(remaining.count, 2)
        XCTAssertEqual(remaining.first.map { $0 - 1 }, remaining.last, "each failure uses one attempt")
        XCTAssertEqual(try wallet.failedAttempts().failures, 2)
        XCTAssertFalse(wallet.isUnlocked())

        _ = try wallet.unlockWithPassphrase(passphrase: World.passphrase)
        XCTAssertEqual(try wallet.documents().map(\.number), [World.holderNumber])
        XCTAssertEqual(try wallet.failedAttempts().failures, 0, "a success resets the count")
    }

    func testTamperedCodeIsRejected() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let text = try wallet.present(number: World.holderNumber, disclosure: .full, challenge: nil).qrText
        var characters = Array(text)
        let middle = characters.count / 2
        characters[middle] = characters[middle] == "A" ? "B" : "A"
        let verdict = try world.verifier().verify(qrText: String(characters), challenge: nil)
        XCTAssertFalse(verdict.accepted)
        XCTAssertFalse(verdict.failures.isEmpty)
        XCTAssertTrue(
            Set(codes(verdict)).isSubset(of: ["bad_issuer_signature", "bad_device_signature", "malformed"]),
            "\(codes(verdict))"
        )
        XCTAssertEqual(verdict.claims, [], "a rejected code discloses nothing")
        XCTAssertFalse(verdict.failures[0].message.isEmpty)

        for junk in ["", "HW2:", "https://example.org", "HW2:" + String(repeating: "Z", count: 40)] {
            let rejected = try world.verifier().verify(qrText: junk, challenge: nil)
            XCTAssertEqual(codes(rejected), ["malformed"], junk)
        }
    }

    func testStaleAndReplayedPresentations() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let code = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)

        // Still fresh just before its expiry, stale once it and the allowed
        // clock difference have passed.
        let justBefore = FixedClock(unixSeconds: code.expiresAt - 1)
        XCTAssertTrue(try world.verifier(clock: justBefore).verify(qrText: code.qrText, challenge: nil).accepted)
        let later = FixedClock(unixSeconds: code.expiresAt + Int64(defaultPolicy().clockSkewSecs) + 1)
        let stale = try world.verifier(clock: later).verify(qrText: code.qrText, challenge: nil)
        XCTAssertEqual(codes(stale), ["presentation_stale"])

        let early = FixedClock(unixSeconds: World.start - 600)
        XCTAssertEqual(codes(try world.verifier(clock: early).verify(qrText: code.qrText, challenge: nil)), ["presentation_from_future"])

        let verifier = world.verifier()
        XCTAssertTrue(try verifier.verify(qrText: code.qrText, challenge: nil).accepted)
        XCTAssertEqual(codes(try verifier.verify(qrText: code.qrText, challenge: nil)), ["replayed"])
    }

    func testUnknownIssuerIsRejected() throws {
        let world = try World()
        let other = try World(keyId: "t2")
        let wallet = try world.holderWallet()
        let code = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)
        XCTAssertEqual(codes(try other.verifier().verify(qrText: code.qrText, challenge: nil)), ["unknown_issuer_key"])
        // The wallet refuses a credential from an issuer it does not trust.
        let foreign = try other.issue(World.nationalID(number: 1_000_000_001), to: wallet)
        XCTAssertWalletError(try wallet.importCredential(credential: foreign, trustList: world.trustList)) { $0 == .NotTrusted }
    }

    func testTrivialPINsAndPassphrasesAreRefused() throws {
        let world = try World()
        let cases: [(String, WeakPasscodeKind)] = [
            ("123456", .sequence), ("000000", .repeatedCharacter), ("8d", .tooShort), ("qwxz", .tooShort),
        ]
        for (index, (passcode, expected)) in cases.enumerated() {
            let path = world.walletPath("weak-\(index)")
            XCTAssertWalletError(
                try Wallet.createWithPassphrase(path: path, passphrase: passcode, options: defaultWalletOptions(), clock: world.clock)
            ) {
                guard case .WeakPasscode(let kind, let reason) = $0 else { return false }
                XCTAssertFalse(reason.contains(passcode), "the message never repeats the passcode")
                return kind == expected
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), "a refused passcode leaves no file")
        }
        let wallet = try world.holderWallet()
        XCTAssertWalletError(try wallet.changePassphrase(newPassphrase: "19900412")) {
            if case .WeakPasscode(.birthDate, _) = $0 { return true }
            return false
        }
    }

    func testThrottlingThenLockout() throws {
        let world = try World()
        var options = defaultWalletOptions()
        options.unlockPolicy = UnlockPolicy(freeAttempts: 2, baseDelaySecs: 30, maxDelaySecs: 60, maxAttempts: 4)
        let wallet = try world.holderWallet(options: options)
        wallet.lock()

        for _ in 0 ..< 2 {
            XCTAssertWalletError(try wallet.unlockWithPassphrase(passphrase: "a wrong passphrase here")) {
                if case .WrongPassphrase = $0 { return true }
                return false
            }
        }
        // Past the free attempts, every try waits; even the right passphrase.
        var waited = false
        for _ in 0 ..< 2 {
            do {
                _ = try wallet.unlockWithPassphrase(passphrase: "a wrong passphrase here")
                XCTFail("a wrong passphrase never unlocks")
            } catch WalletError.RetryLater(let seconds) {
                waited = true
                XCTAssertGreaterThan(seconds, 0)
                XCTAssertLessThanOrEqual(seconds, 60)
                XCTAssertWalletError(try wallet.unlockWithPassphrase(passphrase: World.passphrase)) {
                    if case .RetryLater = $0 { return true }
                    return false
                }
                world.clock.advance(by: Int64(seconds))
            } catch WalletError.WrongPassphrase {
                world.clock.advance(by: 61)
            }
        }
        XCTAssertTrue(waited, "attempts past the free ones are throttled")

        var lockedOut = false
        for _ in 0 ..< 6 where !lockedOut {
            world.clock.advance(by: 3_600)
            do {
                _ = try wallet.unlockWithPassphrase(passphrase: "a wrong passphrase here")
            } catch WalletError.LockedOut(let failures) {
                lockedOut = true
                XCTAssertGreaterThanOrEqual(failures, 4)
            } catch WalletError.WrongPassphrase, WalletError.RetryLater {
                continue
            }
        }
        XCTAssertTrue(lockedOut)
        world.clock.advance(by: 30 * World.day)
        XCTAssertWalletError(try wallet.unlockWithPassphrase(passphrase: World.passphrase)) {
            if case .LockedOut = $0 { return true }
            return false
        }
        XCTAssertFalse(wallet.isUnlocked())
    }

    func testWalletFileErrors() throws {
        let world = try World()
        XCTAssertWalletError(try Wallet.open(path: world.walletPath("missing"), options: defaultWalletOptions(), clock: nil)) {
            $0 == .NotFound
        }
        let notAWallet = world.directory.appendingPathComponent("notes.db")
        try Data("these are not the bytes of a wallet".utf8).write(to: notAWallet)
        XCTAssertWalletError(try Wallet.open(path: notAWallet.path, options: defaultWalletOptions(), clock: nil)) {
            $0 == .NotAWallet
        }
        _ = try world.passphraseWallet()
        XCTAssertWalletError(try world.passphraseWallet()) { $0 == .AlreadyExists }
        let wallet = try world.holderWallet("second")
        XCTAssertWalletError(try wallet.present(number: 42, disclosure: .full, challenge: nil)) { $0 == .NoSuchDocument }
        XCTAssertWalletError(try wallet.unlockWithKeySource(keySource: MemoryKeySource())) {
            if case .WrongProtection = $0 { return true }
            return false
        }
    }

    func testErrorsReadAsSentencesFromRust() throws {
        let world = try World()
        let path = world.walletPath()
        do {
            let wallet = try world.holderWallet()
            wallet.lock()
        }
        let wallet = try Wallet.open(path: path, options: defaultWalletOptions(), clock: world.clock)
        let guess = "not the passphrase at all"
        XCTAssertThrowsError(try wallet.unlockWithPassphrase(passphrase: guess)) { error in
            guard case WalletError.WrongPassphrase(let remaining) = error else {
                return XCTFail("expected WalletError.WrongPassphrase, got \(error)")
            }
            XCTAssertEqual(error.localizedDescription,
                           "wrong passphrase; \(remaining) attempts left before the wallet locks")
            XCTAssertFalse(error.localizedDescription.contains(guess))
        }
        XCTAssertThrowsError(try TrustList.fromSigned(bytes: Data([0x42]), rootPublicKey: world.issuer.rootPublicKey())) { error in
            XCTAssertTrue(error is VerifyError, "\(error)")
            XCTAssertTrue(error.localizedDescription.hasPrefix("not a hawiya trust list or status list ("),
                          error.localizedDescription)
        }
        let appErrors: [(Error, String)] = [
            (KeySourceError.Rejected, "the device key store refused: authenticate and try again"),
            (SignerError.Unavailable(reason: "key invalidated"), "the device signer is unavailable (key invalidated)"),
            (ClockError.Unavailable(reason: "no network time"), "the clock is unavailable (no network time)"),
        ]
        for (error, sentence) in appErrors {
            XCTAssertEqual(error.localizedDescription, sentence)
        }
    }

    func testClockThatFailsIsATypedError() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let broken = BrokenClock()
        let verifier = world.verifier(clock: broken)
        let code = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)
        XCTAssertThrowsError(try verifier.verify(qrText: code.qrText, challenge: nil)) { error in
            guard case VerifyError.ClockUnavailable(let reason) = error else {
                return XCTFail("expected VerifyError.ClockUnavailable, got \(error)")
            }
            XCTAssertTrue(reason.contains("clock"), reason)
        }
    }
}

/// A clock whose hardware "failed": throws an error of its own type.
final class BrokenClock: Clock {
    struct Failure: Error {}
    func nowUnixSeconds() throws -> Int64 {
        throw Failure()
    }
}
