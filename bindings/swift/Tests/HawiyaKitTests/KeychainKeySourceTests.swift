import Foundation
import XCTest
import HawiyaKit

/// A stand-in for the Secure Enclave: a key pair is a random pad (XOR), kept
/// until deleted; a decrypt fails as scripted, the way iOS would.
final class FakeKeychainStore: KeychainKeyStore, @unchecked Sendable {
    private let lock = NSLock()
    private var pad: [UInt8]?
    private var nextDecryptError: KeychainCallError?
    private(set) var decryptCalls = 0
    private(set) var keysCreated = 0
    private(set) var reasons: [String] = []
    private var enrollment: Data?

    /// The enrolment hash the system reports (`nil`: no biometrics).
    func setEnrollment(_ hash: Data?) {
        lock.lock()
        enrollment = hash
        lock.unlock()
    }

    func currentEnrollment() -> Data? {
        lock.lock()
        defer { lock.unlock() }
        return enrollment
    }

    /// The next decrypt throws `error` (then decrypts work again).
    func failNextDecrypt(with error: KeychainCallError) {
        lock.lock()
        nextDecryptError = error
        lock.unlock()
    }

    /// Forgets a scripted failure that was never used.
    func clearFailure() {
        lock.lock()
        nextDecryptError = nil
        lock.unlock()
    }

    /// What iOS does to a `.biometryCurrentSet` key when a finger or face is
    /// added: the key is gone.
    func changeEnrolledBiometrics() {
        lock.lock()
        pad = nil
        lock.unlock()
    }

    func encrypt(_ plaintext: Data) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        if pad == nil {
            var generator = SystemRandomNumberGenerator()
            pad = (0 ..< 64).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            keysCreated += 1
        }
        return Data(zip(plaintext, pad!).map { $0 ^ $1 })
    }

    func decrypt(_ ciphertext: Data, reason: String) throws -> Data {
        lock.lock()
        defer { lock.unlock() }
        decryptCalls += 1
        reasons.append(reason)
        if let error = nextDecryptError {
            nextDecryptError = nil
            throw error
        }
        guard let pad else { throw KeychainCallError.status(KeychainErrorMap.itemNotFound) }
        return Data(zip(ciphertext, pad).map { $0 ^ $1 })
    }

    func deleteKey() throws {
        lock.lock()
        pad = nil
        lock.unlock()
    }
}

final class KeychainKeySourceTests: XCTestCase {
    typealias LA = KeychainErrorMap.LA

    /// A key-source wallet over a fake Keychain, holding the holder's ID, locked.
    private func lockedWallet(_ world: World) throws -> (Wallet, KeychainKeySource, FakeKeychainStore) {
        let store = FakeKeychainStore()
        let source = KeychainKeySource(store: store, reason: "Unlock your ID")
        let wallet = try Wallet.createWithKeySource(
            path: world.walletPath("keychain"), keySource: source, options: defaultWalletOptions(), clock: world.clock
        )
        _ = try wallet.importCredential(credential: world.issue(World.nationalID(), to: wallet), trustList: world.trustList)
        wallet.lock()
        return (wallet, source, store)
    }

    // MARK: the tables

    func testOnlyAWrongBiometricIsAWrongSecret() {
        XCTAssertEqual(KeychainErrorMap.failure(forStatus: KeychainErrorMap.authFailed), .rejected)
        XCTAssertEqual(KeychainErrorMap.failure(forAuthenticationError: LA.authenticationFailed), .rejected)
        let notWrongSecrets: [KeychainCallError] = [
            .status(KeychainErrorMap.userCanceled), .status(KeychainErrorMap.interactionNotAllowed),
            .status(KeychainErrorMap.notAvailable), .status(KeychainErrorMap.itemNotFound), .status(-50),
            .authentication(LA.userCancel), .authentication(LA.userFallback), .authentication(LA.systemCancel),
            .authentication(LA.appCancel), .authentication(LA.invalidContext), .authentication(LA.notInteractive),
            .authentication(LA.biometryLockout), .authentication(LA.passcodeNotSet),
            .authentication(LA.biometryNotAvailable), .authentication(LA.biometryNotEnrolled), .authentication(-99),
            .other("no public half"),
        ]
        for error in notWrongSecrets {
            XCTAssertNotEqual(KeychainErrorMap.failure(for: error), .rejected, "\(error)")
            XCTAssertNotEqual(KeychainErrorMap.failure(for: error).keySourceError, .Rejected, "\(error)")
        }
    }

    func testCancelsMapToCancelled() {
        XCTAssertEqual(KeychainErrorMap.failure(forStatus: KeychainErrorMap.userCanceled), .cancelled)
        for code in [LA.userCancel, LA.userFallback, LA.systemCancel, LA.appCancel, LA.invalidContext] {
            XCTAssertEqual(KeychainErrorMap.failure(forAuthenticationError: code), .cancelled, "LAError \(code)")
            XCTAssertEqual(KeychainErrorMap.failure(forAuthenticationError: code).keySourceError, .Cancelled)
        }
    }

    func testLockoutAndInteractionNotAllowedAreUnavailable() {
        for failure in [
            KeychainErrorMap.failure(forAuthenticationError: LA.biometryLockout),
            KeychainErrorMap.failure(forAuthenticationError: LA.notInteractive),
            KeychainErrorMap.failure(forStatus: KeychainErrorMap.interactionNotAllowed),
        ] {
            guard case .unavailable(let reason) = failure else { return XCTFail("\(failure)") }
            XCTAssertFalse(reason.isEmpty)
        }
        XCTAssertEqual(KeychainErrorMap.failure(forStatus: -50), .unavailable("Keychain error -50"))
    }

    func testAMissingKeyIsInvalidatedWithResetAsTheRecovery() {
        XCTAssertEqual(KeychainErrorMap.failure(forStatus: KeychainErrorMap.itemNotFound), .invalidated)
        guard case .Unavailable(let reason) = KeychainFailure.invalidated.keySourceError else {
            return XCTFail("an invalidated key is Unavailable to the wallet, never Rejected")
        }
        XCTAssertTrue(reason.contains("reset the wallet"), reason)
    }

    func testWrappedKeyRoundTripAndRefusals() throws {
        let ciphertext = Data([9, 8, 7])
        let stored = WrappedKey.encode(ciphertext)
        XCTAssertEqual(stored, Data([1, 9, 8, 7]))
        XCTAssertEqual(try WrappedKey.decode(stored), WrappedKey.Contents(ciphertext: ciphertext, enrollment: nil))
        let withState = WrappedKey.encode(ciphertext, enrollment: Data([0xAA, 0xBB]))
        XCTAssertEqual(withState, Data([2, 2, 0xAA, 0xBB, 9, 8, 7]))
        XCTAssertEqual(try WrappedKey.decode(withState), WrappedKey.Contents(ciphertext: ciphertext, enrollment: Data([0xAA, 0xBB])))
        XCTAssertEqual(WrappedKey.encode(ciphertext, enrollment: Data()), stored, "an empty hash is no hash")
        XCTAssertEqual(WrappedKey.encode(ciphertext, enrollment: Data(count: 256)), stored, "too long for its length byte")
        for empty in [Data(), Data([1]), Data([2]), Data([2, 0, 5]), Data([2, 2, 0xAA, 0xBB]), Data([2, 9, 1, 2])] {
            XCTAssertThrowsError(try WrappedKey.decode(empty), "\([UInt8](empty))") {
                XCTAssertEqual($0 as? WrappedKey.DecodeError, .empty)
            }
        }
        XCTAssertThrowsError(try WrappedKey.decode(Data([3, 1]))) {
            XCTAssertEqual($0 as? WrappedKey.DecodeError, .unknownFormat(3))
        }
    }

    // MARK: through the wallet

    func testUnlocksWithTheKeychainAndShowsTheReason() async throws {
        let world = try World()
        let (wallet, source, store) = try lockedWallet(world)
        _ = try await wallet.unlock(keySource: source)
        XCTAssertTrue(wallet.isUnlocked())
        XCTAssertEqual(store.reasons, ["Unlock your ID"])
        XCTAssertNil(source.lastFailure)
    }

    /// User cancel, system cancel, app cancel (its timeout), a context
    /// invalidated by the app: `Cancelled`, never counted, unlockable at once.
    func testCancelsAreNotCountedAsWrongSecrets() async throws {
        let world = try World()
        let (wallet, source, store) = try lockedWallet(world)
        let cancels: [KeychainCallError] = [
            .status(KeychainErrorMap.userCanceled), .authentication(LA.userCancel),
            .authentication(LA.systemCancel), .authentication(LA.appCancel), .authentication(LA.invalidContext),
            .authentication(LA.userFallback),
        ]
        for _ in 0 ..< 3 {
            for cancel in cancels {
                store.failNextDecrypt(with: cancel)
                do {
                    _ = try await wallet.unlock(keySource: source)
                    XCTFail("\(cancel) unlocked")
                } catch let error as WalletError {
                    XCTAssertEqual(error, .KeySourceCancelled, "\(cancel)")
                }
                XCTAssertEqual(source.lastFailure, .cancelled)
            }
        }
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)
        XCTAssertFalse(source.isInvalidated)
        _ = try await wallet.unlock(keySource: source)
        XCTAssertTrue(wallet.isUnlocked())
    }

    /// Timeout (not interactive), locked phone, biometric lockout: `Unavailable`,
    /// never counted, not an invalidation.
    func testTimeoutInteractionNotAllowedAndLockoutAreUnavailable() async throws {
        let world = try World()
        let (wallet, source, store) = try lockedWallet(world)
        let unavailable: [KeychainCallError] = [
            .authentication(LA.notInteractive), .status(KeychainErrorMap.interactionNotAllowed),
            .authentication(LA.biometryLockout), .authentication(LA.biometryNotEnrolled),
        ]
        for error in unavailable {
            store.failNextDecrypt(with: error)
            do {
                _ = try await wallet.unlock(keySource: source)
                XCTFail("\(error) unlocked")
            } catch WalletError.KeySourceUnavailable(let reason) {
                XCTAssertFalse(reason.isEmpty)
            }
        }
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)
        XCTAssertFalse(source.isInvalidated)
        _ = try await wallet.unlock(keySource: source)
        XCTAssertTrue(wallet.isUnlocked())
    }

    func testAWrongBiometricIsCounted() async throws {
        let world = try World()
        let (wallet, source, store) = try lockedWallet(world)
        store.failNextDecrypt(with: .authentication(LA.authenticationFailed))
        do {
            _ = try await wallet.unlock(keySource: source)
            XCTFail("a rejected biometric unlocked")
        } catch let error as WalletError {
            XCTAssertEqual(error, .KeySourceRejected)
        }
        XCTAssertEqual(try wallet.failedAttempts().failures, 1)
    }

    /// A biometric change deletes the key: the unlock throws the typed
    /// invalidation, the reset recovers onto a new key, and the wallet is
    /// fresh and empty (documents provisioned again).
    func testInvalidationAfterABiometricChangeIsTypedAndResetRecovers() async throws {
        let world = try World()
        let (wallet, source, store) = try lockedWallet(world)
        store.changeEnrolledBiometrics()
        do {
            _ = try await wallet.unlock(keySource: source)
            XCTFail("an invalidated key unlocked")
        } catch {
            XCTAssertEqual(error as? KeySourceInvalidated, KeySourceInvalidated(), "\(error)")
            XCTAssertTrue(error.localizedDescription.contains("reset the wallet"))
        }
        XCTAssertTrue(source.isInvalidated)
        XCTAssertEqual(source.lastFailure, .invalidated)
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)
        XCTAssertFalse(wallet.isUnlocked())

        try await wallet.resetAfterInvalidation(keySource: source)
        XCTAssertFalse(source.isInvalidated)
        XCTAssertTrue(wallet.isUnlocked())
        XCTAssertEqual(try wallet.documents(), [])
        XCTAssertEqual(store.keysCreated, 2, "the reset wrapped the new data key with a new Keychain key")
        _ = try await wallet.importCredential(world.issue(World.nationalID(), to: wallet), trustList: world.trustList)
        wallet.lock()
        _ = try await wallet.unlock(keySource: source)
        XCTAssertEqual(try wallet.documents().count, 1)
    }

    /// The enrolment changed while the Keychain still answers (here: as a
    /// failed authentication): the key source reports the invalidation from
    /// the stored enrolment hash, without a prompt and never as a wrong
    /// secret, however often the holder tries.
    func testAChangedEnrolmentIsAnInvalidationWithoutAPrompt() async throws {
        let world = try World()
        let store = FakeKeychainStore()
        store.setEnrollment(Data("face-1".utf8))
        let source = KeychainKeySource(store: store)
        let wallet = try Wallet.createWithKeySource(
            path: world.walletPath("enrolment"), keySource: source, options: defaultWalletOptions(), clock: world.clock
        )
        wallet.lock()
        _ = try await wallet.unlock(keySource: source)
        XCTAssertEqual(store.decryptCalls, 1)
        wallet.lock()

        store.setEnrollment(Data("face-1+finger-2".utf8))
        // Were the Keychain asked, it would answer "authentication failed".
        store.failNextDecrypt(with: .status(KeychainErrorMap.authFailed))
        for _ in 0 ..< 12 {
            do {
                _ = try await wallet.unlock(keySource: source)
                XCTFail("unlocked after the enrolment changed")
            } catch {
                XCTAssertTrue(error is KeySourceInvalidated, "\(error)")
            }
        }
        XCTAssertEqual(store.decryptCalls, 1, "no prompt after the change")
        XCTAssertEqual(try wallet.failedAttempts().failures, 0, "never counted as a wrong secret")

        store.clearFailure()
        try await wallet.resetAfterInvalidation(keySource: source)
        wallet.lock()
        _ = try await wallet.unlock(keySource: source)
        XCTAssertTrue(wallet.isUnlocked(), "the new key carries the new enrolment")
    }

    /// No biometrics enrolled now (the hash is unknown): the Keychain decides.
    func testAnUnknownEnrolmentLeavesItToTheKeychain() async throws {
        let world = try World()
        let store = FakeKeychainStore()
        store.setEnrollment(Data("face-1".utf8))
        let source = KeychainKeySource(store: store)
        let wallet = try Wallet.createWithKeySource(
            path: world.walletPath("unknown"), keySource: source, options: defaultWalletOptions(), clock: world.clock
        )
        wallet.lock()
        store.setEnrollment(nil)
        store.failNextDecrypt(with: .authentication(KeychainErrorMap.LA.biometryNotEnrolled))
        do {
            _ = try await wallet.unlock(keySource: source)
            XCTFail("unlocked")
        } catch WalletError.KeySourceUnavailable(let reason) {
            XCTAssertTrue(reason.contains("set up Face ID"), reason)
        }
        XCTAssertFalse(source.isInvalidated)
    }

    /// The synchronous unlock sees the same invalidation as Unavailable, with
    /// the recovery in its reason.
    func testSynchronousUnlockReportsInvalidationAsUnavailable() throws {
        let world = try World()
        let (wallet, source, store) = try lockedWallet(world)
        store.changeEnrolledBiometrics()
        XCTAssertWalletError(try wallet.unlockWithKeySource(keySource: source)) {
            if case .KeySourceUnavailable(let reason) = $0 { return reason.contains("reset the wallet") }
            return false
        }
        XCTAssertTrue(source.isInvalidated)
    }

    func testAStoredKeyOfANewerFormatIsRefusedWithoutAPrompt() throws {
        let store = FakeKeychainStore()
        let source = KeychainKeySource(store: store)
        XCTAssertThrowsError(try source.unwrap(wrapped: Data([7, 1, 2, 3]))) {
            guard case .Unavailable(let reason) = $0 as? KeySourceError else { return XCTFail("\($0)") }
            XCTAssertTrue(reason.contains("newer version"), reason)
        }
        XCTAssertEqual(store.decryptCalls, 0)
        XCTAssertFalse(source.isInvalidated)
    }
}
