import Foundation
import HawiyaKit

// The test issuer's errors read as sentences too (HawiyaKit leaves IssueError
// out: it exists only in a library built with the `test-issuer` feature).
extension IssueError: LocalizedError {
    public var errorDescription: String? { describeIssueError(error: self) }
}

/// What the demo's verifier needs to trust the demo issuer: the signed trust
/// list, the root key it is pinned to, and a signed status list. Stored next
/// to the wallet, because the demo issuer lives only in memory.
public struct DemoTrust: Codable, Equatable {
    /// The root-signed trust list.
    public let signedTrustList: Data
    /// The root public key that signs it.
    public let rootPublicKey: Data
    /// The issuer-signed status list.
    public let signedStatusList: Data

    /// A verifier that trusts the demo issuer and knows its status list,
    /// resuming `memory` (what an earlier run remembered, from
    /// ``VerifierMemoryFile``) when given, so its replays are still caught.
    public func verifier(clock: Clock? = nil, remembering memory: VerifierMemory? = nil) throws -> Verifier {
        let list = try TrustList.fromSigned(bytes: signedTrustList, rootPublicKey: rootPublicKey)
        let verifier = try memory.map {
            try Verifier.withMemory(trustList: list, policy: defaultPolicy(), memory: $0, clock: clock)
        } ?? Verifier(trustList: list, policy: defaultPolicy(), clock: clock)
        try verifier.addStatusList(bytes: signedStatusList)
        return verifier
    }
}

/// The demo's files: the wallet, the demo trust and the verifier's memory,
/// in one folder kept out of backups and locked with the phone
/// (``FileProtecting``). On first launch it creates the wallet behind the
/// app's key source and fills it with a demo ID and a dependent child's ID,
/// each with the print credential of its printed card, from an in-memory
/// test issuer (a real app gets credentials from the issuing authority
/// instead).
public struct DemoStore {
    /// The folder holding the files (Application Support on iOS).
    public let directory: URL
    /// The clock the wallet and the issuer use (`nil`: the phone's).
    public let clock: Clock?
    /// Keeps the folder and each file out of backups and locked with the phone.
    public let protection: FileProtecting

    /// A store in `directory`, its files protected by `protection`.
    public init(directory: URL, clock: Clock? = nil, protection: FileProtecting) {
        self.directory = directory
        self.clock = clock
        self.protection = protection
    }

    /// The wallet file.
    public var walletURL: URL { directory.appendingPathComponent("wallet.db") }
    /// The demo trust file.
    public var trustURL: URL { directory.appendingPathComponent("demo-trust.json") }
    /// Where the demo verifier keeps what it remembers across launches.
    public var verifierMemory: VerifierMemoryFile {
        VerifierMemoryFile(url: directory.appendingPathComponent("verifier-memory.txt"), protection: protection)
    }

    /// The wallet file, what SQLite keeps beside it and the wallet's disk-space reserve.
    private var walletFiles: [URL] {
        ["", "-wal", "-shm", "-journal", "-reserve"].map { directory.appendingPathComponent("wallet.db\($0)") }
    }

    /// Opens the wallet (locked), or on first launch creates it behind
    /// `keySource` and fills it (unlocked). Either way the folder and every
    /// file in it are protected first (again on each launch: a restored or
    /// replaced file loses its attributes); a file that cannot be protected
    /// stops the launch (``UnprotectedFileError``), and a first launch that
    /// fails leaves no wallet behind.
    public func openOrCreate(keySource: KeySource) throws -> (wallet: Wallet, trust: DemoTrust) {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // The folder first: what is created in it later inherits its protection.
        try protect(directory)
        if FileManager.default.fileExists(atPath: walletURL.path) {
            try protectExistingFiles()
            let wallet = try Wallet.open(path: walletURL.path, options: defaultWalletOptions(), clock: clock)
            let trust = try JSONDecoder().decode(DemoTrust.self, from: Data(contentsOf: trustURL))
            return (wallet, trust)
        }
        let wallet = try Wallet.createWithKeySource(
            path: walletURL.path, keySource: keySource, options: defaultWalletOptions(), clock: clock
        )
        do {
            let trust = try DemoStore.fill(wallet, now: now())
            try JSONEncoder().encode(trust).write(to: trustURL, options: .atomic)
            try protectExistingFiles()
            return (wallet, trust)
        } catch {
            for file in walletFiles + [trustURL] {
                try? FileManager.default.removeItem(at: file)
            }
            throw error
        }
    }

    /// Re-provisioning after a reset (the wallet's key was invalidated):
    /// fills the empty, unlocked wallet again from a new demo issuer and
    /// replaces the demo trust, whose verifier the app then uses.
    public func reprovision(_ wallet: Wallet) throws -> DemoTrust {
        let trust = try DemoStore.fill(wallet, now: now())
        try JSONEncoder().encode(trust).write(to: trustURL, options: .atomic)
        try protectExistingFiles()
        return trust
    }

    private func protectExistingFiles() throws {
        for file in walletFiles + [trustURL, verifierMemory.url]
        where FileManager.default.fileExists(atPath: file.path) {
            try protect(file)
        }
    }

    private func protect(_ url: URL) throws {
        do {
            try protection.protect(url)
        } catch {
            throw UnprotectedFileError(file: url.lastPathComponent, reason: error.localizedDescription)
        }
    }

    private func now() throws -> Int64 {
        try (clock ?? SystemClock()).nowUnixSeconds()
    }

    /// Issues the demo holder's national ID and a child's ID (with the holder
    /// as guardian), each with its print credential, from a fresh test issuer
    /// into `wallet`.
    public static func fill(_ wallet: Wallet, now: Int64) throws -> DemoTrust {
        let day: Int64 = 86_400
        let issuer = try TestIssuer(
            name: "Demo ID Authority", keyId: "demo", statusUri: "https://id.example/status/demo",
            notBefore: now - day, notAfter: now + 10 * 365 * day
        )
        let trustList = try issuer.trustList(version: 1, issuedAt: now)
        let key = try wallet.deviceKeys().first?.publicKey ?? wallet.createDeviceKey()
        let today = CalendarDate(Date(timeIntervalSince1970: TimeInterval(now)))
        let expiry = CalendarDate(year: today.year + 5, month: today.month, day: min(today.day, 28))
        let holder = DocumentClaims(
            documentType: .nationalId, documentNumber: 1_098_765_432, documentVersion: 1,
            nameAr: "سارة الحربي", nameEn: "Sara Al-Harbi",
            birthDate: CalendarDate(year: 1990, month: 4, day: 12), sex: .female,
            nationality: "SAU", placeOfBirth: "Riyadh", occupation: nil, employer: nil,
            issueDate: today, expiryDate: expiry, portrait: nil
        )
        let child = DocumentClaims(
            documentType: .nationalId, documentNumber: 1_123_456_789, documentVersion: 1,
            nameAr: "ليان الحربي", nameEn: "Layan Al-Harbi",
            birthDate: CalendarDate(year: 2018, month: 9, day: 3), sex: .female,
            nationality: "SAU", placeOfBirth: "Jeddah", occupation: nil, employer: nil,
            issueDate: today, expiryDate: expiry, portrait: nil
        )
        for (index, claims) in [holder, child].enumerated() {
            let nonce = issuer.bindingNonce()
            let request = try wallet.bindingRequest(deviceKey: key, nonce: nonce)
            let credential = index == 0
                ? try issuer.issue(claims: claims, bindingRequest: request, nonce: nonce, statusIndex: 1, issuedAt: now)
                : try issuer.issueToGuardian(
                    claims: claims, bindingRequest: request, nonce: nonce,
                    guardianDocumentNumber: holder.documentNumber, statusIndex: 2, issuedAt: now
                )
            let guardian = index == 0 ? nil : holder.documentNumber
            let card = try issuer.issuePrint(
                claims: claims, guardianDocumentNumber: guardian, statusIndex: UInt64(3 + index), issuedAt: now
            )
            _ = try wallet.importCredentialWithPrint(credential: credential, printCredential: card, trustList: trustList)
        }
        return DemoTrust(
            signedTrustList: try issuer.signedTrustList(version: 1, issuedAt: now),
            rootPublicKey: issuer.rootPublicKey(),
            signedStatusList: issuer.signedStatusList(issuedAt: now, ttlSecs: 30 * UInt64(day))
        )
    }
}
