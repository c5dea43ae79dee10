import Foundation

/// How a Keychain or LocalAuthentication failure counts for the wallet.
///
/// The wallet tells apart a holder who presented a wrong secret (counted as a
/// failed unlock, like a wrong PIN), a prompt that ended without an answer
/// (cancelled by the holder, the system or the app, or timed out: not
/// counted), a key store that cannot work now (not counted: the phone is
/// locked, no passcode, biometrics locked out after failures), and a key that
/// is gone for good (not counted: see ``invalidated``). ``KeychainKeySource``
/// turns each `OSStatus` or `LAError` code into one of these with the tables
/// of ``KeychainErrorMap``; they are plain numbers, so the tables are tested
/// on any platform.
public enum KeychainFailure: Equatable, Sendable {
    /// The holder presented a wrong secret (Face ID or Touch ID not
    /// accepted). The only case counted as a failed unlock.
    case rejected
    /// The prompt ended without an answer: the holder cancelled or chose the
    /// fallback, the system cancelled it (a call, the app went to the
    /// background), or the app cancelled it (its own timeout). Not counted.
    case cancelled
    /// The key store cannot be used now; the text says why, for the holder.
    /// Not counted; trying again later may work.
    case unavailable(String)
    /// The wallet's key no longer exists or can never be used again: the
    /// holder added or removed a fingerprint or face (the key is made with
    /// `.biometryCurrentSet`), removed the passcode, or the wallet file came
    /// to this phone from a backup of another one. Not counted, and retrying
    /// cannot help: the only recovery is a wallet reset
    /// (``KeychainKeySource/deleteKey()`` then `Wallet.reset(keySource:)`)
    /// and provisioning the documents again, or restoring a backup.
    case invalidated

    /// What the wallet is told (the `KeySource` contract): `Rejected` only
    /// for a wrong secret; a cancelled prompt is `Cancelled`; the rest are
    /// `Unavailable`, an invalidated key with ``KeychainFailure/invalidatedReason``.
    public var keySourceError: KeySourceError {
        switch self {
        case .rejected: return .Rejected
        case .cancelled: return .Cancelled
        case .unavailable(let reason): return .Unavailable(reason: reason)
        case .invalidated: return .Unavailable(reason: Self.invalidatedReason)
        }
    }

    /// The reason the wallet's error carries when the key was invalidated.
    public static let invalidatedReason =
        "the wallet's key was invalidated (biometrics or passcode changed, or the wallet came from another phone); reset the wallet and add the documents again, or restore a backup"
}

/// An error from the Security or LocalAuthentication framework, as numbers:
/// what a ``KeychainKeyStore`` throws.
public enum KeychainCallError: Error, Equatable, Sendable {
    /// A Security framework `OSStatus` (never `errSecSuccess`).
    case status(Int32)
    /// An `LAError.Code` raw value (the error's domain was `LAErrorDomain`).
    case authentication(Int)
    /// A failure with no code (e.g. a key with no public half).
    case other(String)
}

/// Tables from Security and LocalAuthentication error codes to a
/// ``KeychainFailure``.
public enum KeychainErrorMap {
    /// `errSecUserCanceled`.
    public static let userCanceled: Int32 = -128
    /// `errSecAuthFailed`.
    public static let authFailed: Int32 = -25293
    /// `errSecItemNotFound`.
    public static let itemNotFound: Int32 = -25300
    /// `errSecInteractionNotAllowed` (the device is locked, or no UI may be shown).
    public static let interactionNotAllowed: Int32 = -25308
    /// `errSecNotAvailable`.
    public static let notAvailable: Int32 = -25291

    /// `LAError.Code` raw values.
    public enum LA {
        public static let authenticationFailed = -1
        public static let userCancel = -2
        public static let userFallback = -3
        public static let systemCancel = -4
        public static let passcodeNotSet = -5
        public static let biometryNotAvailable = -6
        public static let biometryNotEnrolled = -7
        public static let biometryLockout = -8
        public static let appCancel = -9
        public static let invalidContext = -10
        public static let biometryNotPaired = -11
        public static let biometryDisconnected = -12
        public static let notInteractive = -1004
    }

    /// The failure for any error a key store throws.
    public static func failure(for error: KeychainCallError) -> KeychainFailure {
        switch error {
        case .status(let status): return failure(forStatus: status)
        case .authentication(let code): return failure(forAuthenticationError: code)
        case .other(let reason): return .unavailable(reason)
        }
    }

    /// The failure for a Security framework status (never `errSecSuccess`).
    public static func failure(forStatus status: Int32) -> KeychainFailure {
        switch status {
        case authFailed:
            return .rejected
        case userCanceled:
            return .cancelled
        case itemNotFound:
            // A key made with .biometryCurrentSet is deleted by the system
            // when the enrolled biometrics change.
            return .invalidated
        case interactionNotAllowed:
            return .unavailable("the phone is locked; unlock it and try again")
        case notAvailable:
            return .unavailable("the Keychain is not available on this device")
        default:
            return .unavailable("Keychain error \(status)")
        }
    }

    /// The failure for an `LAError.Code` raw value.
    public static func failure(forAuthenticationError code: Int) -> KeychainFailure {
        switch code {
        case LA.authenticationFailed:
            return .rejected
        case LA.userCancel, LA.userFallback, LA.systemCancel, LA.appCancel, LA.invalidContext:
            // invalidContext: the app invalidated the context, e.g. its own
            // prompt timeout.
            return .cancelled
        case LA.passcodeNotSet:
            return .unavailable("set a device passcode to protect the wallet")
        case LA.biometryNotAvailable, LA.biometryNotPaired, LA.biometryDisconnected:
            return .unavailable("Face ID or Touch ID is not available on this device")
        case LA.biometryNotEnrolled:
            return .unavailable("set up Face ID or Touch ID to unlock the wallet")
        case LA.biometryLockout:
            return .unavailable("Face ID or Touch ID is locked after failed attempts; unlock the phone with its passcode first")
        case LA.notInteractive:
            return .unavailable("the wallet cannot ask for Face ID now; bring the app to the front and try again")
        default:
            return .unavailable("authentication error \(code)")
        }
    }
}
