import Foundation
import HawiyaKit

/// One line of the wallet's presentation log, ready to show.
public struct LogLine: Equatable, Identifiable {
    /// The log entry's id.
    public let id: Int64
    /// "National ID · Sara Al-Harbi".
    public let title: String
    /// "Showed Name, ID number and Expires".
    public let detail: String
    /// "15 Jan 2027, 08:00 · live code".
    public let when: String

    /// The line for `entry`; `names` gives a document number's holder name.
    public init(entry: LogEntry, names: [UInt64: String], formatter: DateFormatter = LogLine.timeFormatter) {
        id = entry.id
        let who = names[entry.documentNumber].map { " · " + $0 } ?? ""
        title = entry.documentType.title + who
        detail = "Showed " + listPhrase(entry.disclosed)
        when = formatter.string(from: entry.date) + (entry.mode == .static ? " · printed code" : " · live code")
    }

    /// "15 Jan 2027, 08:00" in the phone's time zone (UTC in tests).
    public static let timeFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy, HH:mm"
        return formatter
    }()
}
