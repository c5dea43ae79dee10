import Foundation
import HawiyaKit

/// What the wallet screen says when something fails, in plain words for the
/// holder. The library's errors are typed; choosing the words (and later
/// translating them) is the app's job.
public enum HolderMessages {
    /// A sentence for `error`, which a wallet call threw.
    public static func text(for error: Error) -> String {
        guard let error = error as? WalletError else {
            return "Something went wrong. Try again."
        }
        switch error {
        case .WrongPassphrase(let remaining):
            return remaining == 1
                ? "Wrong PIN. One attempt left before the wallet locks."
                : "Wrong PIN. \(remaining) attempts left before the wallet locks."
        case .RetryLater(let seconds):
            return "Too many wrong attempts. Try again in \(duration(seconds))."
        case .LockedOut:
            return "The wallet is locked after too many wrong attempts. Reset it, then restore your backup."
        case .KeySourceRejected:
            return "Face ID or the passcode was not accepted. Try again."
        case .KeySourceCancelled:
            return "Unlocking was cancelled; no attempt was counted. Unlock when you are ready."
        case .KeySourceUnavailable(let reason):
            return "This phone's key store cannot unlock the wallet: \(reason)."
        case .WeakPasscode(_, let reason):
            return "Choose another PIN: \(reason)."
        case .Locked:
            return "Unlock the wallet first."
        case .NeedsRebinding:
            return "This ID must be issued again to this phone before it can be shown as a live code. The printed card's code still works."
        case .NoPrintCredential:
            return "The wallet holds no printed card for this ID."
        case .InvalidChallenge:
            return "That is not a verifier's challenge. Type the six digits the verifier shows, or scan its code."
        case .NoSuchDocument:
            return "This ID is no longer in the wallet."
        case .Expired:
            return "This ID has expired. Ask the issuer for a renewal."
        case .NotTrusted:
            return "This ID is not signed by an authority the wallet trusts."
        case .Busy:
            return "The wallet is busy. Try again in a moment."
        case .Corrupt, .Tampered:
            return "The wallet file is damaged or was changed. Restore it from your backup."
        case .ClockUnavailable:
            return "The phone's clock is unavailable. Try again."
        default:
            return "The wallet could not do this (\(error.localizedDescription))."
        }
    }

    /// "45 seconds", "2 minutes", "1 hour".
    public static func duration(_ seconds: UInt64) -> String {
        switch seconds {
        case 0 ..< 60:
            return seconds == 1 ? "1 second" : "\(seconds) seconds"
        case 60 ..< 3_600:
            let minutes = (seconds + 59) / 60
            return minutes == 1 ? "1 minute" : "\(minutes) minutes"
        default:
            let hours = (seconds + 3_599) / 3_600
            return hours == 1 ? "1 hour" : "\(hours) hours"
        }
    }
}
