// The live presentation stream (AsyncWallet.livePresentation) on the JVM,
// with real (short) delays and the wallet's test clock.
package hawiya

import hawiya.ffi.Disclosure
import hawiya.ffi.Presentation
import hawiya.ffi.Showing
import hawiya.ffi.WalletException
import hawiya.ffi.defaultPolicy
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue
import kotlin.time.Duration.Companion.INFINITE
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout

val liveTests: List<Pair<String, () -> Any?>> = listOf(
    "live: the refreshes of one showing are one presentation-log entry" to ::liveOneLogEntry,
    "live: the collector going away ends the showing" to ::liveCancelEndsShowing,
    "live: a lock during the stream ends it with ShowingEnded" to ::liveEndsOnLock,
    "live: codes are replaced a margin before they expire, within the minimum and maximum interval" to ::liveTiming,
)

private val lifetime = defaultPolicy().freshnessSecs.toLong()

private val liveIssuer by lazy { testIssuer() }

/** A wallet with the national ID, on [clock]. */
private fun liveWallet(clock: TestClock): AsyncWallet {
    val w = keySourceWallet("live", clock = clock)
    w.importCredential(issueTo(w, liveIssuer), liveIssuer.trustList(1UL, NOW))
    return w.async()
}

fun liveOneLogEntry() = runBlocking {
    val clock = TestClock()
    val w = liveWallet(clock)
    // A margin just under the lifetime: a new code every 20 ms.
    val codes = withTimeout(10_000) {
        w.livePresentation(NUMBER, Disclosure.Identity, margin = lifetime.seconds - 1.milliseconds, minInterval = 20.milliseconds)
            .onEach { clock.advance(1) } // the wallet's clock moves on between codes
            .take(5)
            .toList()
    }
    assertEquals(5, codes.size)
    assertEquals(5, codes.map { it.qrText }.toSet().size, "each refresh is a fresh code")
    assertEquals((0L..4L).map { NOW + it }, codes.map { it.createdAt }, "signed at the wallet's clock")
    assertEquals(1, w.wallet.presentationLog().size, "one showing, one log entry")
    // Each code verifies.
    verifier(liveIssuer.trustList(1UL, NOW), clock = clock).use { v ->
        val verdict = v.verify(codes.last().qrText, null)
        assertTrue(verdict.accepted, verdict.failures.toString())
    }
    // A second showing is a second entry.
    w.livePresentation(NUMBER, Disclosure.Identity).take(1).toList()
    assertEquals(2, w.wallet.presentationLog().size)
    w.wallet.close()
}

fun liveCancelEndsShowing() = runBlocking {
    val clock = TestClock()
    val w = liveWallet(clock)
    var ended: Showing? = null
    val first = CompletableDeferredCode()
    val job = launch(start = CoroutineStart.UNDISPATCHED) {
        liveShowing(w, margin = lifetime.seconds - 1.milliseconds, minInterval = 20.milliseconds, maxInterval = INFINITE,
            begin = { w.wallet.beginShowing(NUMBER, Disclosure.Identity, null) },
            finish = { ended = it; it.end() },
        ).collect { first.complete(it) }
    }
    withTimeout(5_000) { first.await() }
    job.cancel()
    withTimeout(1_000) { job.join() }
    val showing = ended ?: error("the showing was not ended")
    assertFailsWith<WalletException.ShowingEnded> { showing.refresh() }
    showing.close()
    assertEquals(1, w.wallet.presentationLog().size)
    w.wallet.close()
}

fun liveEndsOnLock() = runBlocking {
    val clock = TestClock()
    val w = liveWallet(clock)
    var seen = 0
    assertFailsWith<WalletException.ShowingEnded> {
        withTimeout(5_000) {
            w.livePresentation(NUMBER, Disclosure.Identity, margin = lifetime.seconds - 1.milliseconds, minInterval = 20.milliseconds)
                .collect {
                    seen++
                    if (seen == 2) w.wallet.lock()
                }
        }
    }
    assertEquals(2, seen, "no code after the lock")
    w.wallet.close()
}

fun liveTiming() {
    val clock = TestClock()
    val w = liveWallet(clock)
    val p = runBlocking { w.present(NUMBER, Disclosure.Identity) }
    assertEquals(lifetime, p.expiresAt - p.createdAt)
    assertEquals((lifetime - 5).seconds, liveRefreshDelay(p))
    assertEquals(30.seconds, liveRefreshDelay(p, maxInterval = 30.seconds), "at most the maximum")
    assertEquals(1.seconds, liveRefreshDelay(p, margin = (lifetime + 10).seconds), "never faster than the minimum")
    // A challenged showing's refresh keeps the first code's expiry: the next
    // refresh waits for that expiry, not a margin before it (nor a second).
    val challenged = w.wallet.beginShowing(NUMBER, Disclosure.Identity, "493817")
    clock.advance(lifetime - 3)
    val capped = challenged.refresh()
    assertEquals(challenged.current().expiresAt, capped.expiresAt)
    assertEquals(3, capped.expiresAt - capped.createdAt)
    assertEquals(1.seconds, liveRefreshDelay(capped), "with the margin: every second")
    assertEquals(3.seconds, liveRefreshDelay(capped, extended = false), "capped: its expiry")
    clock.advance(3)
    assertFailsWith<WalletException.ShowingEnded> { challenged.refresh() }
    challenged.close()
    assertFailsWith<IllegalArgumentException> {
        runBlocking { w.livePresentation(NUMBER, Disclosure.Identity, margin = (-1).seconds).toList() }
    }
    w.wallet.close()
}

/** A one-shot holder for the first code (kotlinx CompletableDeferred, typed). */
private class CompletableDeferredCode {
    private val inner = kotlinx.coroutines.CompletableDeferred<Presentation>()
    fun complete(p: Presentation) { inner.complete(p) }
    suspend fun await(): Presentation = inner.await()
}
