// A live QR code: one showing of a document, re-presented before each code
// expires, for as long as the screen collects it.
@file:JvmName("HawiyaLive")

package hawiya

import hawiya.ffi.Disclosure
import hawiya.ffi.Presentation
import hawiya.ffi.Showing
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * The live presentation of document [number]: a cold [Flow] that, when
 * collected, begins one showing (`Wallet.beginShowing`: the first
 * device-bound presentation and ONE presentation-log entry for the whole
 * showing), emits its first code, then re-presents (`Showing.refresh`: a
 * fresh signature at the wallet's clock, same document, disclosure and
 * challenge, nothing written to disk) [margin] before each code's
 * `expiresAt`, and emits each new code, for as long as it is collected.
 *
 * - Cancelling the collector (the screen goes away) ends the showing
 *   (`Showing.end`: its cached key material is forgotten).
 * - When a refresh fails, the flow ends with that error. It is
 *   `WalletException.ShowingEnded` when the wallet was locked or reset, or
 *   the document was deleted, renewed or replaced since the showing began:
 *   stop the live code and ask the holder to show the document again.
 *   Beginning the showing fails with the errors of `present`.
 * - The wallet calls run on [AsyncWallet.dispatcher]; a new code waits at
 *   least [minInterval] after the last, whatever [margin] says, and at most
 *   [maxInterval] (e.g. 30 s, so that a photo of the screen is soon stale
 *   even for a verifier that accepts the full lifetime).
 *
 * The wait between codes is each code's own lifetime (`expiresAt -
 * createdAt`, both at the wallet's clock) minus [margin], so the flow needs
 * no clock of its own.
 */
fun AsyncWallet.livePresentation(
    number: ULong,
    disclosure: Disclosure,
    challenge: String? = null,
    margin: Duration = DEFAULT_LIVE_MARGIN,
    minInterval: Duration = 1.seconds,
    maxInterval: Duration = Duration.INFINITE,
): Flow<Presentation> =
    liveShowing(this, margin, minInterval, maxInterval, begin = { wallet.beginShowing(number, disclosure, challenge) })

/** Renew a live code this long before its expiry, for a scan to finish. */
val DEFAULT_LIVE_MARGIN: Duration = 5.seconds

/**
 * How long to show [code] before re-presenting it: its lifetime less
 * [margin], at most [maxInterval], at least [minInterval]. When the refresh
 * that made [code] did not move the expiry later ([extended] false: it is
 * capped, e.g. by the window of the challenge it answers), a refresh before
 * then cannot help: its whole lifetime, at least [minInterval].
 */
fun liveRefreshDelay(
    code: Presentation,
    margin: Duration = DEFAULT_LIVE_MARGIN,
    minInterval: Duration = 1.seconds,
    maxInterval: Duration = Duration.INFINITE,
    extended: Boolean = true,
): Duration {
    val lifetime = (code.expiresAt - code.createdAt).seconds
    return if (extended) maxOf(minOf(lifetime - margin, maxInterval), minInterval) else maxOf(lifetime, minInterval)
}

/** The live loop (tests pass [finish] to look at the showing after it ended). */
internal fun liveShowing(
    wallet: AsyncWallet,
    margin: Duration,
    minInterval: Duration,
    maxInterval: Duration,
    begin: () -> Showing,
    finish: (Showing) -> Unit = { it.end(); it.close() },
): Flow<Presentation> = flow {
    require(!margin.isNegative()) { "the margin cannot be negative" }
    val showing = offThread(wallet.dispatcher, onDropped = finish, block = begin)
    try {
        var code = showing.current()
        var extended = true
        while (true) {
            emit(code)
            delay(liveRefreshDelay(code, margin, minInterval, maxInterval, extended))
            val previous = code
            code = offThread(wallet.dispatcher) { showing.refresh() }
            // Capped: signed later, yet expiring no later.
            extended = !(code.createdAt > previous.createdAt && code.expiresAt <= previous.expiresAt)
        }
    } finally {
        finish(showing)
    }
}
