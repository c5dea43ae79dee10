#if canImport(Security) && canImport(LocalAuthentication)
import Foundation
import LocalAuthentication
import Security

/// The ``KeychainKeyStore`` of iOS: a P-256 key pair in the Secure Enclave
/// (in the Keychain on the simulator, which has none), tagged `tag`.
///
/// The policy, the only one HawiyaKit uses: access control
/// `[.privateKeyUsage, .biometryCurrentSet]` (the simulator drops
/// `.privateKeyUsage`), accessible `WhenPasscodeSetThisDeviceOnly`. So every
/// use of the private key asks for the holder's current Face ID or Touch ID;
/// a change of the enrolled biometrics or removing the passcode deletes the
/// key (the unlock then reports ``KeychainFailure/invalidated``); the key is
/// in no backup and on no other device. Encrypting (ECIES, cofactor X9.63
/// SHA-256, AES-GCM) uses only the public half and never prompts.
/// ``currentEnrollment()`` is LocalAuthentication's domain state, which
/// changes exactly when the enrolled biometrics do: ``KeychainKeySource``
/// keeps it with the wrapped key and reports an invalidated key from it
/// before asking for Face ID.
///
/// This file is the only one calling Security and LocalAuthentication; what
/// its errors mean is decided in ``KeychainErrorMap``, tested on Linux.
public final class SecureEnclaveKeyStore: KeychainKeyStore, @unchecked Sendable {
    private static let algorithm: SecKeyAlgorithm = .eciesEncryptionCofactorVariableIVX963SHA256AESGCM
    private let tag: Data
    private let promptTimeout: TimeInterval?

    /// The key tagged `tag`. With `promptTimeout`, a Face ID prompt still open
    /// after that many seconds is cancelled (the unlock reports `Cancelled`).
    public init(tag: String, promptTimeout: TimeInterval? = nil) {
        self.tag = Data(tag.utf8)
        self.promptTimeout = promptTimeout
    }

    public func encrypt(_ plaintext: Data) throws -> Data {
        let privateKey = try existingKey(context: nil) ?? createKey()
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw KeychainCallError.other("the wallet key has no public half")
        }
        var error: Unmanaged<CFError>?
        guard let ciphertext = SecKeyCreateEncryptedData(publicKey, Self.algorithm, plaintext as CFData, &error) else {
            throw Self.callError(error)
        }
        return ciphertext as Data
    }

    public func decrypt(_ ciphertext: Data, reason: String) throws -> Data {
        let context = LAContext()
        context.localizedReason = reason
        if let promptTimeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + promptTimeout) { [weak context] in
                context?.invalidate() // the prompt ends with LAError.appCancel / invalidContext
            }
        }
        defer { context.invalidate() }
        guard let privateKey = try existingKey(context: context) else {
            throw KeychainCallError.status(errSecItemNotFound)
        }
        var error: Unmanaged<CFError>?
        guard let plaintext = SecKeyCreateDecryptedData(privateKey, Self.algorithm, ciphertext as CFData, &error) else {
            throw Self.callError(error)
        }
        return plaintext as Data
    }

    public func deleteKey() throws {
        let query: [String: Any] = [kSecClass as String: kSecClassKey, kSecAttrApplicationTag as String: tag]
        let status = SecItemDelete(query as CFDictionary)
        guard status == errSecSuccess || status == errSecItemNotFound else {
            throw KeychainCallError.status(status)
        }
    }

    public func currentEnrollment() -> Data? {
        let context = LAContext()
        var error: NSError?
        guard context.canEvaluatePolicy(.deviceOwnerAuthenticationWithBiometrics, error: &error) else { return nil }
        return context.evaluatedPolicyDomainState
    }

    private func existingKey(context: LAContext?) throws -> SecKey? {
        var query: [String: Any] = [
            kSecClass as String: kSecClassKey,
            kSecAttrApplicationTag as String: tag,
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecReturnRef as String: true,
        ]
        if let context { query[kSecUseAuthenticationContext as String] = context }
        var item: CFTypeRef?
        let status = SecItemCopyMatching(query as CFDictionary, &item)
        if status == errSecItemNotFound { return nil }
        guard status == errSecSuccess, let item, CFGetTypeID(item) == SecKeyGetTypeID() else {
            throw KeychainCallError.status(status == errSecSuccess ? errSecInvalidItemRef : status)
        }
        return (item as! SecKey) // checked just above: the item is a SecKey
    }

    private func createKey() throws -> SecKey {
        #if targetEnvironment(simulator)
        let flags: SecAccessControlCreateFlags = [.biometryCurrentSet]
        #else
        let flags: SecAccessControlCreateFlags = [.privateKeyUsage, .biometryCurrentSet]
        #endif
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(
            nil, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, flags, &error
        ) else {
            throw Self.callError(error)
        }
        var attributes: [String: Any] = [
            kSecAttrKeyType as String: kSecAttrKeyTypeECSECPrimeRandom,
            kSecAttrKeySizeInBits as String: 256,
            kSecPrivateKeyAttrs as String: [
                kSecAttrIsPermanent as String: true,
                kSecAttrApplicationTag as String: tag,
                kSecAttrAccessControl as String: access,
            ] as [String: Any],
        ]
        #if !targetEnvironment(simulator)
        attributes[kSecAttrTokenID as String] = kSecAttrTokenIDSecureEnclave
        #endif
        guard let key = SecKeyCreateRandomKey(attributes as CFDictionary, &error) else {
            throw Self.callError(error)
        }
        return key
    }

    /// The numbers of a Security or LocalAuthentication error.
    private static func callError(_ error: Unmanaged<CFError>?) -> KeychainCallError {
        guard let error = error?.takeRetainedValue() else {
            return .other("the Keychain failed without saying why")
        }
        let code = CFErrorGetCode(error)
        if CFErrorGetDomain(error) as String == LAErrorDomain {
            return .authentication(code)
        }
        return .status(Int32(truncatingIfNeeded: code))
    }
}

extension KeychainKeySource {
    /// The key source of an iOS app: ``SecureEnclaveKeyStore`` under `tag`,
    /// `reason` under the Face ID prompt.
    public static func secureEnclave(
        tag: String, reason: String = "Unlock your ID wallet", promptTimeout: TimeInterval? = 60
    ) -> KeychainKeySource {
        KeychainKeySource(store: SecureEnclaveKeyStore(tag: tag, promptTimeout: promptTimeout), reason: reason)
    }
}
#endif
