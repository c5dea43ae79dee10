import Foundation
import XCTest
import HawiyaKit

/// A key source written in Swift: wraps the data key with a secret pad held
/// in memory (a stand-in for a Keychain key). Counts its calls.
final class MemoryKeySource: KeySource, @unchecked Sendable {
    private static let marker = Data("mem1".utf8)
    private let pad: [UInt8]
    private let lock = NSLock()
    private var calls = (wrap: 0, unwrap: 0)

    init() {
        var generator = SystemRandomNumberGenerator()
        pad = (0 ..< 32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    var unwrapCalls: Int {
        lock.lock()
        defer { lock.unlock() }
        return calls.unwrap
    }

    func wrap(dataKey: Data) throws -> Data {
        lock.lock()
        calls.wrap += 1
        lock.unlock()
        guard dataKey.count == pad.count else { throw KeySourceError.Unavailable(reason: "unexpected key length") }
        return Self.marker + Data(zip(dataKey, pad).map { $0 ^ $1 })
    }

    func unwrap(wrapped: Data) throws -> Data {
        lock.lock()
        calls.unwrap += 1
        lock.unlock()
        guard wrapped.starts(with: Self.marker), wrapped.count == Self.marker.count + pad.count else {
            throw KeySourceError.Unavailable(reason: "not wrapped by this key source")
        }
        return Data(zip(wrapped.dropFirst(Self.marker.count), pad).map { $0 ^ $1 })
    }
}

/// Wraps with another source but answers unwraps as told.
final class ScriptedKeySource: KeySource {
    enum Answer { case pass, reject, cancel, unavailable, throwOwnError, garbage }
    struct OwnError: Error {}
    let inner: MemoryKeySource
    let answer: Answer

    init(_ inner: MemoryKeySource, answer: Answer) {
        self.inner = inner
        self.answer = answer
    }

    func wrap(dataKey: Data) throws -> Data {
        try inner.wrap(dataKey: dataKey)
    }

    func unwrap(wrapped: Data) throws -> Data {
        switch answer {
        case .pass: return try inner.unwrap(wrapped: wrapped)
        case .reject: throw KeySourceError.Rejected
        case .cancel: throw KeySourceError.Cancelled
        case .unavailable: throw KeySourceError.Unavailable(reason: "key permanently invalidated")
        case .throwOwnError: throw OwnError()
        case .garbage: return Data(repeating: 0xAB, count: 32)
        }
    }
}

final class KeySourceTests: XCTestCase {
    private func keySourceWallet(_ world: World, _ source: KeySource) throws -> Wallet {
        let wallet = try Wallet.createWithKeySource(
            path: world.walletPath("keysource"), keySource: source, options: defaultWalletOptions(), clock: world.clock
        )
        _ = try wallet.importCredential(credential: world.issue(World.nationalID(), to: wallet), trustList: world.trustList)
        wallet.lock()
        return wallet
    }

    func testSwiftKeySourceUnlocksTheWallet() throws {
        let world = try World()
        let source = MemoryKeySource()
        let wallet = try keySourceWallet(world, source)
        XCTAssertFalse(wallet.isUnlocked())
        _ = try wallet.unlockWithKeySource(keySource: source)
        XCTAssertEqual(source.unwrapCalls, 1)
        let code = try wallet.present(number: World.holderNumber, disclosure: .ageOver18, challenge: nil)
        XCTAssertTrue(try world.verifier().verify(qrText: code.qrText, challenge: nil).accepted)

        wallet.lock()
        let reopened = try Wallet.open(path: world.walletPath("keysource"), options: defaultWalletOptions(), clock: world.clock)
        _ = try reopened.unlockWithKeySource(keySource: source)
        XCTAssertEqual(try reopened.documents().count, 1)
        XCTAssertWalletError(try reopened.unlockWithPassphrase(passphrase: World.passphrase)) {
            if case .WrongProtection = $0 { return true }
            return false
        }
    }

    func testRejectedIsCountedAsAFailedUnlock() throws {
        let world = try World()
        let source = MemoryKeySource()
        let wallet = try keySourceWallet(world, source)
        XCTAssertWalletError(try wallet.unlockWithKeySource(keySource: ScriptedKeySource(source, answer: .reject))) {
            $0 == .KeySourceRejected
        }
        XCTAssertEqual(try wallet.failedAttempts().failures, 1)
        XCTAssertFalse(wallet.isUnlocked())
        _ = try wallet.unlockWithKeySource(keySource: source)
        XCTAssertTrue(wallet.isUnlocked())
    }

    func testCancellingFiftyTimesLeavesTheWalletUnlockableAtOnce() throws {
        let world = try World()
        let source = MemoryKeySource()
        let wallet = try keySourceWallet(world, source)
        // One wrong answer first: were cancels counted, the wait would start.
        XCTAssertWalletError(try wallet.unlockWithKeySource(keySource: ScriptedKeySource(source, answer: .reject))) {
            $0 == .KeySourceRejected
        }
        let cancelling = ScriptedKeySource(source, answer: .cancel)
        for _ in 0 ..< 50 {
            XCTAssertWalletError(try wallet.unlockWithKeySource(keySource: cancelling)) { $0 == .KeySourceCancelled }
        }
        let attempts = try wallet.failedAttempts()
        XCTAssertEqual(attempts.failures, 1)
        XCTAssertEqual(attempts.unresolved, 0)
        XCTAssertFalse(wallet.isUnlocked())
        // At once: the same clock reading, no wait.
        _ = try wallet.unlockWithKeySource(keySource: source)
        XCTAssertTrue(wallet.isUnlocked())
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)
        XCTAssertEqual(try wallet.documents().count, 1)
    }

    func testResetAfterLockoutLeavesAFreshWallet() throws {
        let world = try World()
        var options = defaultWalletOptions()
        options.unlockPolicy = UnlockPolicy(freeAttempts: 2, baseDelaySecs: 1, maxDelaySecs: 1, maxAttempts: 2)
        let path = world.walletPath("reset")
        do {
            let wallet = try Wallet.createWithPassphrase(path: path, passphrase: World.passphrase, options: options, clock: world.clock)
            _ = try wallet.importCredential(credential: world.issue(World.nationalID(), to: wallet), trustList: world.trustList)
            _ = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)
        }
        let source = MemoryKeySource()
        do {
            let wallet = try Wallet.open(path: path, options: options, clock: world.clock)
            for _ in 0 ..< 2 {
                _ = try? wallet.unlockWithPassphrase(passphrase: "a guess that is wrong")
            }
            XCTAssertWalletError(try wallet.unlockWithPassphrase(passphrase: World.passphrase)) {
                if case .LockedOut = $0 { return true }
                return false
            }
            // A refused new passphrase destroys nothing.
            XCTAssertWalletError(try wallet.resetWithPassphrase(newPassphrase: "123456")) {
                if case .WeakPasscode = $0 { return true }
                return false
            }
            XCTAssertWalletError(try wallet.unlockWithPassphrase(passphrase: World.passphrase)) {
                if case .LockedOut = $0 { return true }
                return false
            }
            try wallet.resetWithKeySource(keySource: source)
            XCTAssertTrue(wallet.isUnlocked())
            XCTAssertEqual(try wallet.documents().count, 0)
            XCTAssertEqual(try wallet.deviceKeys().count, 0)
            XCTAssertEqual(try wallet.presentationLog(), [])
            XCTAssertEqual(try wallet.failedAttempts().failures, 0)
            _ = try wallet.importCredential(credential: world.issue(World.nationalID(), to: wallet), trustList: world.trustList)
        }
        let reopened = try Wallet.open(path: path, options: options, clock: world.clock)
        XCTAssertWalletError(try reopened.unlockWithPassphrase(passphrase: World.passphrase)) {
            if case .WrongProtection = $0 { return true }
            return false
        }
        _ = try reopened.unlockWithKeySource(keySource: source)
        XCTAssertEqual(try reopened.documents().count, 1)
    }

    func testUnavailableIsNotCounted() throws {
        let world = try World()
        let source = MemoryKeySource()
        let wallet = try keySourceWallet(world, source)
        XCTAssertWalletError(try wallet.unlockWithKeySource(keySource: ScriptedKeySource(source, answer: .unavailable))) {
            guard case .KeySourceUnavailable(let reason) = $0 else { return false }
            return reason.contains("invalidated")
        }
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)
    }

    func testAKeySourceThrowingItsOwnErrorBecomesATypedError() throws {
        let world = try World()
        let source = MemoryKeySource()
        let wallet = try keySourceWallet(world, source)
        XCTAssertWalletError(try wallet.unlockWithKeySource(keySource: ScriptedKeySource(source, answer: .throwOwnError))) {
            if case .KeySourceUnavailable = $0 { return true }
            return false
        }
        XCTAssertFalse(wallet.isUnlocked())
        XCTAssertEqual(try wallet.failedAttempts().failures, 0)

        XCTAssertWalletError(try Wallet.createWithKeySource(
            path: world.walletPath("never"), keySource: ThrowingOnWrap(), options: defaultWalletOptions(), clock: world.clock
        )) {
            if case .KeySourceUnavailable = $0 { return true }
            return false
        }
    }

    func testAKeySourceReturningTheWrongKeyDoesNotUnlock() throws {
        let world = try World()
        let source = MemoryKeySource()
        let wallet = try keySourceWallet(world, source)
        XCTAssertThrowsError(try wallet.unlockWithKeySource(keySource: ScriptedKeySource(source, answer: .garbage))) { error in
            XCTAssertTrue(error is WalletError, "\(error)")
        }
        XCTAssertFalse(wallet.isUnlocked())
        _ = try wallet.unlockWithKeySource(keySource: source)
        XCTAssertEqual(try wallet.documents().count, 1)
    }

    func testChangingFromPassphraseToKeySource() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let source = MemoryKeySource()
        try wallet.changeToKeySource(keySource: source)
        wallet.lock()
        XCTAssertWalletError(try wallet.unlockWithPassphrase(passphrase: World.passphrase)) {
            if case .WrongProtection = $0 { return true }
            return false
        }
        _ = try wallet.unlockWithKeySource(keySource: source)
        XCTAssertEqual(try wallet.documents().count, 1)
    }

    func testAsyncUnlockRunsOffTheCallersThread() async throws {
        let world = try World()
        let source = MemoryKeySource()
        let wallet = try keySourceWallet(world, source)
        _ = try await wallet.unlock(keySource: source)
        XCTAssertTrue(wallet.isUnlocked())
        wallet.lock()
        do {
            _ = try await wallet.unlock(keySource: ScriptedKeySource(source, answer: .reject))
            XCTFail("a rejected unlock throws")
        } catch let error as WalletError {
            XCTAssertEqual(error, .KeySourceRejected)
        }
        let passphraseWallet = try world.holderWallet("async")
        passphraseWallet.lock()
        _ = try await passphraseWallet.unlock(passphrase: World.passphrase)
        XCTAssertTrue(passphraseWallet.isUnlocked())
    }
}

/// A key source that cannot even wrap (no Keychain access at all).
final class ThrowingOnWrap: KeySource {
    struct NoKeychain: Error {}
    func wrap(dataKey: Data) throws -> Data { throw NoKeychain() }
    func unwrap(wrapped: Data) throws -> Data { throw NoKeychain() }
}
