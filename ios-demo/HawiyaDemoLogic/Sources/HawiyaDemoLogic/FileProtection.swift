import Foundation

/// Keeps a file or folder of the wallet's out of device backups (iCloud and
/// computer) and readable only while the phone is unlocked (iOS complete
/// data protection). The app implements it with Foundation on iOS
/// (`HawiyaWallet/DeviceFileProtection.swift`); tests record the calls.
///
/// The wallet file is useless without the Secure Enclave key that wraps its
/// data key, and that key never leaves the phone, so a backup of it could
/// only ever be restored into a wallet that cannot be opened. Holders move
/// phones with the wallet's own encrypted backup instead.
public protocol FileProtecting {
    /// Protects the file or folder at `url` (a folder: also what is created in it later).
    func protect(_ url: URL) throws
}

/// A file the demo could not protect: the demo refuses to go on with it.
public struct UnprotectedFileError: Error, LocalizedError, Equatable {
    /// The file's name (never its full path).
    public let file: String
    /// What the system said.
    public let reason: String

    public var errorDescription: String? {
        "The wallet cannot keep \(file) out of backups and locked with the phone (\(reason))."
    }
}
