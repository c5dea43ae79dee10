import Foundation
import HawiyaKit

/// The verifier screen's state: scanning (with a challenge on screen for the
/// holder's phone to answer, when the clerk showed one), or the verdict for
/// the last code.
///
/// A challenge is the normal path: a code that answers it was made after the
/// clerk asked, so it cannot be a screenshot or a code prepared in advance.
/// Each challenge serves one scan; the next person gets a new one.
@MainActor
public final class VerifierModel {
    /// What the screen shows.
    public enum State: Equatable {
        /// The camera is looking for a code.
        case scanning
        /// The verdict for a scanned code; the camera waits for "Scan again".
        case result(VerdictScreen)
        /// The camera read a code that is not an ID code.
        case notAnIDCode
    }

    /// The text every hawiya ID code starts with (docs/FORMAT.md).
    public static let codePrefix = "HW2:"

    /// What the screen shows.
    public private(set) var state: State = .scanning
    /// The challenge on screen (six digits and its QR code), if the clerk showed one.
    public private(set) var challenge: Challenge?
    /// Called after every change of state.
    public var onChange: (() -> Void)?

    private let verifier: Verifier
    private let now: () -> Date
    private let memory: VerifierMemoryFile?
    private var gate = ScanGate(prefix: VerifierModel.codePrefix, alsoVerified: [VerifierModel.challengePrefix])

    /// A model checking codes with `verifier`; `now` times the camera's
    /// repeats; `memory`, if given, keeps what the verifier remembers after
    /// each accepted code, so replays are caught across launches (start the
    /// verifier from it with `DemoTrust.verifier(remembering:)`).
    public init(verifier: Verifier, now: @escaping () -> Date = { Date() }, memory: VerifierMemoryFile? = nil) {
        self.verifier = verifier
        self.now = now
        self.memory = memory
    }

    /// Called for every code the camera reads (many times a second).
    public func cameraRead(_ payload: String) {
        if case .result = state { return }
        switch gate.consider(payload, at: now()) {
        case .ignoreRepeat:
            return
        case .notAnIDCode:
            state = .notAnIDCode
        case .verify(let text):
            state = .result(check(text))
        }
        onChange?()
    }

    /// Back to scanning. The code just checked, if still in view, is ignored
    /// for a moment rather than scanned again as a replay.
    public func scanAgain() {
        state = .scanning
        onChange?()
    }

    /// "Show challenge": a fresh challenge for the next holder to type or
    /// scan into the wallet app; the next scan must answer it. Returns `nil`
    /// (and a verdict saying why) if this phone's clock is unavailable.
    @discardableResult
    public func showChallenge() -> Challenge? {
        do {
            challenge = try verifier.newChallenge()
            state = .scanning
        } catch {
            challenge = nil
            state = .result(Self.clockUnavailable)
        }
        onChange?()
        return challenge
    }

    /// Takes the challenge off screen: the next scan is checked without one.
    public func cancelChallenge() {
        challenge = nil
        onChange?()
    }

    /// Saves what the verifier remembers. A failed save costs only the
    /// memory across a restart, never the verdict; the next accepted code
    /// tries again.
    private func remember() {
        try? memory?.save(verifier.memory())
    }

    private func check(_ text: String) -> VerdictScreen {
        if text.hasPrefix(Self.challengePrefix) {
            return VerdictScreen(headline: "A challenge, not an ID code", reasons: [
                "The wallet app scans this one. Ask the holder to show their ID code.",
            ])
        }
        do {
            let shown = challenge
            // One challenge, one person.
            challenge = nil
            let verdict = try verifier.verify(qrText: text, challenge: shown)
            if verdict.accepted {
                remember()
            }
            return VerdictScreen(verdict: verdict)
        } catch {
            // Only the verifier's own clock can fail: reject, and say why.
            return Self.clockUnavailable
        }
    }

    /// The text of a verifier's challenge QR code.
    public static let challengePrefix = "HWC:"

    private static let clockUnavailable = VerdictScreen(verdict: Verdict(
        accepted: false, assurance: nil,
        failures: [Reason(code: "verifier_clock", message: "this phone's clock is unavailable, so the code cannot be checked")],
        warnings: [], mode: nil, documentType: nil, documentVersion: nil,
        guardian: nil, issuer: nil, expiresAt: nil, presentedAt: nil, claims: []
    ))
}
