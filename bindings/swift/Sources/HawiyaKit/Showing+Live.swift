import Foundation

extension Showing: LiveShowing {}

extension Wallet {
    /// Begins showing a document as a live code (one presentation-log entry
    /// for the whole showing), off the calling thread. Refresh it with
    /// `showing.refresh()` before `current().expiresAt`, end it with
    /// `showing.end()`; or let ``livePresentations(of:disclosure:challenge:margin:clock:)``
    /// do both.
    public func beginShowing(_ number: UInt64, disclosure: Disclosure, challenge: String? = nil) async throws -> Showing {
        try await Self.background { try self.beginShowing(number: number, disclosure: disclosure, challenge: challenge) }
    }

    /// The document's live QR code while it is on screen:
    ///
    /// ```swift
    /// .task(id: number) {
    ///     do {
    ///         for try await code in wallet.livePresentations(of: number, disclosure: .identity) {
    ///             shown = code           // draw code.qr
    ///         }
    ///     } catch WalletError.ShowingEnded {
    ///         // locked, reset, or the document changed: ask to show it again
    ///     } catch { … }
    /// }
    /// ```
    ///
    /// Iterating begins a showing (off the calling thread) and yields its
    /// first code at once, then a fresh one `margin` seconds before each
    /// code's `expiresAt` (by `clock`, the one the wallet was opened with:
    /// `nil` is the phone's). However many refreshes, the showing is ONE
    /// presentation-log entry (one more per five minutes it lasts), and a
    /// refresh between those writes nothing. Leaving the loop
    /// or cancelling the task (SwiftUI cancels `.task` when the view goes)
    /// ends the showing. (`sleep` waits between codes; tests and previews
    /// pass one that moves their clock.) An error ends the stream: `WalletError.ShowingEnded`
    /// once the wallet was locked or reset or the document deleted, renewed
    /// or replaced; otherwise as for `present`.
    public func livePresentations(
        of number: UInt64, disclosure: Disclosure, challenge: String? = nil,
        margin: Int64 = LivePresentations.defaultMargin, clock: Clock? = nil,
        sleep: @escaping LivePresentations.Sleep = LivePresentations.taskSleep
    ) -> LivePresentationStream {
        LivePresentations.stream(margin: margin, clock: clock ?? SystemClock(), sleep: sleep) {
            try self.beginShowing(number: number, disclosure: disclosure, challenge: challenge)
        }
    }
}
