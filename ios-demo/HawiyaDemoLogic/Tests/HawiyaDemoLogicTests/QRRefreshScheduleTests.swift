import Foundation
import XCTest
@testable import HawiyaDemoLogic

final class QRRefreshScheduleTests: XCTestCase {
    private let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func testFirstCodeIsDueAtOnce() {
        let schedule = QRRefreshSchedule()
        XCTAssertTrue(schedule.isDue(at: t0))
        XCTAssertEqual(schedule.secondsLeft(at: t0), 0)
        XCTAssertEqual(schedule.fractionLeft(at: t0), 0)
    }

    func testRefreshesEveryThirtySeconds() {
        var schedule = QRRefreshSchedule()
        schedule.recordRefresh(at: t0)
        XCTAssertFalse(schedule.isDue(at: t0))
        XCTAssertEqual(schedule.secondsLeft(at: t0), 30)
        XCTAssertEqual(schedule.secondsLeft(at: t0 + 0.5), 30)
        XCTAssertEqual(schedule.secondsLeft(at: t0 + 29.2), 1)
        XCTAssertFalse(schedule.isDue(at: t0 + 29.9))
        XCTAssertTrue(schedule.isDue(at: t0 + 30))
        XCTAssertEqual(schedule.fractionLeft(at: t0 + 15), 0.5, accuracy: 1e-9)
    }

    func testClockMovedBackMakesANewCode() {
        var schedule = QRRefreshSchedule()
        schedule.recordRefresh(at: t0)
        XCTAssertTrue(schedule.isDue(at: t0 - 5))
    }

    func testResetForgetsTheCode() {
        var schedule = QRRefreshSchedule(interval: 10)
        schedule.recordRefresh(at: t0)
        schedule.reset()
        XCTAssertTrue(schedule.isDue(at: t0 + 1))
    }
}
