import Foundation

/// When the wallet screen replaces the QR code it shows.
///
/// A device-bound code carries the time the phone signed it, and a verifier
/// refuses codes older than its freshness window (two minutes). Making a new
/// code every 30 seconds keeps the shown code well inside that window, so a
/// clerk who scans it late still gets a fresh one, and a screenshot goes stale
/// quickly. The screen asks `isDue(at:)` on each tick; nothing here reads the
/// clock.
public struct QRRefreshSchedule: Equatable, Sendable {
    /// How often the code is replaced, in seconds.
    public static let defaultInterval: TimeInterval = 30

    /// Seconds between two codes.
    public let interval: TimeInterval
    /// When the code on screen was made; `nil` before the first one.
    public private(set) var madeAt: Date?

    /// A schedule with no code made yet.
    public init(interval: TimeInterval = QRRefreshSchedule.defaultInterval) {
        self.interval = max(1, interval)
    }

    /// Whether a new code should be made now: none yet, the interval passed,
    /// or the clock moved back (a code "from the future" would be refused).
    public func isDue(at now: Date) -> Bool {
        guard let madeAt else { return true }
        let age = now.timeIntervalSince(madeAt)
        return age < 0 || age >= interval
    }

    /// Whole seconds until the next code (what a countdown shows), `0` when due.
    public func secondsLeft(at now: Date) -> Int {
        guard let madeAt, !isDue(at: now) else { return 0 }
        let left = interval - now.timeIntervalSince(madeAt)
        return Int(left.rounded(.up))
    }

    /// The share of the interval still left, from 1 (just made) to 0 (due),
    /// for a progress ring around the code.
    public func fractionLeft(at now: Date) -> Double {
        guard let madeAt, !isDue(at: now) else { return 0 }
        return min(1, max(0, 1 - now.timeIntervalSince(madeAt) / interval))
    }

    /// Notes that a new code was made at `now`.
    public mutating func recordRefresh(at now: Date) {
        madeAt = now
    }

    /// Forgets the code on screen (the wallet locked, or the holder changed
    /// what to disclose), so the next tick makes a new one.
    public mutating func reset() {
        madeAt = nil
    }
}
