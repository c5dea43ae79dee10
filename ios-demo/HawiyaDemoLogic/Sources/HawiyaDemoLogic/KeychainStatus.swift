/// How a Keychain or LocalAuthentication failure counts for the wallet.
///
/// The wallet distinguishes a holder who presented a wrong secret (counted as
/// a failed unlock, like a wrong PIN) from a prompt that ended without an
/// answer (cancelled by the holder or the system: not counted) and from a key
/// store that cannot work at all (not counted: the key was invalidated, no
/// passcode is set, the device is locked, biometrics are throttled by iOS). The iOS key source turns each `OSStatus` or `LAError` code into one
/// of these with the tables below; they are plain numbers, so the tables are
/// tested on any platform.
public enum KeychainFailure: Equatable, Sendable {
    /// The holder presented a wrong secret (Face ID, Touch ID or passcode
    /// not accepted).
    case rejected
    /// The prompt ended without an answer: the holder cancelled or chose
    /// the fallback, or the system or the app cancelled it.
    case cancelled
    /// The key store cannot be used; the text says why, for the holder.
    case unavailable(String)
}

/// Tables from Security and LocalAuthentication error codes to a
/// ``KeychainFailure``.
public enum KeychainStatus {
    /// `errSecUserCanceled`.
    public static let userCanceled: Int32 = -128
    /// `errSecAuthFailed`.
    public static let authFailed: Int32 = -25293
    /// `errSecItemNotFound`.
    public static let itemNotFound: Int32 = -25300
    /// `errSecInteractionNotAllowed` (the device is locked).
    public static let interactionNotAllowed: Int32 = -25308
    /// `errSecNotAvailable`.
    public static let notAvailable: Int32 = -25291

    /// The failure for a Security framework status (never `errSecSuccess`).
    public static func failure(forStatus status: Int32) -> KeychainFailure {
        switch status {
        case authFailed:
            return .rejected
        case userCanceled:
            return .cancelled
        case itemNotFound:
            return .unavailable("the wallet's key is no longer in the Keychain; restore the wallet from a backup")
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
        case -1:
            // authenticationFailed
            return .rejected
        case -2, -3, -4, -9:
            // userCancel, userFallback, systemCancel, appCancel
            return .cancelled
        case -5:
            return .unavailable("set a device passcode to protect the wallet")
        case -6:
            return .unavailable("Face ID or Touch ID is not available on this device")
        case -7:
            return .unavailable("set up Face ID or Touch ID to unlock the wallet")
        case -8:
            return .unavailable("Face ID or Touch ID is locked after failed attempts; unlock the phone with its passcode first")
        default:
            return .unavailable("authentication error \(code)")
        }
    }
}
