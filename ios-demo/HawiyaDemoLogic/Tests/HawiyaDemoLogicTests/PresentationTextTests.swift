import Foundation
import XCTest
import HawiyaKit
@testable import HawiyaDemoLogic

final class PresentationTextTests: XCTestCase {
    func testDisclosureChoiceMapsToDisclosures() {
        var choice = DisclosureChoice(available: [.nameEn, .documentNumber, .birthDate, .portrait])
        XCTAssertEqual(choice.available, [.portrait, .nameEn, .documentNumber, .birthDate])
        XCTAssertEqual(choice.disclosure, .identity)
        XCTAssertEqual(choice.summary, "Shows name, ID number and expiry")
        choice.preset = .everything
        XCTAssertEqual(choice.disclosure, .full)
        choice.toggle(.birthDate)
        choice.toggle(.nameEn)
        choice.toggle(.expiryDate) // not on this document: ignored
        XCTAssertEqual(choice.preset, .custom)
        XCTAssertEqual(choice.disclosure, .only([.nameEn, .birthDate]))
        XCTAssertEqual(choice.summary, "Shows Name and Date of birth")
        choice.toggle(.nameEn)
        choice.toggle(.birthDate)
        XCTAssertFalse(choice.canConfirm)

        let back = DisclosureChoice(available: [.nameEn, .birthDate], current: .only([.birthDate, .sex]))
        XCTAssertEqual(back.preset, .custom)
        XCTAssertEqual(back.disclosure, .only([.birthDate]))
        XCTAssertEqual(DisclosureChoice(available: [], current: .ageOver21).preset, .ageOver21)
    }

    func testHolderMessages() {
        XCTAssertEqual(HolderMessages.text(for: WalletError.WrongPassphrase(remaining: 3)),
                       "Wrong PIN. 3 attempts left before the wallet locks.")
        XCTAssertEqual(HolderMessages.text(for: WalletError.WrongPassphrase(remaining: 1)),
                       "Wrong PIN. One attempt left before the wallet locks.")
        XCTAssertEqual(HolderMessages.text(for: WalletError.RetryLater(seconds: 90)),
                       "Too many wrong attempts. Try again in 2 minutes.")
        XCTAssertTrue(HolderMessages.text(for: WalletError.LockedOut(failures: 10)).contains("backup"))
        XCTAssertTrue(HolderMessages.text(for: WalletError.NeedsRebinding).contains("printed card"))
        XCTAssertEqual(HolderMessages.text(for: CocoaError(.fileNoSuchFile)), "Something went wrong. Try again.")
        XCTAssertEqual(HolderMessages.duration(1), "1 second")
        XCTAssertEqual(HolderMessages.duration(45), "45 seconds")
        XCTAssertEqual(HolderMessages.duration(60), "1 minute")
        XCTAssertEqual(HolderMessages.duration(3_601), "2 hours")
    }

    func testLogLines() {
        let entry = LogEntry(id: 7, documentNumber: 42, documentType: .residentPermit,
                             disclosed: [.expiryDate, .nameEn], at: 1_800_000_000, mode: .static)
        let line = LogLine(entry: entry, names: [42: "Omar Said"])
        XCTAssertEqual(line.title, "Resident permit · Omar Said")
        XCTAssertEqual(line.detail, "Showed Name and Expires")
        XCTAssertEqual(line.when, "15 Jan 2027, 08:00 · printed code")
        XCTAssertEqual(LogLine(entry: entry, names: [:]).title, "Resident permit")
    }

    func testRejectedVerdictShowsNoDetailsEvenIfTheCodeClaimsSome() {
        let verdict = Verdict(
            accepted: false, assurance: nil, failures: [Reason(code: "bad_issuer_signature", message: "issuer signature invalid")],
            warnings: [], mode: .deviceBound, documentType: .nationalId, documentVersion: 1, guardian: nil,
            issuer: "Someone", expiresAt: 1_900_000_000, presentedAt: 1_800_000_000, claims: []
        )
        let screen = VerdictScreen(verdict: verdict)
        XCTAssertEqual(screen.tone, .rejected)
        XCTAssertEqual(screen.reasons, ["The code was altered or copied."])
        XCTAssertEqual(screen.rows, [])
        let unknown = VerdictScreen(verdict: Verdict(
            accepted: false, assurance: nil, failures: [Reason(code: "something_new", message: "a new kind of failure")],
            warnings: [], mode: nil, documentType: nil, documentVersion: nil, guardian: nil,
            issuer: nil, expiresAt: nil, presentedAt: nil, claims: []
        ))
        XCTAssertEqual(unknown.reasons, ["A new kind of failure."])
    }
}
