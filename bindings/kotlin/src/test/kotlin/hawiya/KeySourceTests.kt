// The platform-neutral key source (hawiya.keysource) on the JVM: the wrapped
// format, the mapping of every prompt outcome (never a wrong secret), the
// lifecycle rule of the prompt, and key invalidation with its recovery.
package hawiya

import hawiya.ffi.KeySourceException
import hawiya.ffi.Wallet
import hawiya.ffi.WalletException
import hawiya.keysource.Authorization
import hawiya.keysource.CancelKind
import hawiya.keysource.CipherAuthenticator
import hawiya.keysource.DataKeyWrapper
import hawiya.keysource.KeySourceFailure
import hawiya.keysource.KeyUse
import hawiya.keysource.PlatformKeySource
import hawiya.keysource.PromptDecision
import hawiya.keysource.PromptErrors
import hawiya.keysource.PromptGate
import hawiya.keysource.PromptHost
import hawiya.keysource.UnavailableKind
import hawiya.keysource.WrappingKey
import java.security.InvalidKeyException
import java.security.Key
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNull
import kotlin.test.assertTrue

val keySourceTests: List<Pair<String, () -> Any?>> = listOf(
    "key source: wrap then unwrap gives the data key back, in the documented layout" to ::wrapLayout,
    "key source: damaged or foreign wrapped bytes are unavailable, before any prompt" to ::damagedWrapped,
    "key source: user cancel, system cancel, timeout and lockout are cancel/unavailable, never a wrong secret" to ::promptErrorsNeverRejected,
    "key source: a wallet counts no attempt for any prompt outcome, through the key source" to ::walletCountsNoPromptOutcome,
    "key source: a prompt is refused, not shown, when the app is stopped or saved its state" to ::promptGate,
    "key source: an invalidated key is a typed outcome; reset and re-provisioning recover" to ::invalidatedKey,
    "key source: the reset for invalidation refuses to run when the key is not invalidated" to ::resetNeedsInvalidation,
    "key source: an undeclared exception from the platform is unavailable" to ::undeclaredPlatformError,
)

/** An AES key in memory standing in for the Keystore key; [invalidate] makes it behave as after a new enrolment. */
class MemoryWrappingKey : WrappingKey {
    private var key: SecretKey? = null
    @Volatile var invalidated = false
    var deletes = 0

    override fun key(): Key {
        if (invalidated) throw FakeKeyPermanentlyInvalidatedException()
        return key ?: KeyGenerator.getInstance("AES").apply { init(256) }.generateKey().also { key = it }
    }

    override fun delete() {
        deletes++
        key = null
        invalidated = false
    }

    override fun isInvalidation(error: Throwable): Boolean = error is FakeKeyPermanentlyInvalidatedException
}

/** The JVM stand-in for android.security.keystore.KeyPermanentlyInvalidatedException (an InvalidKeyException). */
class FakeKeyPermanentlyInvalidatedException : InvalidKeyException("Key permanently invalidated")

/** A prompt that answers what the test says. */
class ScriptedAuthenticator(@Volatile var answer: Authorization = Authorization.Approved) : CipherAuthenticator {
    val uses = mutableListOf<KeyUse>()
    override fun authorize(cipher: Cipher, purpose: KeyUse): Authorization {
        uses += purpose
        return answer
    }
}

private fun source(key: WrappingKey = MemoryWrappingKey(), auth: CipherAuthenticator = ScriptedAuthenticator()) =
    PlatformKeySource(DataKeyWrapper(key, auth))

fun wrapLayout() {
    val auth = ScriptedAuthenticator()
    val w = DataKeyWrapper(MemoryWrappingKey(), auth)
    val dataKey = ByteArray(32) { it.toByte() }
    val wrapped = w.wrap(dataKey)
    assertEquals(1 + 12 + 32 + 16, wrapped.size)
    assertEquals(DataKeyWrapper.FORMAT_VERSION, wrapped[0])
    assertFalse(wrapped.toList().windowed(32).any { it == dataKey.toList() }, "no clear key inside")
    assertContentEquals(dataKey, w.unwrap(wrapped))
    assertEquals(listOf(KeyUse.CREATE, KeyUse.UNLOCK), auth.uses, "one prompt per use")
    assertFalse(w.wrap(dataKey).contentEquals(wrapped), "a fresh IV each time")
    // The source wipes the data key it wrapped.
    val handed = ByteArray(32) { (it + 1).toByte() }
    val s = source()
    val sealed = s.wrap(handed)
    assertTrue(handed.all { it == 0.toByte() })
    assertContentEquals(ByteArray(32) { (it + 1).toByte() }, s.unwrap(sealed))
}

fun damagedWrapped() {
    val auth = ScriptedAuthenticator()
    val s = source(auth = auth)
    val wrapped = s.wrap(ByteArray(32) { 1 })
    val flipped = wrapped.copyOf().also { it[20] = (it[20].toInt() xor 1).toByte() }
    assertFailsWith<KeySourceException.Unavailable> { s.unwrap(flipped) }
    auth.uses.clear()
    assertFailsWith<KeySourceException.Unavailable> { s.unwrap(wrapped.copyOf().also { it[0] = 2 }) }
    assertFailsWith<KeySourceException.Unavailable> { s.unwrap(ByteArray(5)) }
    assertEquals(emptyList(), auth.uses, "no prompt for bytes in an unknown format")
    assertFailsWith<KeySourceException.Unavailable> { source().unwrap(wrapped) }
    assertIs<KeySourceFailure.Unavailable>(s.lastFailure)
}

/** What each BiometricPrompt error code becomes at the wallet's boundary. */
fun promptErrorsNeverRejected() {
    val cancels = mapOf(
        PromptErrors.ERROR_USER_CANCELED to CancelKind.USER,
        PromptErrors.ERROR_NEGATIVE_BUTTON to CancelKind.USER,
        PromptErrors.ERROR_CANCELED to CancelKind.SYSTEM,
        PromptErrors.ERROR_TIMEOUT to CancelKind.TIMEOUT,
    )
    val unavailable = mapOf(
        PromptErrors.ERROR_LOCKOUT to UnavailableKind.LOCKOUT,
        PromptErrors.ERROR_LOCKOUT_PERMANENT to UnavailableKind.LOCKOUT_PERMANENT,
        PromptErrors.ERROR_NO_BIOMETRICS to UnavailableKind.NOT_ENROLLED,
        PromptErrors.ERROR_NO_DEVICE_CREDENTIAL to UnavailableKind.NOT_ENROLLED,
        PromptErrors.ERROR_HW_UNAVAILABLE to UnavailableKind.HARDWARE,
        PromptErrors.ERROR_HW_NOT_PRESENT to UnavailableKind.HARDWARE,
        PromptErrors.ERROR_UNABLE_TO_PROCESS to UnavailableKind.HARDWARE,
        PromptErrors.ERROR_NO_SPACE to UnavailableKind.HARDWARE,
        PromptErrors.ERROR_SECURITY_UPDATE_REQUIRED to UnavailableKind.SECURITY_UPDATE,
        PromptErrors.ERROR_VENDOR to UnavailableKind.OTHER,
        999 to UnavailableKind.OTHER,
    )
    val auth = ScriptedAuthenticator()
    val s = source(auth = auth)
    val wrapped = s.wrap(ByteArray(32))
    for ((code, kind) in cancels) {
        val answer = PromptErrors.answerFor(code, "code $code")
        assertEquals(Authorization.Cancelled(kind, "code $code"), answer)
        auth.answer = answer
        assertFailsWith<KeySourceException.Cancelled>("code $code") { s.unwrap(wrapped) }
        assertEquals(KeySourceFailure.Cancelled(kind, "code $code"), s.lastFailure)
    }
    for ((code, kind) in unavailable) {
        val answer = PromptErrors.answerFor(code, "code $code")
        assertIs<Authorization.Unavailable>(answer, "code $code")
        assertEquals(kind, answer.kind, "code $code")
        auth.answer = answer
        assertFailsWith<KeySourceException.Unavailable>("code $code") { s.unwrap(wrapped) }
        assertIs<KeySourceFailure.Unavailable>(s.lastFailure)
    }
    auth.answer = Authorization.Approved
    assertContentEquals(ByteArray(32), s.unwrap(wrapped))
    assertNull(s.lastFailure, "a success clears the last failure")
}

fun walletCountsNoPromptOutcome() {
    val auth = ScriptedAuthenticator()
    val s = source(auth = auth)
    val file = tempWalletFile("prompt-outcomes")
    Wallet.create(file, s).close()
    Wallet.open(file).use { wallet ->
        for (code in listOf(
            PromptErrors.ERROR_USER_CANCELED, PromptErrors.ERROR_CANCELED, PromptErrors.ERROR_TIMEOUT,
            PromptErrors.ERROR_LOCKOUT, PromptErrors.ERROR_LOCKOUT_PERMANENT, 999,
        )) {
            auth.answer = PromptErrors.answerFor(code, "code $code")
            repeat(6) {
                val e = assertFailsWith<WalletException> { wallet.unlockWithKeySource(s) }
                assertFalse(e is WalletException.KeySourceRejected, "code $code is not a wrong secret")
                assertTrue(
                    e is WalletException.KeySourceCancelled || e is WalletException.KeySourceUnavailable,
                    "code $code: $e",
                )
                assertEquals(s.lastFailure, s.failureOf(e))
            }
        }
        assertEquals(0u, wallet.failedAttempts().failures, "no attempt counted, no lockout")
        auth.answer = Authorization.Approved
        wallet.unlockWithKeySource(s)
        assertTrue(wallet.isUnlocked())
    }
}

private class FakeHost(
    override var isAlive: Boolean = true,
    override var isStarted: Boolean = true,
    override var isStateSaved: Boolean = false,
) : PromptHost

/** An authenticator that asks [PromptGate] as the Android one does, then "shows" the prompt. */
private class GatedAuthenticator(val host: FakeHost?) : CipherAuthenticator {
    var shown = 0
    override fun authorize(cipher: Cipher, purpose: KeyUse): Authorization =
        when (val decision = PromptGate.decide(host)) {
            PromptDecision.Show -> { shown++; Authorization.Approved }
            is PromptDecision.Refuse -> decision.answer
        }
}

fun promptGate() {
    assertEquals(PromptDecision.Show, PromptGate.decide(FakeHost()))
    for (host in listOf(
        null,
        FakeHost(isAlive = false),
        FakeHost(isStarted = false),
        FakeHost(isStateSaved = true),
        // Still STARTED but after onSaveInstanceState: the fragment commit would be lost.
        FakeHost(isStarted = true, isStateSaved = true),
    )) {
        val decision = PromptGate.decide(host)
        assertIs<PromptDecision.Refuse>(decision, "$host")
        assertEquals(CancelKind.NOT_IN_FOREGROUND, (decision.answer as Authorization.Cancelled).kind)
    }
    // Through a wallet: an unlock while the app saved its state ends at once,
    // cancelled, nothing counted; back in front it unlocks.
    val host = FakeHost()
    val auth = GatedAuthenticator(host)
    val s = source(auth = auth)
    val file = tempWalletFile("gate")
    Wallet.create(file, s).close()
    Wallet.open(file).use { wallet ->
        host.isStateSaved = true
        assertFailsWith<WalletException.KeySourceCancelled> { wallet.unlockWithKeySource(s) }
        assertEquals(KeySourceFailure.Cancelled(CancelKind.NOT_IN_FOREGROUND, "the app's screen has saved its state"), s.lastFailure)
        assertEquals(1, auth.shown, "only the creation's prompt was shown")
        host.isStateSaved = false
        wallet.unlockWithKeySource(s)
        assertEquals(2, auth.shown)
        assertEquals(0u, wallet.failedAttempts().failures)
    }
}

fun invalidatedKey() {
    val key = MemoryWrappingKey()
    val auth = ScriptedAuthenticator()
    val s = source(key, auth)
    val file = tempWalletFile("invalidated")
    val issuer = testIssuer()
    Wallet.create(file, s).use { wallet ->
        wallet.importCredential(issueTo(wallet, issuer), issuer.trustList(1UL, NOW))
    }
    Wallet.open(file).use { wallet ->
        // A new fingerprint was enrolled: the platform invalidated the key.
        key.invalidated = true
        val asked = auth.uses.size
        val e = assertFailsWith<WalletException.KeySourceUnavailable> { wallet.unlockWithKeySource(s) }
        assertEquals(asked, auth.uses.size, "no prompt for an invalidated key")
        assertTrue(s.keyInvalidated)
        assertIs<KeySourceFailure.Invalidated>(s.failureOf(e))
        assertEquals(0u, wallet.failedAttempts().failures)
        // Retrying does not help.
        assertFailsWith<WalletException.KeySourceUnavailable> { wallet.unlockWithKeySource(s) }
        assertTrue(s.keyInvalidated)
        // The documented recovery: a new key, a fresh empty wallet.
        s.resetAfterInvalidation(wallet)
        assertEquals(1, key.deletes)
        assertTrue(wallet.isUnlocked())
        assertEquals(0, wallet.documents().size, "the old documents are gone: re-provision them")
        assertFalse(s.keyInvalidated)
        // Re-provisioning: the issuer issues to the new device key.
        wallet.importCredential(issueTo(wallet, issuer), issuer.trustList(1UL, NOW))
        wallet.lock()
        wallet.unlockWithKeySource(s)
        assertEquals(1, wallet.documents().size)
    }
}

fun resetNeedsInvalidation() {
    val key = MemoryWrappingKey()
    val s = source(key)
    val file = tempWalletFile("no-invalidation")
    val issuer = testIssuer()
    Wallet.create(file, s).use { wallet ->
        wallet.importCredential(issueTo(wallet, issuer), issuer.trustList(1UL, NOW))
        wallet.lock()
        assertFailsWith<IllegalStateException> { s.resetAfterInvalidation(wallet) }
        assertEquals(0, key.deletes, "the working key was kept")
        wallet.unlockWithKeySource(s)
        assertEquals(1, wallet.documents().size)
    }
}

fun undeclaredPlatformError() {
    val s = source(auth = { _, _ -> throw IllegalStateException("keystore daemon died") })
    val e = assertFailsWith<KeySourceException.Unavailable> { s.wrap(ByteArray(32)) }
    assertTrue(e.reason.contains("IllegalStateException"))
    assertIs<KeySourceFailure.Unavailable>(s.lastFailure)
}

val keySourceHandOverTests: List<Pair<String, () -> Any?>> = listOf(
    "key source: a prompt nobody answers ends as a timeout cancel; a late answer is ignored" to ::pendingAnswerTimeout,
    "key source: an answer from the prompt's thread reaches the waiting thread" to ::pendingAnswerHandOver,
    "key source: with no screen plugged in, an unlock is cancelled at once, never a wrong secret" to ::delegatingWithoutScreen,
)

fun pendingAnswerTimeout() {
    val pending = hawiya.keysource.PendingAnswer()
    val started = System.nanoTime()
    val answer = pending.await(50)
    assertTrue(System.nanoTime() - started >= 50_000_000, "waited the timeout")
    assertEquals(CancelKind.TIMEOUT, (answer as Authorization.Cancelled).kind)
    assertFalse(pending.answer(Authorization.Approved), "a late approval is refused")
    assertEquals(answer, pending.await(0))
}

fun pendingAnswerHandOver() {
    val pending = hawiya.keysource.PendingAnswer()
    val prompt = Thread {
        Thread.sleep(20)
        pending.answer(PromptErrors.answerFor(PromptErrors.ERROR_USER_CANCELED, "Cancel tapped"))
        pending.answer(Authorization.Approved) // a second callback: ignored
    }
    prompt.start()
    assertEquals(Authorization.Cancelled(CancelKind.USER, "Cancel tapped"), pending.await(5_000))
    prompt.join()
}

fun delegatingWithoutScreen() {
    val delegating = hawiya.keysource.DelegatingAuthenticator()
    val s = source(auth = delegating)
    delegating.current = ScriptedAuthenticator()
    val file = tempWalletFile("delegating")
    Wallet.create(file, s).close()
    Wallet.open(file).use { wallet ->
        delegating.current = null // the activity stopped
        assertFailsWith<WalletException.KeySourceCancelled> { wallet.unlockWithKeySource(s) }
        assertEquals(CancelKind.NOT_IN_FOREGROUND, (s.lastFailure as KeySourceFailure.Cancelled).kind)
        var promptingDuring = false
        delegating.current = CipherAuthenticator { _, _ -> promptingDuring = delegating.prompting; Authorization.Approved }
        wallet.unlockWithKeySource(s)
        assertTrue(promptingDuring, "prompting is set while the prompt is up")
        assertFalse(delegating.prompting)
        assertEquals(0u, wallet.failedAttempts().failures)
    }
}
