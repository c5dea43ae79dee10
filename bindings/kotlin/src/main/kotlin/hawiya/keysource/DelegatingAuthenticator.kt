package hawiya.keysource

import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import javax.crypto.Cipher

/**
 * The key source lives as long as the wallet (e.g. in a ViewModel), but a
 * BiometricPrompt needs the activity on screen now, which changes on every
 * rotation. The activity plugs its `hawiya.android.BiometricCipherAuthenticator` in here in
 * onStart and removes it in onStop; with none plugged in, a wrap or unwrap
 * ends at once with `Cancelled(NOT_IN_FOREGROUND)`. Platform-neutral, so
 * it lives here and is tested on the JVM.
 */
class DelegatingAuthenticator : CipherAuthenticator {
    @Volatile
    var current: CipherAuthenticator? = null

    /**
     * True while a prompt is up. Confirming with the device PIN opens the
     * system's own screen, which stops the activity: the app must not lock
     * the wallet then.
     */
    @Volatile
    var prompting: Boolean = false
        private set

    override fun authorize(cipher: Cipher, purpose: KeyUse): Authorization {
        val authenticator = current
            ?: return Authorization.Cancelled(CancelKind.NOT_IN_FOREGROUND, "the app is not on screen")
        prompting = true
        try {
            return authenticator.authorize(cipher, purpose)
        } finally {
            prompting = false
        }
    }
}

/**
 * One prompt's answer, handed from the thread that shows the prompt (on
 * Android the main thread) to the key-source thread that waits for it. The
 * first answer wins; any later one (a callback after the timeout, or after
 * the activity went away) is ignored.
 */
class PendingAnswer {
    private val done = CountDownLatch(1)

    @Volatile
    private var answer: Authorization? = null

    /** Whether an answer arrived (or the wait timed out). */
    val isAnswered: Boolean get() = answer != null

    /** Gives the answer; returns false when one was already given. */
    @Synchronized
    fun answer(value: Authorization): Boolean {
        if (answer != null) return false
        answer = value
        done.countDown()
        return true
    }

    /**
     * Waits up to [timeoutMillis] for the answer. Without one by then, the
     * answer becomes `Cancelled(TIMEOUT)` (never a wrong secret) and later
     * answers are ignored.
     */
    fun await(timeoutMillis: Long): Authorization {
        done.await(timeoutMillis, TimeUnit.MILLISECONDS)
        answer(Authorization.Cancelled(CancelKind.TIMEOUT, "no answer in ${timeoutMillis / 1000} s"))
        return answer ?: Authorization.Cancelled(CancelKind.TIMEOUT, "no answer")
    }
}
