import Dispatch
import Foundation

// Unlocking can wait for the holder (a key source that asks for Face ID) and a
// passphrase unlock runs Argon2id; neither belongs on the main thread. These
// run the synchronous calls on a background queue and resume the caller when
// they finish, so a SwiftUI view can simply `await` them.

extension Wallet {
    /// Unlocks with the holder's passphrase or PIN, off the calling thread.
    public func unlock(passphrase: String) async throws -> UnlockOutcome {
        try await Self.background { try self.unlockWithPassphrase(passphrase: passphrase) }
    }

    /// Unlocks with the app's key source (which may prompt for biometrics),
    /// off the calling thread.
    public func unlock(keySource: KeySource) async throws -> UnlockOutcome {
        try await Self.background { try self.unlockWithKeySource(keySource: keySource) }
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

    static func background<T>(_ work: @escaping () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try work() })
            }
        }
    }
}
