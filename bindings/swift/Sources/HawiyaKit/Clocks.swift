import Foundation

/// The device's clock as a hawiya ``Clock``. Passing `nil` for a clock does
/// the same inside the library; this one is for code that wants to wrap or
/// replace it.
public final class SystemClock: Clock {
    /// The device clock.
    public init() {}

    /// Seconds since 1970 now.
    public func nowUnixSeconds() throws -> Int64 {
        Int64(Date().timeIntervalSince1970.rounded(.down))
    }
}

/// A clock that says what it is told, for tests and previews: time moves only
/// when the test moves it. Safe to use from several threads.
public final class FixedClock: Clock, @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Int64

    /// A clock standing at `unixSeconds`.
    public init(unixSeconds: Int64) {
        seconds = unixSeconds
    }

    /// The time it stands at.
    public func nowUnixSeconds() throws -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        return seconds
    }

    /// Moves the clock by `delta` seconds (negative moves it back).
    public func advance(by delta: Int64) {
        lock.lock()
        seconds += delta
        lock.unlock()
    }

    /// Sets the clock to `unixSeconds`.
    public func set(unixSeconds: Int64) {
        lock.lock()
        seconds = unixSeconds
        lock.unlock()
    }
}
