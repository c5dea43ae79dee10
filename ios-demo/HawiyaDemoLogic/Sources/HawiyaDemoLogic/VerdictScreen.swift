import Foundation
import HawiyaKit

/// What the verifier screen shows for one scanned code: a headline a clerk
/// understands at a glance, the reasons, and the verified details.
public struct VerdictScreen: Equatable {
    /// The colour of the result.
    public enum Tone: Equatable {
        /// Every check passed.
        case accepted
        /// Accepted, but the clerk should do something more (a printed code:
        /// check the photo ID; revocation status unknown).
        case acceptedWithCaution
        /// Do not accept.
        case rejected
    }

    /// One labelled line of verified details.
    public struct Row: Equatable {
        /// What it is ("Name").
        public let label: String
        /// Its value ("Sara Al-Harbi").
        public let value: String
    }

    /// The colour.
    public let tone: Tone
    /// "Valid ID", "Valid: check the photo ID", "Do not accept".
    public let headline: String
    /// Why it was rejected, or what to be careful about, one sentence each.
    public let reasons: [String]
    /// Verified details: disclosed claims, document, issuer. Empty when rejected.
    public let rows: [Row]

    /// A rejection the app decides itself, before any verification.
    public init(headline: String, reasons: [String]) {
        tone = .rejected
        self.headline = headline
        self.reasons = reasons
        rows = []
    }

    /// The screen for `verdict`.
    public init(verdict: Verdict, formatter: DateFormatter = VerdictScreen.dayFormatter) {
        guard verdict.accepted else {
            tone = .rejected
            headline = "Do not accept"
            let reasons = verdict.failures.map { Self.sentence($0) }
            self.reasons = reasons.isEmpty ? ["The code could not be checked."] : reasons
            rows = []
            return
        }
        tone = verdict.warnings.isEmpty ? .accepted : .acceptedWithCaution
        headline = verdict.warnings.isEmpty ? "Valid ID" : "Valid: check the photo ID"
        reasons = verdict.warnings.map { Self.sentence($0) }

        var rows: [Row] = []
        let claims = Dictionary(verdict.claims.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for key in ClaimKey.displayOrder where key != .portrait {
            guard let claim = claims[key] else { continue }
            rows.append(Row(label: key.title, value: Self.value(of: claim)))
        }
        if let type = verdict.documentType {
            rows.append(Row(label: "Document", value: type.title + (verdict.documentVersion.map { " (version \($0))" } ?? "")))
        }
        if let issuer = verdict.issuer {
            rows.append(Row(label: "Issued by", value: issuer))
        }
        if let guardian = verdict.guardian {
            rows.append(Row(label: "Shown by", value: "the guardian holding ID \(guardian)"))
        }
        if let expires = verdict.expiresAt, claims[.expiryDate] == nil {
            rows.append(Row(label: "Valid until", value: formatter.string(from: Date(timeIntervalSince1970: TimeInterval(expires)))))
        }
        rows.append(Row(label: "Code", value: Self.assurance(verdict.assurance ?? .printed)))
        self.rows = rows
    }

    /// How far an accepted code can be trusted, in words for the clerk.
    public static func assurance(_ level: Assurance) -> String {
        switch level {
        case .challenged: return "live, from the holder's phone, answering your challenge"
        case .timed: return "live, from the holder's phone, without a challenge"
        case .printed: return "printed (not tied to a phone)"
        }
    }

    /// Plain words for a reason code; the library's own sentence otherwise.
    static func sentence(_ reason: Reason) -> String {
        switch reason.code {
        case "presentation_stale": return "The code is too old: it may be a screenshot. Ask the holder to show the live code."
        case "device_signature_required": return "A phone's code with its phone signature cut off. Ask the holder to show the live code."
        case "challenge_not_answered": return "The code does not answer your challenge. Ask the holder to enter it in the wallet app."
        case "challenge_mismatch": return "The code answers another challenge (a typo?). Ask the holder to enter the digits again."
        case "challenge_expired": return "The answer to your challenge came too late. Show a new challenge."
        case "assurance_below_minimum": return "This kind of code is not enough here. Show a challenge and ask for a code that answers it."
        case "replayed": return "This exact code was already scanned. Ask the holder for a new one."
        case "bad_issuer_signature", "bad_device_signature": return "The code was altered or copied."
        case "malformed": return "This is not a readable ID code."
        case "unknown_issuer_key": return "The issuer is not on this device's trust list."
        case "revoked": return "The ID was revoked or replaced by a newer one."
        case "credential_expired": return "The ID has expired."
        case "static_lower_assurance": return "Printed code: it is not tied to the holder's phone. Check the photo ID."
        case "status_unknown": return "Revocation status unknown: this device has no status list for the issuer."
        default: return reason.message.prefix(1).uppercased() + reason.message.dropFirst() + "."
        }
    }

    static func value(of claim: Claim) -> String {
        switch claim.value {
        case .bool(let value): return value ? "Yes" : "No"
        default: return claim.display
        }
    }

    /// "15 Jan 2027", in UTC.
    public static let dayFormatter: DateFormatter = {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "d MMM yyyy"
        return formatter
    }()
}
