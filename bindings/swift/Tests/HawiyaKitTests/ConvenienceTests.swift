import Foundation
import XCTest
import HawiyaKit

/// The hand-written conveniences over the generated API.
final class ConvenienceTests: XCTestCase {
    func testQrRowsMatchTheModules() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let presentation = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)
        let qr = presentation.qr
        let rows = qr.rows
        XCTAssertEqual(rows.count, Int(qr.size))
        XCTAssertTrue(rows.allSatisfy { $0.count == Int(qr.size) })
        XCTAssertEqual(rows.flatMap { $0 }, qr.modules)
        XCTAssertEqual(qr.isDark(row: 3, column: 5), rows[3][5])
        // Finder pattern: the top-left corner module is dark, and outside is light.
        XCTAssertTrue(qr.isDark(row: 0, column: 0))
        XCTAssertFalse(qr.isDark(row: -1, column: 0))
        XCTAssertFalse(qr.isDark(row: 0, column: Int(qr.size)))
        XCTAssertEqual(try qrCodeForText(text: presentation.qrText), qr)
        XCTAssertGreaterThanOrEqual(qr.version, 1)
    }

    func testTimesReadAsFoundationDates() throws {
        let world = try World()
        let wallet = try world.holderWallet()
        let presentation = try wallet.present(number: World.holderNumber, disclosure: .identity, challenge: nil)
        XCTAssertEqual(presentation.createdDate, Date(timeIntervalSince1970: TimeInterval(World.start)))
        XCTAssertEqual(presentation.secondsUntilExpiry(at: presentation.createdDate), Int(presentation.expiresAt - presentation.createdAt))
        XCTAssertEqual(presentation.secondsUntilExpiry(at: presentation.expiryDate.addingTimeInterval(5)), 0)
        let document = try XCTUnwrap(wallet.documents().first)
        XCTAssertGreaterThan(document.expiryDate, presentation.createdDate)
        XCTAssertEqual(try wallet.presentationLog().first?.date, presentation.createdDate)

        let birth = CalendarDate(year: 1990, month: 4, day: 12)
        XCTAssertEqual(birth.dateComponents.year, 1990)
        XCTAssertEqual(birth.dateComponents.month, 4)
        XCTAssertEqual(birth.dateComponents.day, 12)
        XCTAssertEqual(CalendarDate(Date(timeIntervalSince1970: TimeInterval(World.start))),
                       CalendarDate(year: 2027, month: 1, day: 15))
    }

    func testFixedClockMovesOnlyWhenTold() throws {
        let clock = FixedClock(unixSeconds: 100)
        XCTAssertEqual(try clock.nowUnixSeconds(), 100)
        clock.advance(by: 5)
        XCTAssertEqual(try clock.nowUnixSeconds(), 105)
        clock.set(unixSeconds: 7)
        XCTAssertEqual(try clock.nowUnixSeconds(), 7)
        let system = try SystemClock().nowUnixSeconds()
        XCTAssertLessThan(abs(system - Int64(Date().timeIntervalSince1970)), 5)
    }
}
