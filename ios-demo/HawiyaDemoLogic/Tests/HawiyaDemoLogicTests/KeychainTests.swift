import Foundation
import XCTest
@testable import HawiyaDemoLogic

final class KeychainTests: XCTestCase {
    func testFailedAuthenticationIsRejected() {
        XCTAssertEqual(KeychainStatus.failure(forStatus: KeychainStatus.authFailed), .rejected)
        XCTAssertEqual(KeychainStatus.failure(forAuthenticationError: -1), .rejected, "LAError.authenticationFailed")
    }

    func testACancelledPromptIsCancelledNotRejected() {
        XCTAssertEqual(KeychainStatus.failure(forStatus: KeychainStatus.userCanceled), .cancelled)
        for code in [-2, -3, -4, -9] {
            // userCancel, userFallback, systemCancel, appCancel
            XCTAssertEqual(KeychainStatus.failure(forAuthenticationError: code), .cancelled, "LAError \(code)")
        }
    }

    func testAKeyStoreThatCannotWorkIsUnavailable() {
        guard case .unavailable(let missing) = KeychainStatus.failure(forStatus: KeychainStatus.itemNotFound) else {
            return XCTFail("a missing key must not count as a failed unlock")
        }
        XCTAssertTrue(missing.contains("backup"), missing)
        for code in [-5, -6, -7, -8, -10, -1004] {
            guard case .unavailable = KeychainStatus.failure(forAuthenticationError: code) else {
                return XCTFail("LAError \(code) must not count as a failed unlock")
            }
        }
        XCTAssertEqual(KeychainStatus.failure(forStatus: -50), .unavailable("Keychain error -50"))
    }

    func testWrappedKeyRoundTripAndRefusals() throws {
        let ciphertext = Data([9, 8, 7])
        let stored = WrappedKey.encode(ciphertext)
        XCTAssertEqual(stored.first, WrappedKey.version1)
        XCTAssertEqual(try WrappedKey.decode(stored), ciphertext)
        XCTAssertEqual(try WrappedKey.decode(stored.dropFirst(0)), ciphertext)
        XCTAssertThrowsError(try WrappedKey.decode(Data())) { XCTAssertEqual($0 as? WrappedKey.DecodeError, .empty) }
        XCTAssertThrowsError(try WrappedKey.decode(Data([1]))) { XCTAssertEqual($0 as? WrappedKey.DecodeError, .empty) }
        XCTAssertThrowsError(try WrappedKey.decode(Data([2, 1]))) {
            XCTAssertEqual($0 as? WrappedKey.DecodeError, .unknownFormat(2))
        }
    }
}
