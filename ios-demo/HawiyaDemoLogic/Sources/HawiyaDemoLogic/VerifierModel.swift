import Foundation
import HawiyaKit

/// The verifier screen's state: scanning, or the verdict for the last code.
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
    public static let codePrefix = "HW1:"

    /// What the screen shows.
    public private(set) var state: State = .scanning
    /// Called after every change of state.
    public var onChange: (() -> Void)?

    private let verifier: Verifier
    private let now: () -> Date
    private var gate = ScanGate(prefix: VerifierModel.codePrefix)

    /// A model checking codes with `verifier`; `now` times the camera's repeats.
    public init(verifier: Verifier, now: @escaping () -> Date = { Date() }) {
        self.verifier = verifier
        self.now = now
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

    private func check(_ text: String) -> VerdictScreen {
        do {
            return VerdictScreen(verdict: try verifier.verify(qrText: text, expectedNonce: nil))
        } catch {
            // Only the verifier's own clock can fail: reject, and say why.
            let reason = Reason(code: "verifier_clock", message: "this phone's clock is unavailable, so the code cannot be checked")
            return VerdictScreen(verdict: Verdict(
                accepted: false, failures: [reason], warnings: [], mode: nil, documentType: nil, documentVersion: nil,
                guardian: nil, issuer: nil, expiresAt: nil, presentedAt: nil, claims: []
            ))
        }
    }
}
