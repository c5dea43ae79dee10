package hawiya.android

import android.os.Handler
import android.os.Looper
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import androidx.lifecycle.Lifecycle
import androidx.lifecycle.LifecycleEventObserver
import hawiya.keysource.Authorization
import hawiya.keysource.CancelKind
import hawiya.keysource.CipherAuthenticator
import hawiya.keysource.KeyUse
import hawiya.keysource.PendingAnswer
import hawiya.keysource.PromptDecision
import hawiya.keysource.PromptErrors
import hawiya.keysource.PromptGate
import hawiya.keysource.PromptHost
import hawiya.keysource.UnavailableKind
import java.lang.ref.WeakReference
import javax.crypto.Cipher

/** The title and subtitle of the prompt for each use. */
fun interface PromptText {
    fun forUse(use: KeyUse): Pair<String, String?>
}

/**
 * Shows a BiometricPrompt bound to the cipher (a CryptoObject), so the
 * Keystore lets exactly that cipher run once. The wallet calls its key
 * source from a background thread and waits; this posts the prompt to the
 * main thread and blocks the caller until the holder answers, the activity
 * goes away (cancelled), or [timeoutSeconds] pass (cancelled, timeout).
 *
 * Lifecycle-safe: on the main thread, right before showing, [PromptGate]
 * decides from the activity's state. A stopped activity, or one that saved
 * its state, gets no prompt (BiometricPrompt would silently do nothing then)
 * and the call ends at once with `Cancelled(NOT_IN_FOREGROUND)`. If the
 * activity is destroyed while the prompt is up, the prompt is cancelled and
 * the call ends with `Cancelled(SYSTEM)`. Calling it on the main thread
 * would deadlock, so it refuses to.
 *
 * Make one per activity instance (in onCreate or onStart); it holds the
 * activity weakly.
 */
class BiometricCipherAuthenticator(
    activity: FragmentActivity,
    private val text: PromptText,
    private val timeoutSeconds: Long = 120,
    private val allowed: Int = BIOMETRIC_STRONG or DEVICE_CREDENTIAL,
) : CipherAuthenticator {
    private val activityRef = WeakReference(activity)
    private val main = Handler(Looper.getMainLooper())

    override fun authorize(cipher: Cipher, purpose: KeyUse): Authorization {
        if (Looper.myLooper() == Looper.getMainLooper()) {
            return Authorization.Unavailable(UnavailableKind.OTHER, "the key source was called on the main thread")
        }
        val answer = PendingAnswer()
        var prompt: BiometricPrompt? = null // written and read on the main thread only
        main.post { prompt = show(cipher, purpose, answer) }
        val result = answer.await(timeoutSeconds * 1000)
        if (result is Authorization.Cancelled && result.kind == CancelKind.TIMEOUT) {
            main.post { prompt?.cancelAuthentication() }
        }
        return result
    }

    /** On the main thread: shows the prompt (and returns it) or answers at once. */
    private fun show(cipher: Cipher, purpose: KeyUse, answer: PendingAnswer): BiometricPrompt? {
        if (answer.isAnswered) return null // timed out before the main thread got here
        val activity = activityRef.get()
        val decision = PromptGate.decide(activity?.let { hostOf(it) })
        if (decision is PromptDecision.Refuse || activity == null) {
            val refusal = (decision as? PromptDecision.Refuse)?.answer
            answer.answer(refusal ?: Authorization.Cancelled(CancelKind.NOT_IN_FOREGROUND, "no activity"))
            return null
        }
        val unavailable = when (BiometricManager.from(activity).canAuthenticate(allowed)) {
            BiometricManager.BIOMETRIC_SUCCESS -> null
            BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED ->
                Authorization.Unavailable(UnavailableKind.NOT_ENROLLED, "no screen lock or biometrics set up")
            BiometricManager.BIOMETRIC_ERROR_SECURITY_UPDATE_REQUIRED ->
                Authorization.Unavailable(UnavailableKind.SECURITY_UPDATE, "a security update is required")
            else -> Authorization.Unavailable(UnavailableKind.HARDWARE, "biometric hardware unavailable")
        }
        if (unavailable != null) {
            answer.answer(unavailable)
            return null
        }
        var shown: BiometricPrompt? = null
        val observer = LifecycleEventObserver { _, event ->
            if (event == Lifecycle.Event.ON_DESTROY) {
                shown?.cancelAuthentication()
                answer.answer(Authorization.Cancelled(CancelKind.SYSTEM, "the screen went away"))
            }
        }
        val callback = object : BiometricPrompt.AuthenticationCallback() {
            override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                activity.lifecycle.removeObserver(observer)
                answer.answer(
                    if (result.cryptoObject?.cipher === cipher) {
                        Authorization.Approved
                    } else {
                        Authorization.Unavailable(UnavailableKind.OTHER, "the prompt did not authorise this key")
                    },
                )
            }

            override fun onAuthenticationError(errorCode: Int, errString: CharSequence) {
                activity.lifecycle.removeObserver(observer)
                answer.answer(PromptErrors.answerFor(errorCode, errString.toString()))
            }
            // onAuthenticationFailed (one unrecognised finger) is not final:
            // the prompt stays up and the holder tries again.
        }
        val (title, subtitle) = text.forUse(purpose)
        val builder = BiometricPrompt.PromptInfo.Builder()
            .setTitle(title)
            .setAllowedAuthenticators(allowed)
        if (subtitle != null) builder.setSubtitle(subtitle)
        activity.lifecycle.addObserver(observer)
        val prompt = BiometricPrompt(activity, ContextCompat.getMainExecutor(activity), callback)
        shown = prompt
        prompt.authenticate(builder.build(), BiometricPrompt.CryptoObject(cipher))
        return prompt
    }

    private fun hostOf(activity: FragmentActivity) = object : PromptHost {
        override val isAlive = !activity.isFinishing && !activity.isDestroyed
        override val isStarted = activity.lifecycle.currentState.isAtLeast(Lifecycle.State.STARTED)
        override val isStateSaved = activity.supportFragmentManager.isStateSaved
    }
}
