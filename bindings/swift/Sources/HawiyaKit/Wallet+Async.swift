import Dispatch
import Foundation

// Every wallet call that touches the disk, runs the KDF (Argon2id) or waits
// for the holder (a key source that asks for Face ID) has an `async throws`
// form here. Each runs the synchronous call on a background queue and resumes
// the caller when it finishes, so a SwiftUI view or a `@MainActor` model can
// simply `await` it and the main thread never blocks. The names differ from
// the synchronous calls (an unlabelled first argument, or another verb), so
// code in an async context still picks the call it means.
//
// A call that has started runs to its end even if the calling task is
// cancelled (the wallet file is never left half-written); the task then sees
// the call's result.

extension Wallet {
    // MARK: create, restore

    /// Creates a wallet file at `path` protected by the app's key source
    /// (wrapping the new data key may prompt), unlocked, off the calling thread.
    public static func create(
        at path: String, keySource: KeySource, options: WalletOptions = defaultWalletOptions(), clock: Clock? = nil
    ) async throws -> Wallet {
        try await background { try createWithKeySource(path: path, keySource: keySource, options: options, clock: clock) }
    }

    /// Creates a wallet file at `path` protected by a passphrase or PIN
    /// (Argon2id), unlocked, off the calling thread.
    public static func create(
        at path: String, passphrase: String, options: WalletOptions = defaultWalletOptions(), clock: Clock? = nil
    ) async throws -> Wallet {
        try await background { try createWithPassphrase(path: path, passphrase: passphrase, options: options, clock: clock) }
    }

    /// Restores a backup into a new wallet file at `path`, protected by the
    /// app's key source, off the calling thread.
    public static func restore(
        at path: String, backup: Data, backupPassphrase: String, keySource: KeySource, trustList: TrustList,
        options: WalletOptions = defaultWalletOptions(), clock: Clock? = nil
    ) async throws -> RestoredWallet {
        try await background {
            try restoreBackupWithKeySource(
                path: path, backup: backup, backupPassphrase: backupPassphrase, keySource: keySource,
                trustList: trustList, options: options, clock: clock
            )
        }
    }

    /// Restores a backup into a new wallet file at `path`, protected by a new
    /// passphrase or PIN, off the calling thread.
    public static func restore(
        at path: String, backup: Data, backupPassphrase: String, newPassphrase: String, trustList: TrustList,
        options: WalletOptions = defaultWalletOptions(), clock: Clock? = nil
    ) async throws -> RestoredWallet {
        try await background {
            try restoreBackupWithPassphrase(
                path: path, backup: backup, backupPassphrase: backupPassphrase, newPassphrase: newPassphrase,
                trustList: trustList, options: options, clock: clock
            )
        }
    }

    // MARK: unlock, reset, protection

    /// Unlocks with the holder's passphrase or PIN, off the calling thread.
    public func unlock(passphrase: String) async throws -> UnlockOutcome {
        try await Self.background { try self.unlockWithPassphrase(passphrase: passphrase) }
    }

    /// Unlocks with the app's key source (which may prompt for biometrics),
    /// off the calling thread. When `keySource` is a ``KeychainKeySource``
    /// that found its key invalidated, throws ``KeySourceInvalidated``
    /// instead of `WalletError.KeySourceUnavailable`: the recovery is
    /// ``resetAfterInvalidation(keySource:)``.
    public func unlock(keySource: KeySource) async throws -> UnlockOutcome {
        do {
            return try await Self.background { try self.unlockWithKeySource(keySource: keySource) }
        } catch WalletError.KeySourceUnavailable(let reason) {
            if let keychain = keySource as? KeychainKeySource, keychain.lastFailure == .invalidated {
                throw KeySourceInvalidated()
            }
            throw WalletError.KeySourceUnavailable(reason: reason)
        }
    }

    /// Destroys every document, key and log entry and makes the wallet a
    /// fresh, empty one protected by the app's key source, unlocked: the way
    /// out of a lockout. Ask the holder to confirm first. Off the calling
    /// thread (wrapping the new data key may prompt).
    public func reset(keySource: KeySource) async throws {
        try await Self.background { try self.resetWithKeySource(keySource: keySource) }
    }

    /// As `reset(keySource:)`, protecting the fresh wallet with a new
    /// passphrase or PIN (a weak one is refused before anything is destroyed).
    public func reset(passphrase: String) async throws {
        try await Self.background { try self.resetWithPassphrase(newPassphrase: passphrase) }
    }

    /// The recovery after ``KeySourceInvalidated``: deletes the dead Keychain
    /// key, then resets the wallet (every document, key and log entry is
    /// destroyed) onto a new key, unlocked. The holder then provisions the
    /// documents again (or the app restores a backup instead). Ask the holder
    /// to confirm first.
    public func resetAfterInvalidation(keySource: KeychainKeySource) async throws {
        try await Self.background {
            try keySource.deleteKey()
            try self.resetWithKeySource(keySource: keySource)
        }
    }

    /// Changes the passphrase or PIN (the wallet must be unlocked), off the
    /// calling thread (Argon2id runs for the new one).
    public func changePassphrase(to newPassphrase: String) async throws {
        try await Self.background { try self.changePassphrase(newPassphrase: newPassphrase) }
    }

    /// Protects the wallet with the app's key source instead of a passphrase,
    /// off the calling thread.
    public func changeProtection(to keySource: KeySource) async throws {
        try await Self.background { try self.changeToKeySource(keySource: keySource) }
    }

    // MARK: documents

    /// Imports a credential (checked against `trustList`), off the calling thread.
    public func importCredential(_ credential: Data, trustList: TrustList) async throws -> ImportOutcome {
        try await Self.background { try self.importCredential(credential: credential, trustList: trustList) }
    }

    /// Imports a credential with its print credential, off the calling thread.
    public func importCredential(_ credential: Data, printCredential: Data, trustList: TrustList) async throws -> ImportOutcome {
        try await Self.background {
            try self.importCredentialWithPrint(credential: credential, printCredential: printCredential, trustList: trustList)
        }
    }

    /// Replaces a document with its renewed credential, off the calling thread.
    public func renew(_ credential: Data, trustList: TrustList) async throws -> ImportOutcome {
        try await Self.background { try self.renew(credential: credential, trustList: trustList) }
    }

    /// Replaces a document with its renewed credential and print credential,
    /// off the calling thread.
    public func renew(_ credential: Data, printCredential: Data, trustList: TrustList) async throws -> ImportOutcome {
        try await Self.background {
            try self.renewWithPrint(credential: credential, printCredential: printCredential, trustList: trustList)
        }
    }

    /// Makes a device-bound presentation (one presentation-log entry), off the
    /// calling thread. For a code kept on screen, use
    /// `livePresentations(of:disclosure:challenge:)` instead.
    public func present(_ number: UInt64, disclosure: Disclosure, challenge: String? = nil) async throws -> Presentation {
        try await Self.background { try self.present(number: number, disclosure: disclosure, challenge: challenge) }
    }

    /// Writes an encrypted backup of the whole wallet, off the calling thread
    /// (Argon2id runs for `passphrase`).
    public func backup(passphrase: String) async throws -> Data {
        try await Self.background { try self.exportBackup(passphrase: passphrase) }
    }

    /// Runs `work` on a background queue and resumes the caller with its result.
    static func background<T>(_ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
