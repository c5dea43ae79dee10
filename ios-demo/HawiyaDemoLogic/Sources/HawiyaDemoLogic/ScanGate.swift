import Foundation

/// Decides what to do with each code the verifier's camera reads.
///
/// A camera reports the same QR code many times a second while it stays in
/// view. Verifying each report would reject the second and later ones as
/// replays and flash a false "do not accept". The gate lets one report of a
/// code through, ignores repeats of it until it has been out of view for a
/// short window, and says plainly
/// when a code is not an ID code at all (a web address, a payment code).
public struct ScanGate: Sendable {
    /// What the verifier screen should do with a camera report.
    public enum Decision: Equatable, Sendable {
        /// Verify this text.
        case verify(String)
        /// The same code was just handled: do nothing.
        case ignoreRepeat
        /// Not an ID code: tell the clerk, without verifying.
        case notAnIDCode
    }

    /// Seconds during which the same code is not verified again.
    public let repeatWindow: TimeInterval
    /// The text every ID code starts with.
    public let prefix: String
    private var last: (text: String, at: Date)?

    /// Texts that are verified for a clearer verdict although they are not
    /// ID codes (a verifier's challenge QR read by the verifier's camera).
    public let alsoVerified: [String]

    /// A gate for codes starting with `prefix` (the wallet's QR prefix), and
    /// for those starting with one of `alsoVerified`.
    public init(prefix: String, alsoVerified: [String] = [], repeatWindow: TimeInterval = 3) {
        self.prefix = prefix
        self.alsoVerified = alsoVerified
        self.repeatWindow = repeatWindow
    }

    /// Decides about one camera report at `now`.
    public mutating func consider(_ payload: String, at now: Date) -> Decision {
        let text = Self.qrText(payload)
        if let seen = last, seen.text == text {
            let age = now.timeIntervalSince(seen.at)
            if age >= 0 && age < repeatWindow {
                // Still in view: the window starts again from this report, so a
                // code held in front of the camera is never checked twice.
                last = (text, now)
                return .ignoreRepeat
            }
        }
        last = (text, now)
        guard text.hasPrefix(prefix) || alsoVerified.contains(where: { text.hasPrefix($0) }) else {
            return .notAnIDCode
        }
        return .verify(text)
    }

    /// The QR text in a report: one trailing line ending (CR LF, LF or CR)
    /// removed and nothing else, as docs/FORMAT.md §6.1 allows. Any other
    /// space around the text stays, and the verifier calls it malformed.
    static func qrText(_ payload: String) -> String {
        var scalars = Substring(payload).unicodeScalars
        if scalars.last == "\n" {
            scalars.removeLast()
            if scalars.last == "\r" {
                scalars.removeLast()
            }
        } else if scalars.last == "\r" {
            scalars.removeLast()
        }
        return String(scalars)
    }

    /// Lets the next report through whatever it is ("scan again").
    public mutating func reset() {
        last = nil
    }
}
