import Foundation
import HawiyaDemoLogic
import HawiyaKit
import LocalAuthentication
import Security

/// The wallet's key source on iOS.
///
/// A P-256 key pair lives in the Secure Enclave (in the Keychain on the
/// simulator, which has none), created with an access control that needs the
/// holder's presence (Face ID, Touch ID or the device passcode) for every use
/// of the private key, and only while the phone has a passcode. The wallet's
/// data key is encrypted to the public key (ECIES with AES-GCM), which needs no
/// prompt; unwrapping uses the private key, so the system asks for Face ID.
/// The key never leaves the device and is not in backups.
final class KeychainKeySource: KeySource, @unchecked Sendable {
    private static let algorithm: SecKeyAlgorithm = .eciesEncryptionCofactorVariableIVX963SHA256AESGCM
    private let tag: Data
    private let prompt: String

    /// A key source over the key tagged `tag`; `prompt` is the reason shown
    /// under Face ID.
    init(tag: String = "org.example.hawiya.wallet-key", prompt: String = "Unlock your ID wallet") {
        self.tag = Data(tag.utf8)
        self.prompt = prompt
    }

    func wrap(dataKey: Data) throws -> Data {
        let privateKey = try existingKey(context: nil) ?? createKey()
        guard let publicKey = SecKeyCopyPublicKey(privateKey) else {
            throw KeySourceError.Unavailable(reason: "the wallet key has no public half")
        }
        var error: Unmanaged<CFError>?
        guard let ciphertext = SecKeyCreateEncryptedData(publicKey, Self.algorithm, dataKey as CFData, &error) else {
            throw Self.keySourceError(error)
        }
        return WrappedKey.encode(ciphertext as Data)
    }

    func unwrap(wrapped: Data) throws -> Data {
        let ciphertext: Data
        do {
            ciphertext = try WrappedKey.decode(wrapped)
        } catch {
            throw KeySourceError.Unavailable(reason: "the stored key was written by a newer version of the app")
        }
        let context = LAContext()
        context.localizedReason = prompt
        guard let privateKey = try existingKey(context: context) else {
            throw Self.keySourceError(KeychainStatus.failure(forStatus: KeychainStatus.itemNotFound))
        }
        var error: Unmanaged<CFError>?
        guard let dataKey = SecKeyCreateDecryptedData(privateKey, Self.algorithm, ciphertext as CFData, &error) else {
            throw Self.keySourceError(error)
        }
        return dataKey as Data
    }

    /// Deletes the key: the wallet can then only be restored from a backup.
    func deleteKey() {
        let query: [String: Any] = [kSecClass as String: kSecClassKey, kSecAttrApplicationTag as String: tag]
        SecItemDelete(query as CFDictionary)
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
            throw Self.keySourceError(KeychainStatus.failure(forStatus: status))
        }
        return (item as! SecKey) // checked just above: the item is a SecKey
    }

    private func createKey() throws -> SecKey {
        #if targetEnvironment(simulator)
        let flags: SecAccessControlCreateFlags = [.userPresence]
        #else
        let flags: SecAccessControlCreateFlags = [.privateKeyUsage, .userPresence]
        #endif
        var error: Unmanaged<CFError>?
        guard let access = SecAccessControlCreateWithFlags(
            nil, kSecAttrAccessibleWhenPasscodeSetThisDeviceOnly, flags, &error
        ) else {
            throw Self.keySourceError(error)
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
            throw Self.keySourceError(error)
        }
        return key
    }

    /// The wallet's error for a Security or LocalAuthentication failure.
    private static func keySourceError(_ error: Unmanaged<CFError>?) -> KeySourceError {
        guard let error = error?.takeRetainedValue() else {
            return .Unavailable(reason: "the Keychain failed without saying why")
        }
        let code = CFErrorGetCode(error)
        if CFErrorGetDomain(error) as String == LAErrorDomain {
            return keySourceError(KeychainStatus.failure(forAuthenticationError: code))
        }
        return keySourceError(KeychainStatus.failure(forStatus: Int32(truncatingIfNeeded: code)))
    }

    private static func keySourceError(_ failure: KeychainFailure) -> KeySourceError {
        switch failure {
        case .rejected: return .Rejected
        case .cancelled: return .Cancelled
        case .unavailable(let reason): return .Unavailable(reason: reason)
        }
    }
}
