import Foundation
import XCTest
import HawiyaKit

// The test issuer's errors read as sentences too (HawiyaKit leaves IssueError
// out: it exists only in a library built with the `test-issuer` feature).
extension IssueError: LocalizedError {
    public var errorDescription: String? { describeIssueError(error: self) }
}

/// The test world: an issuer, a trust list, a verifier and a holder's wallet,
/// all on one fixed clock so that every time in a test is known.
final class World {
    /// 2027-01-15T08:00:00Z.
    static let start: Int64 = 1_800_000_000
    static let day: Int64 = 86_400
    static let holderNumber: UInt64 = 1_234_567_890
    static let childNumber: UInt64 = 1_987_654_321
    static let passphrase = "correct horse battery staple"

    let clock = FixedClock(unixSeconds: World.start)
    let issuer: TestIssuer
    let trustList: TrustList
    let directory: URL

    init(keyId: String = "t1") throws {
        issuer = try TestIssuer(
            name: "Test ID Authority", keyId: keyId, statusUri: "https://id.example/status/1",
            notBefore: World.start - 365 * World.day, notAfter: World.start + 5 * 365 * World.day
        )
        trustList = try issuer.trustList(version: 1, issuedAt: World.start - World.day)
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hawiyakit-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A path for a new wallet file.
    func walletPath(_ name: String = "wallet") -> String {
        directory.appendingPathComponent("\(name).db").path
    }

    /// A verifier trusting this issuer, on this world's clock unless told otherwise.
    func verifier(clock: Clock? = nil, policy: Policy = defaultPolicy()) -> Verifier {
        Verifier(trustList: trustList, policy: policy, clock: clock ?? self.clock)
    }

    /// The holder's national ID (or another version of it).
    static func nationalID(version: UInt32 = 1, number: UInt64 = World.holderNumber) -> DocumentClaims {
        DocumentClaims(
            documentType: .nationalId, documentNumber: number, documentVersion: version,
            nameAr: "سارة الحربي", nameEn: "Sara Al-Harbi",
            birthDate: CalendarDate(year: 1990, month: 4, day: 12), sex: .female,
            nationality: "SAU", placeOfBirth: "Riyadh", occupation: nil, employer: nil,
            issueDate: CalendarDate(year: 2026, month: 6, day: 1), expiryDate: CalendarDate(year: 2031, month: 5, day: 31),
            portrait: nil
        )
    }

    /// A child's ID, issued to the holder as guardian.
    static func childID() -> DocumentClaims {
        DocumentClaims(
            documentType: .nationalId, documentNumber: World.childNumber, documentVersion: 1,
            nameAr: "ليان الحربي", nameEn: "Layan Al-Harbi",
            birthDate: CalendarDate(year: 2018, month: 9, day: 3), sex: .female,
            nationality: "SAU", placeOfBirth: "Jeddah", occupation: nil, employer: nil,
            issueDate: CalendarDate(year: 2026, month: 6, day: 1), expiryDate: CalendarDate(year: 2031, month: 5, day: 31),
            portrait: nil
        )
    }

    /// A new passphrase wallet on this world's clock.
    func passphraseWallet(_ name: String = "wallet", options: WalletOptions = defaultWalletOptions()) throws -> Wallet {
        try Wallet.createWithPassphrase(path: walletPath(name), passphrase: World.passphrase, options: options, clock: clock)
    }

    /// Issues `claims` to the wallet's device key (made if it has none) and
    /// returns the credential bytes.
    func issue(_ claims: DocumentClaims, to wallet: Wallet, guardian: UInt64? = nil, statusIndex: UInt64 = 1) throws -> Data {
        let key = try wallet.deviceKeys().first?.publicKey ?? wallet.createDeviceKey()
        let nonce = issuer.bindingNonce()
        let request = try wallet.bindingRequest(deviceKey: key, nonce: nonce)
        let now = try clock.nowUnixSeconds()
        if let guardian {
            return try issuer.issueToGuardian(
                claims: claims, bindingRequest: request, nonce: nonce,
                guardianDocumentNumber: guardian, statusIndex: statusIndex, issuedAt: now
            )
        }
        return try issuer.issue(claims: claims, bindingRequest: request, nonce: nonce, statusIndex: statusIndex, issuedAt: now)
    }

    /// The print credential of `claims` (the printable card's): no device
    /// key, its own status index.
    func issuePrint(_ claims: DocumentClaims, guardian: UInt64? = nil, statusIndex: UInt64 = 100) throws -> Data {
        try issuer.issuePrint(
            claims: claims, guardianDocumentNumber: guardian, statusIndex: statusIndex,
            issuedAt: clock.nowUnixSeconds()
        )
    }

    /// A passphrase wallet holding the holder's national ID and its print credential.
    func holderWallet(_ name: String = "wallet", options: WalletOptions = defaultWalletOptions()) throws -> Wallet {
        let wallet = try passphraseWallet(name, options: options)
        _ = try wallet.importCredentialWithPrint(
            credential: issue(World.nationalID(), to: wallet),
            printCredential: issuePrint(World.nationalID()),
            trustList: trustList
        )
        return wallet
    }
}

/// Asserts that `body` throws the `WalletError` that `matches` accepts.
func XCTAssertWalletError<T>(
    _ body: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line,
    _ matches: (WalletError) -> Bool
) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard let walletError = error as? WalletError else {
            return XCTFail("expected a WalletError, got \(type(of: error)): \(error)", file: file, line: line)
        }
        XCTAssertTrue(matches(walletError), "unexpected \(walletError)", file: file, line: line)
    }
}

/// The failure codes of a verdict.
func codes(_ verdict: Verdict) -> [String] {
    verdict.failures.map(\.code)
}
