import Foundation

/// The platform half of ``KeychainKeySource``: a key pair whose private half
/// never leaves the device. On iOS it is ``SecureEnclaveKeyStore`` (a P-256
/// key in the Secure Enclave made with `.biometryCurrentSet`); tests use a
/// stand-in. Each method throws only ``KeychainCallError``.
public protocol KeychainKeyStore: AnyObject, Sendable {
    /// Encrypts `plaintext` to the public half, creating the key pair first if
    /// there is none. Never prompts the holder.
    func encrypt(_ plaintext: Data) throws -> Data
    /// Decrypts with the private half, which makes the system ask for Face ID
    /// or Touch ID with `reason`. Throws `.status(errSecItemNotFound)` when
    /// the key does not exist (any more).
    func decrypt(_ ciphertext: Data, reason: String) throws -> Data
    /// Deletes the key pair. Deleting a key that does not exist is not an error.
    func deleteKey() throws
    /// The system's opaque hash of the biometrics enrolled now
    /// (LocalAuthentication's domain state), `nil` when unknown (no
    /// biometrics, or a store that cannot tell). Never prompts.
    func currentEnrollment() -> Data?
}

extension KeychainKeyStore {
    /// A store that cannot tell the enrolment: invalidation is then seen
    /// only when the key is gone.
    public func currentEnrollment() -> Data? { nil }
}

/// The wallet's `KeySource` on Apple platforms: the wallet's data key is
/// encrypted to a key in the Secure Enclave that needs the holder's current
/// biometrics for every use.
///
/// The one policy, chosen once: the key is made with
/// `[.privateKeyUsage, .biometryCurrentSet]` and
/// `kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly`. Adding or removing a
/// fingerprint or face, or removing the passcode, invalidates it (so does
/// moving the wallet file to another phone): unlock then fails with
/// ``KeychainFailure/invalidated`` and ``isInvalidated`` turns true. The
/// recovery is ``Wallet/resetAfterInvalidation(keySource:)`` (a fresh, empty
/// wallet on a new key) and provisioning the documents again, or restoring a
/// backup with a new key.
///
/// How failures reach the wallet (``KeychainErrorMap``): only a wrong
/// biometric is `Rejected` (a failed unlock); cancels by the holder, the
/// system or the app, timeouts and `errSecInteractionNotAllowed` are
/// `Cancelled` or `Unavailable`, and lockout is `Unavailable`; none of them
/// counts as a wrong secret.
public final class KeychainKeySource: KeySource, @unchecked Sendable {
    private let store: KeychainKeyStore
    private let reason: String
    private let lock = NSLock()
    private var invalidated = false
    private var lastFailureValue: KeychainFailure?

    /// A key source over `store`; `reason` is the text under the Face ID prompt.
    public init(store: KeychainKeyStore, reason: String = "Unlock your ID wallet") {
        self.store = store
        self.reason = reason
    }

    /// True once an unwrap found the key invalidated (see the type's
    /// documentation); false again after ``deleteKey()``.
    public var isInvalidated: Bool {
        lock.lock()
        defer { lock.unlock() }
        return invalidated
    }

    /// How the last wrap or unwrap failed, `nil` if it succeeded.
    public var lastFailure: KeychainFailure? {
        lock.lock()
        defer { lock.unlock() }
        return lastFailureValue
    }

    public func wrap(dataKey: Data) throws -> Data {
        do {
            let ciphertext = try store.encrypt(dataKey)
            record(nil)
            return WrappedKey.encode(ciphertext, enrollment: store.currentEnrollment())
        } catch {
            throw fail(Self.failure(error))
        }
    }

    public func unwrap(wrapped: Data) throws -> Data {
        let contents: WrappedKey.Contents
        do {
            contents = try WrappedKey.decode(wrapped)
        } catch WrappedKey.DecodeError.unknownFormat {
            // Refused before the Keychain is asked: no prompt for nothing.
            throw fail(.unavailable("the stored key was written by a newer version of the app; update the app"))
        } catch {
            throw fail(.unavailable("the stored key is damaged; restore the wallet from a backup"))
        }
        // The enrolment changed since the wrap: the .biometryCurrentSet key is
        // invalidated whatever the Keychain would answer. Said without a
        // prompt that cannot succeed (and never as a wrong secret).
        if let then = contents.enrollment, let now = store.currentEnrollment(), then != now {
            throw fail(.invalidated)
        }
        do {
            let dataKey = try store.decrypt(contents.ciphertext, reason: reason)
            record(nil)
            return dataKey
        } catch {
            throw fail(Self.failure(error))
        }
    }

    /// Deletes the Keychain key, so the next wrap (a wallet reset or restore)
    /// makes a new one. Every wallet wrapped with the old key can then only be
    /// reset or restored from a backup.
    public func deleteKey() throws {
        do {
            try store.deleteKey()
        } catch {
            throw fail(Self.failure(error))
        }
        lock.lock()
        invalidated = false
        lastFailureValue = nil
        lock.unlock()
    }

    private static func failure(_ error: Error) -> KeychainFailure {
        if let call = error as? KeychainCallError { return KeychainErrorMap.failure(for: call) }
        return .unavailable("the Keychain failed: \(error.localizedDescription)")
    }

    private func record(_ failure: KeychainFailure?) {
        lock.lock()
        lastFailureValue = failure
        if failure == .invalidated { invalidated = true }
        lock.unlock()
    }

    private func fail(_ failure: KeychainFailure) -> KeySourceError {
        record(failure)
        return failure.keySourceError
    }
}

/// The wallet's key was invalidated (see ``KeychainFailure/invalidated``):
/// what the async `unlock(keySource:)` throws instead of
/// `WalletError.KeySourceUnavailable` when a ``KeychainKeySource`` says so.
/// Recovery: ``Wallet/resetAfterInvalidation(keySource:)``, then provision
/// the documents again (or restore a backup).
public struct KeySourceInvalidated: Error, LocalizedError, Equatable {
    public init() {}
    public var errorDescription: String? { KeychainFailure.invalidatedReason }
}
