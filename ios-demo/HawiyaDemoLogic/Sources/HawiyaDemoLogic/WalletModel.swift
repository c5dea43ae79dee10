import Foundation
import HawiyaKit

/// The wallet screen's state and actions: unlock, the cards, the live QR code
/// (one showing: a fresh code about every 30 seconds while it is on screen,
/// one presentation-log entry; over the verifier's challenge once the holder
/// scanned or typed it), what it discloses, dependents, the log, and the
/// reset when the Keychain key was invalidated.
///
/// Plain Swift: the SwiftUI view observes it through `onChange` and draws
/// what it says; every decision is here, tested on any platform.
@MainActor
public final class WalletModel {
    /// Whether the wallet can be used.
    public enum Phase: Equatable {
        /// Locked: the screen offers "Unlock".
        case locked
        /// Waiting for the key store (Face ID) or the passphrase check.
        case unlocking
        /// Unlocked: cards and codes are shown.
        case unlocked
    }

    /// Whether the wallet can be used.
    public private(set) var phase: Phase
    /// The holder's own documents.
    public private(set) var cards: [DocumentSummary] = []
    /// People whose documents the holder keeps as guardian.
    public private(set) var dependents: [Person] = []
    /// The presentation log, newest first.
    public private(set) var log: [LogLine] = []
    /// The document whose code is on screen.
    public private(set) var selected: UInt64?
    /// What the code on screen discloses.
    public private(set) var choice = DisclosureChoice(available: ClaimKey.displayOrder)
    /// The code on screen.
    public private(set) var presentation: Presentation?
    /// The last problem, in words for the holder; `nil` when all is well.
    public private(set) var message: String?
    /// Whether the screen is asking the holder to confirm a reset
    /// (``resetWarning``): set by ``requestReset()``, cleared by
    /// ``cancelReset()`` or ``confirmReset(keySource:)``.
    public private(set) var confirmingReset = false
    /// Set when unlocking found the Keychain key invalidated (biometrics
    /// changed): the screen offers only ``recoverFromInvalidation(keySource:reprovision:)``.
    public private(set) var keyInvalidated = false
    /// The verifier's challenge the codes answer (six digits), if any.
    public private(set) var challenge: String?
    private var challengeEnteredAt: Date?

    /// How long codes answer an entered challenge: the verifier's default
    /// freshness window and clock skew, after which it refuses answers.
    public static let challengeSeconds: TimeInterval = 150
    /// Called after every change of state.
    public var onChange: (() -> Void)?

    private let wallet: Wallet
    private let now: () -> Date
    private let clock: Clock?
    private var generation = 0
    /// Set when the app is told to lock while an unlock is still running.
    private var lockWhenUnlocked = false

    /// A model over `wallet`; `clock` is the wallet's (`nil`: the phone's),
    /// `now` the same time as a `Date` for the countdown.
    public init(wallet: Wallet, clock: Clock? = nil, now: @escaping () -> Date = { Date() }) {
        self.wallet = wallet
        self.clock = clock
        self.now = now
        phase = wallet.isUnlocked() ? .unlocked : .locked
        if phase == .unlocked { reload() }
    }

    // MARK: unlocking

    /// Unlocks with the phone's key store (Face ID or passcode).
    public func unlock(keySource: KeySource) async {
        await unlock { try await self.wallet.unlock(keySource: keySource) }
    }

    /// Unlocks with a passphrase or PIN.
    public func unlock(passphrase: String) async {
        await unlock { try await self.wallet.unlock(passphrase: passphrase) }
    }

    private func unlock(_ attempt: () async throws -> UnlockOutcome) async {
        guard phase == .locked else { return }
        phase = .unlocking
        lockWhenUnlocked = false
        message = nil
        changed()
        do {
            let outcome = try await attempt()
            if lockWhenUnlocked {
                // The app went to the background meanwhile: stay locked.
                lockWhenUnlocked = false
                wallet.lock()
                phase = .locked
                changed()
                return
            }
            phase = .unlocked
            if outcome.weakPasscode != nil {
                message = "Your PIN is easy to guess from what the wallet holds. Change it in Settings."
            }
            reload()
        } catch is KeySourceInvalidated {
            lockWhenUnlocked = false
            phase = .locked
            keyInvalidated = true
            message = Self.keyInvalidatedMessage
        } catch {
            lockWhenUnlocked = false
            phase = .locked
            message = HolderMessages.text(for: error)
        }
        changed()
    }

    // MARK: after the Keychain key was invalidated

    /// What the screen says when the key was invalidated.
    public static let keyInvalidatedMessage =
        "Face ID or Touch ID changed on this phone, so the wallet's key was deleted for your safety. Reset the wallet and add your documents again."

    /// What the screen says after the recovery.
    public static let recoveredMessage =
        "The wallet was reset on a new key and your documents were added again."

    /// The recovery from ``keyInvalidated``: deletes the dead Keychain key,
    /// resets the wallet onto a new one (every document, key and log entry
    /// is destroyed, unlocked), then `reprovision` adds the documents again
    /// (in the demo: from the test issuer; in an app: from the issuer or a
    /// backup). Does nothing unless the key was found invalidated and the
    /// holder confirmed (``requestReset()`` came first).
    public func recoverFromInvalidation(keySource: KeychainKeySource, reprovision: @escaping (Wallet) throws -> Void) async {
        guard phase == .locked, keyInvalidated, confirmingReset else { return }
        confirmingReset = false
        phase = .unlocking
        message = nil
        changed()
        do {
            try await wallet.resetAfterInvalidation(keySource: keySource)
            keyInvalidated = false
            phase = .unlocked
            selected = nil
            presentation = nil
            let wallet = self.wallet
            try await Task.detached { try reprovision(wallet) }.value
            reload()
            message = Self.recoveredMessage
        } catch {
            // Reset but not filled: the wallet is open and empty; say why.
            phase = wallet.isUnlocked() ? .unlocked : .locked
            reload()
            message = HolderMessages.text(for: error)
        }
        changed()
    }

    // MARK: reset (the way out of a lockout)

    /// What the confirmation says before anything is destroyed.
    public static let resetWarning =
        "Every document, this phone's keys and the sharing log are destroyed for good; only a backup or the issuer can bring your documents back."

    /// What the screen says after a reset.
    public static let resetDone =
        "The wallet was reset and is empty. Restore your backup or ask the issuer for your documents again."

    /// The holder asked to reset the locked wallet: nothing is destroyed
    /// yet, the screen asks them to confirm.
    public func requestReset() {
        guard phase == .locked else { return }
        confirmingReset = true
        changed()
    }

    /// The holder changed their mind: nothing is destroyed.
    public func cancelReset() {
        guard confirmingReset else { return }
        confirmingReset = false
        changed()
    }

    /// The holder confirmed: destroys every document, key and log entry and
    /// protects the fresh, empty wallet with `keySource`. Does nothing unless
    /// ``requestReset()`` came first.
    public func confirmReset(keySource: KeySource) async {
        guard phase == .locked, confirmingReset else { return }
        confirmingReset = false
        phase = .unlocking
        message = nil
        changed()
        do {
            try await wallet.reset(keySource: keySource)
            phase = .unlocked
            selected = nil
            presentation = nil
            reload()
            message = Self.resetDone
        } catch {
            phase = .locked
            message = HolderMessages.text(for: error)
        }
        changed()
    }

    /// Locks the wallet and forgets everything shown. During an unlock
    /// (its key source may be waiting for Face ID) the wallet is locked
    /// again as soon as the unlock returns, and stays locked.
    public func lock() {
        if phase == .unlocking {
            lockWhenUnlocked = true
            return
        }
        wallet.lock()
        phase = .locked
        cards = []
        dependents = []
        log = []
        presentation = nil
        changed()
    }

    // MARK: documents and codes

    /// Reads documents, dependents and the log again, and selects the first
    /// card if the selected document is gone.
    public func reload() {
        guard phase == .unlocked else { return }
        do {
            let documents = try wallet.documents()
            cards = documents.filter { $0.guardian == nil }
            dependents = try wallet.dependents()
            let held = cards + dependents.flatMap(\.documents)
            if selected.map({ number in !held.contains { $0.number == number } }) ?? true {
                selected = cards.first?.number ?? held.first?.number
                choice = DisclosureChoice(available: availableClaims())
                presentation = nil
            }
            reloadLog()
        } catch {
            handle(error)
        }
        changed()
    }

    /// The selected document's summary.
    public var selectedDocument: DocumentSummary? {
        (cards + dependents.flatMap(\.documents)).first { $0.number == selected }
    }

    /// Shows `number`'s code (a card or a dependent's document), disclosing
    /// name, number and expiry until the holder chooses otherwise.
    public func select(_ number: UInt64) {
        guard phase == .unlocked else { return }
        selected = number
        choice = DisclosureChoice(available: availableClaims())
        codeChanged()
    }

    /// The choice the disclosure sheet starts from.
    public func disclosureSheet() -> DisclosureChoice {
        choice
    }

    /// Applies the sheet's choice: a new showing with it starts at once.
    public func apply(_ newChoice: DisclosureChoice) {
        guard newChoice.canConfirm else { return }
        choice = newChoice
        codeChanged()
    }

    // MARK: the live code

    /// What the code on screen shows: a document, a disclosure, the
    /// challenge it answers, and whether it is the printed card's code. The
    /// screen runs ``showLiveCode(sleep:)`` in `.task(id: model.liveRequest)`,
    /// so each change ends the showing and begins a new one.
    public struct LiveRequest: Equatable, Sendable {
        public let number: UInt64
        public let disclosure: Disclosure
        public let challenge: String?
        public let printed: Bool
        /// Counts the holder's choices: choosing the same again (e.g.
        /// entering the same challenge) still shows a new code at once.
        public let generation: Int
    }

    /// The code the screen should show now; `nil` when locked or nothing is selected.
    public var liveRequest: LiveRequest? {
        guard phase == .unlocked, let number = selected else { return nil }
        return LiveRequest(
            number: number, disclosure: choice.disclosure, challenge: challenge,
            printed: selectedDocument?.needsRebinding == true, generation: generation
        )
    }

    /// A new code this many seconds before the one on screen expires (with
    /// the verifier's two-minute window, a new code about every 30 seconds).
    public static let refreshMargin = LivePresentations.defaultMargin

    /// Shows ``liveRequest`` as a live code until the calling task is
    /// cancelled (SwiftUI's `.task` ends when the view goes or the request
    /// changes): one showing, one presentation-log entry, a fresh code
    /// ``refreshMargin`` seconds before each expires. A printed card's code
    /// is made once. When the showing ends under it (the wallet locked, the
    /// document changed) the code leaves the screen and the holder is asked
    /// to show it again. `sleep` waits between codes (tests pass their own).
    public func showLiveCode(sleep: @escaping LivePresentations.Sleep = LivePresentations.taskSleep) async {
        guard let request = liveRequest else { return }
        if request.printed {
            do {
                presentation = try wallet.presentStatic(number: request.number, disclosure: request.disclosure)
                message = nil
                reloadLog()
            } catch {
                presentation = nil
                handle(error)
            }
            changed()
            return
        }
        var first = true
        do {
            for try await code in wallet.livePresentations(
                of: request.number, disclosure: request.disclosure, challenge: request.challenge,
                margin: Self.refreshMargin, clock: clock, sleep: sleep
            ) {
                // The holder chose something else meanwhile: the next task shows it.
                guard request == liveRequest else { break }
                presentation = code
                if first {
                    message = nil
                    reloadLog()
                    first = false
                }
                changed()
            }
        } catch WalletError.ShowingEnded {
            presentation = nil
            if !wallet.isUnlocked() {
                lock()
            } else if challenge != nil {
                // The verifier's challenge window is over: timed codes again.
                challenge = nil
                challengeEnteredAt = nil
                codeChanged()
                return
            } else {
                codeStopped = true
                message = Self.showAgainMessage
            }
            changed()
        } catch {
            presentation = nil
            handle(error)
            changed()
        }
    }

    /// What the screen says when a live code stopped under it (the document
    /// changed, the log was cleared elsewhere, the clock went back).
    public static let showAgainMessage = "The code stopped because the wallet changed. Show it again when you are ready."

    /// Whether the live code stopped under the screen (``showAgainMessage``):
    /// the screen offers ``showAgain()``.
    public private(set) var codeStopped = false

    /// "Show the code again" after it stopped: a new showing.
    public func showAgain() {
        guard phase == .unlocked, codeStopped else { return }
        message = nil
        codeChanged()
    }

    /// Called by the screen every second: drops the verifier's challenge once
    /// its window is surely over (the codes are then timed again).
    public func tick() {
        guard phase == .unlocked, let entered = challengeEnteredAt,
              now().timeIntervalSince(entered) > Self.challengeSeconds else { return }
        challenge = nil
        challengeEnteredAt = nil
        codeChanged()
    }

    /// Seconds until the next code, for the countdown; `0` for a printed code.
    public var secondsToRefresh: Int {
        guard let code = presentation, code.mode == .deviceBound else { return 0 }
        let due = code.expiresAt - Self.refreshMargin
        return max(0, Int(due - Int64(now().timeIntervalSince1970.rounded(.down))))
    }

    /// Share of the time between two codes still left, for the ring around the code.
    public var refreshFraction: Double {
        guard let code = presentation, code.mode == .deviceBound else { return 0 }
        let interval = code.expiresAt - Self.refreshMargin - code.createdAt
        guard interval > 0 else { return 0 }
        return min(1, max(0, Double(secondsToRefresh) / Double(interval)))
    }

    /// "Scan challenge" or "Type code": the holder scanned the verifier's
    /// challenge QR or typed its six digits. A new showing answers it. Text
    /// that is not a challenge leaves everything as it was and says so.
    public func answerChallenge(_ text: String) {
        guard phase == .unlocked else { return }
        do {
            challenge = try readChallengeCode(text: text)
            challengeEnteredAt = now()
            message = nil
            codeChanged()
        } catch {
            message = HolderMessages.text(for: error)
            changed()
        }
    }

    /// Stops answering the challenge: the codes are timed again.
    public func clearChallenge() {
        challenge = nil
        challengeEnteredAt = nil
        codeChanged()
    }

    /// Whether the code on screen is the printable kind (the document was
    /// restored from a backup and is not yet bound to this phone).
    public var showsPrintedCode: Bool { presentation?.mode == .static }

    private func availableClaims() -> [ClaimKey] {
        guard let number = selected, let details = try? wallet.show(number: number) else { return ClaimKey.displayOrder }
        return details.claims.map(\.key)
    }

    /// The request changed: the old code leaves the screen at once (it shows
    /// something else), the screen's task begins the new showing.
    private func codeChanged() {
        codeStopped = false
        generation += 1
        presentation = nil
        changed()
    }

    private func reloadLog() {
        var names: [UInt64: String] = [:]
        for document in cards + dependents.flatMap(\.documents) {
            names[document.number] = document.nameEn
        }
        let entries = (try? wallet.presentationLog()) ?? []
        log = entries.reversed().map { LogLine(entry: $0, names: names) }
    }

    /// Forgets the log on the phone.
    public func clearLog() {
        do {
            _ = try wallet.clearPresentationLog()
            log = []
            // Clearing the log ends the showing on screen; the code goes on
            // as a new showing (a new entry: it is still being shown).
            if presentation != nil {
                codeChanged()
                return
            }
        } catch {
            handle(error)
        }
        changed()
    }

    private func handle(_ error: Error) {
        if case WalletError.Locked = error {
            lock()
        }
        message = HolderMessages.text(for: error)
    }

    private func changed() {
        onChange?()
    }
}
