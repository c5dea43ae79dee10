import Foundation
import XCTest
@testable import HawiyaDemoLogic

final class ScanGateTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func testOneReportOfACodeIsVerified() {
        var gate = ScanGate(prefix: "HW2:")
        XCTAssertEqual(gate.consider("HW2:ABC", at: t0), .verify("HW2:ABC"))
        XCTAssertEqual(gate.consider("HW2:ABC", at: t0 + 0.1), .ignoreRepeat)
        XCTAssertEqual(gate.consider("HW2:ABC", at: t0 + 2.9), .ignoreRepeat)
        XCTAssertEqual(gate.consider("HW2:ABC", at: t0 + 6), .verify("HW2:ABC"))
    }

    func testACodeHeldInViewIsCheckedOnlyOnce() {
        var gate = ScanGate(prefix: "HW2:", repeatWindow: 3)
        XCTAssertEqual(gate.consider("HW2:ABC", at: t0), .verify("HW2:ABC"))
        for second in 1 ... 20 {
            XCTAssertEqual(gate.consider("HW2:ABC", at: t0 + Double(second)), .ignoreRepeat, "second \(second)")
        }
        XCTAssertEqual(gate.consider("HW2:ABC", at: t0 + 24), .verify("HW2:ABC"), "shown again after leaving the view")
    }

    func testAnotherCodeIsVerifiedAtOnce() {
        var gate = ScanGate(prefix: "HW2:")
        XCTAssertEqual(gate.consider("HW2:ABC", at: t0), .verify("HW2:ABC"))
        XCTAssertEqual(gate.consider("HW2:DEF", at: t0 + 0.1), .verify("HW2:DEF"))
    }

    func testOtherCodesAreNamedAsSuch() {
        var gate = ScanGate(prefix: "HW2:")
        XCTAssertEqual(gate.consider("https://example.org", at: t0), .notAnIDCode)
        XCTAssertEqual(gate.consider("https://example.org", at: t0 + 1), .ignoreRepeat)
    }

    func testOneLineEndingIsRemovedAndResetLetsARepeatThrough() {
        var gate = ScanGate(prefix: "HW2:")
        XCTAssertEqual(gate.consider("HW2:ABC\r\n", at: t0), .verify("HW2:ABC"))
        gate.reset()
        XCTAssertEqual(gate.consider("HW2:ABC\n", at: t0 + 0.1), .verify("HW2:ABC"))
        gate.reset()
        XCTAssertEqual(gate.consider("HW2:ABC", at: t0 + 0.2), .verify("HW2:ABC"))
    }

    func testOtherSpaceAroundTheTextIsKeptForTheVerifierToRefuse() {
        // docs/FORMAT.md §6.1: the text is exactly the code's contents.
        var gate = ScanGate(prefix: "HW2:")
        XCTAssertEqual(gate.consider("HW2:ABC ", at: t0), .verify("HW2:ABC "))
        XCTAssertEqual(gate.consider("HW2:ABC\n\n", at: t0 + 0.1), .verify("HW2:ABC\n"))
        XCTAssertEqual(gate.consider(" HW2:ABC", at: t0 + 0.2), .notAnIDCode)
    }
}
