// The coroutine API (hawiya.AsyncWallet) on the JVM: calls run on the
// injected dispatcher, errors arrive typed, and a cancelled call returns at
// once without leaving the wallet half-changed (or unlocked).
package hawiya

import hawiya.ffi.Disclosure
import hawiya.ffi.KeySource
import hawiya.ffi.WalletException
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertTrue
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.async
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout

val asyncTests: List<Pair<String, () -> Any?>> = listOf(
    "async: create, unlock, import, present, backup run on the injected dispatcher" to ::asyncRunsOnDispatcher,
    "async: a wrong passphrase arrives as the typed error" to ::asyncTypedError,
    "async: cancelling an unlock returns at once; the late unlock is locked again" to ::asyncCancelUnlock,
    "async: a cancelled import still commits whole, never half" to ::asyncCancelImport,
)

/** A dispatcher on one named thread, so a test can see where calls ran. */
private fun namedDispatcher(name: String) =
    Executors.newSingleThreadExecutor { Thread(it, name).apply { isDaemon = true } }.asCoroutineDispatcher()

/** A key source that waits at each unwrap until [release] is counted down. */
private class SlowKeySource(val inner: KeySource = AesKeySource()) : KeySource {
    @Volatile var entered = CountDownLatch(1)
    @Volatile var release = CountDownLatch(0)
    val threads = mutableListOf<String>()
    override fun wrap(dataKey: ByteArray): ByteArray = inner.wrap(dataKey)
    override fun unwrap(wrapped: ByteArray): ByteArray {
        synchronized(threads) { threads += Thread.currentThread().name }
        entered.countDown()
        release.await(10, TimeUnit.SECONDS)
        return inner.unwrap(wrapped)
    }
}

fun asyncRunsOnDispatcher() = runBlocking {
    namedDispatcher("hawiya-test-io").use { io ->
        val source = SlowKeySource()
        val clock = TestClock()
        val w = AsyncWallet.create(tempWalletFile("async"), source, clock = clock, dispatcher = io)
        val issuer = testIssuer()
        val credential = issueTo(w.wallet, issuer)
        w.importCredential(credential, issuer.trustList(1UL, NOW))
        w.wallet.lock()
        w.unlock(source)
        assertEquals(listOf("hawiya-test-io"), source.threads, "the key source ran on the dispatcher's thread")
        val p = w.present(NUMBER, Disclosure.Identity)
        assertTrue(p.qrText.startsWith("HW2:"))
        assertEquals(1, w.wallet.presentationLog().size)
        assertTrue(w.exportBackup("backup passphrase 42").isNotEmpty())
        w.wallet.close()
    }
}

fun asyncTypedError() = runBlocking {
    val w = AsyncWallet.create(tempWalletFile("async-wrong"), PASSPHRASE)
    w.wallet.lock()
    assertFailsWith<WalletException.WrongPassphrase> { w.unlock("not the passphrase") }
    w.unlock(PASSPHRASE)
    assertTrue(w.wallet.isUnlocked())
    w.wallet.close()
}

fun asyncCancelUnlock() = runBlocking {
    namedDispatcher("hawiya-test-unlock").use { io ->
        val source = SlowKeySource()
        val w = AsyncWallet.create(tempWalletFile("async-cancel"), source, dispatcher = io)
        w.wallet.lock()
        source.entered = CountDownLatch(1)
        source.release = CountDownLatch(1)
        val unlocking = async(start = CoroutineStart.UNDISPATCHED) { w.unlock(source) }
        assertTrue(source.entered.await(5, TimeUnit.SECONDS), "the unlock reached the key source")
        val started = System.nanoTime()
        unlocking.cancel()
        withTimeout(1_000) { unlocking.join() }
        val ms = (System.nanoTime() - started) / 1_000_000
        assertTrue(ms < 1_000, "cancel returned after $ms ms, while the prompt was still up")
        assertTrue(unlocking.isCancelled)
        assertFailsWith<CancellationException> { unlocking.await() }
        // The holder answers the prompt late: the Rust call finishes on the
        // dispatcher's one thread, and the dropped unlock is locked again
        // there, before the next task on that thread.
        source.release.countDown()
        val after = CountDownLatch(1)
        io.executor.execute { after.countDown() }
        assertTrue(after.await(5, TimeUnit.SECONDS))
        assertFalse(w.wallet.isUnlocked(), "a cancelled unlock leaves the wallet locked")
        w.unlock(source)
        assertTrue(w.wallet.isUnlocked())
        w.wallet.close()
    }
}

fun asyncCancelImport() = runBlocking {
    namedDispatcher("hawiya-test-slow").use { io ->
        val w = AsyncWallet.create(tempWalletFile("async-import"), AesKeySource(), dispatcher = io)
        val issuer = testIssuer()
        val credential = issueTo(w.wallet, issuer)
        // Hold the dispatcher's only thread so the import waits, then cancel it.
        val gate = CountDownLatch(1)
        io.executor.execute { gate.await(5, TimeUnit.SECONDS) }
        val importing = async(start = CoroutineStart.UNDISPATCHED) { w.importCredential(credential, issuer.trustList(1UL, NOW)) }
        importing.cancel()
        withTimeout(1_000) { importing.join() }
        gate.countDown()
        // The import ran to its end on the dispatcher: whole, once.
        val done = CountDownLatch(1)
        io.executor.execute { done.countDown() }
        assertTrue(done.await(5, TimeUnit.SECONDS))
        assertEquals(1, w.wallet.documents().size)
        w.wallet.close()
    }
}
