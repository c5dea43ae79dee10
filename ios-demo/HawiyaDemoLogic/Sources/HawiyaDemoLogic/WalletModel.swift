import Foundation
import HawiyaKit

/// The wallet screen's state and actions: unlock, the cards, the QR code that
/// renews itself every 30 seconds (signed by the phone's own clock, and over
/// the verifier's challenge once the holder scanned or typed it), what it
/// discloses, dependents and the log.
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
    private var schedule = QRRefreshSchedule()
    /// Set when the app is told to lock while an unlock is still running.
    private var lockWhenUnlocked = false

    /// A model over `wallet`; `now` is the clock the refresh schedule reads.
    public init(wallet: Wallet, now: @escaping () -> Date = { Date() }) {
        self.wallet = wallet
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
        } catch {
            lockWhenUnlocked = false
            phase = .locked
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
        schedule.reset()
        changed()
    }

    // MARK: documents and codes

    /// Reads documents, dependents and the log again, and makes a code for
    /// the selected document (the first card if none is selected).
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
            }
            schedule.reset()
            refresh()
        } catch {
            handle(error)
        }
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
        schedule.reset()
        refresh()
    }

    /// The choice the disclosure sheet starts from.
    public func disclosureSheet() -> DisclosureChoice {
        choice
    }

    /// Applies the sheet's choice and makes a new code at once.
    public func apply(_ newChoice: DisclosureChoice) {
        guard newChoice.canConfirm else { return }
        choice = newChoice
        schedule.reset()
        refresh()
    }

    /// Called by the screen every second: makes a new code when 30 seconds
    /// have passed.
    public func tick() {
        guard phase == .unlocked, selected != nil, schedule.isDue(at: now()) else { return }
        refresh()
    }

    /// Seconds until the next code, for the countdown.
    public var secondsToRefresh: Int { schedule.secondsLeft(at: now()) }

    /// Share of the 30 seconds left, for the ring around the code.
    public var refreshFraction: Double { schedule.fractionLeft(at: now()) }

    /// "Scan challenge" or "Type code": the holder scanned the verifier's
    /// challenge QR or typed its six digits. The next codes answer it. Text
    /// that is not a challenge leaves everything as it was and says so.
    public func answerChallenge(_ text: String) {
        guard phase == .unlocked else { return }
        do {
            challenge = try readChallengeCode(text: text)
            challengeEnteredAt = now()
            message = nil
            schedule.reset()
            refresh()
        } catch {
            message = HolderMessages.text(for: error)
            changed()
        }
    }

    /// Stops answering the challenge: the codes are timed again.
    public func clearChallenge() {
        challenge = nil
        challengeEnteredAt = nil
        schedule.reset()
        refresh()
    }

    /// The challenge to answer now, dropped once the verifier's window is surely over.
    private func currentChallenge() -> String? {
        if let entered = challengeEnteredAt, now().timeIntervalSince(entered) > Self.challengeSeconds {
            challenge = nil
            challengeEnteredAt = nil
        }
        return challenge
    }

    /// Whether the code on screen is the printable kind (the document was
    /// restored from a backup and is not yet bound to this phone).
    public var showsPrintedCode: Bool { presentation?.mode == .static }

    private func availableClaims() -> [ClaimKey] {
        guard let number = selected, let details = try? wallet.show(number: number) else { return ClaimKey.displayOrder }
        return details.claims.map(\.key)
    }

    private func refresh() {
        guard phase == .unlocked, let number = selected else { return }
        do {
            if selectedDocument?.needsRebinding == true {
                presentation = try wallet.presentStatic(number: number, disclosure: choice.disclosure)
            } else {
                presentation = try wallet.present(number: number, disclosure: choice.disclosure, challenge: currentChallenge())
            }
            schedule.recordRefresh(at: now())
            message = nil
            reloadLog()
        } catch {
            presentation = nil
            handle(error)
        }
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
