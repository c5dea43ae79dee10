import Foundation

// The generated API gives times as seconds since 1970 (`Int64`), the same on
// every platform. These read them as Foundation dates. A day with no time
// (birth, issue, expiry) is the record `CalendarDate`.

extension Presentation {
    /// When the presentation was made.
    public var createdDate: Date { Date(timeIntervalSince1970: TimeInterval(createdAt)) }

    /// When a verifier with the default policy stops accepting it.
    public var expiryDate: Date { Date(timeIntervalSince1970: TimeInterval(expiresAt)) }

    /// Whole seconds until verifiers stop accepting it, `0` once they do.
    public func secondsUntilExpiry(at now: Date) -> Int {
        max(0, Int((TimeInterval(expiresAt) - now.timeIntervalSince1970).rounded(.down)))
    }
}

extension DocumentSummary {
    /// When the credential expires.
    public var expiryDate: Date { Date(timeIntervalSince1970: TimeInterval(expiresAt)) }
}

extension LogEntry {
    /// When the presentation was made.
    public var date: Date { Date(timeIntervalSince1970: TimeInterval(at)) }
}

extension CalendarDate {
    /// This calendar date as Gregorian date components (year, month, day).
    public var dateComponents: DateComponents {
        DateComponents(calendar: Calendar(identifier: .gregorian), year: Int(year), month: Int(month), day: Int(day))
    }

    /// The calendar date of `date` in `timeZone` (Gregorian), e.g. today's
    /// date for a document's issue date.
    public init(_ date: Date, in timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: Int32(parts.year ?? 1970), month: UInt32(parts.month ?? 1), day: UInt32(parts.day ?? 1))
    }
}
