package org.hawiya.demo.platform

import android.os.Handler
import android.os.Looper
import androidx.biometric.BiometricManager
import androidx.biometric.BiometricManager.Authenticators.BIOMETRIC_STRONG
import androidx.biometric.BiometricManager.Authenticators.DEVICE_CREDENTIAL
import androidx.biometric.BiometricPrompt
import androidx.core.content.ContextCompat
import androidx.fragment.app.FragmentActivity
import java.lang.ref.WeakReference
import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import javax.crypto.Cipher
import org.hawiya.demo.logic.Authorization
import org.hawiya.demo.logic.CipherAuthenticator
import org.hawiya.demo.logic.KeyUse
import org.hawiya.demo.logic.Texts

/**
 * Shows a BiometricPrompt bound to the cipher (a CryptoObject), so the
 * Keystore lets exactly that cipher run once. The wallet calls the key source
 * from a background thread and waits for the answer; this posts the prompt to
 * the main thread and blocks the caller until the holder answers (or
 * [timeoutSeconds] pass, counted as a refusal). Calling it on the main thread
 * would deadlock, so it refuses to.
 */
class BiometricCipherAuthenticator(
    activity: FragmentActivity,
    private val timeoutSeconds: Long = 120,
) : CipherAuthenticator {
    private val activityRef = WeakReference(activity)
    private val main = Handler(Looper.getMainLooper())

    override fun authorize(cipher: Cipher, purpose: KeyUse): Authorization {
        if (Looper.myLooper() == Looper.getMainLooper()) {
            return Authorization.Impossible("the key source was called on the main thread")
        }
        val activity = activityRef.get() ?: return Authorization.Impossible("the app is not in front")
        val allowed = BIOMETRIC_STRONG or DEVICE_CREDENTIAL
        when (BiometricManager.from(activity).canAuthenticate(allowed)) {
            BiometricManager.BIOMETRIC_SUCCESS -> Unit
            BiometricManager.BIOMETRIC_ERROR_NONE_ENROLLED ->
                return Authorization.Impossible("no screen lock or biometrics set up on this phone")
            else -> return Authorization.Impossible("biometric hardware unavailable")
        }

        val done = CountDownLatch(1)
        var answer: Authorization = Authorization.Cancelled("no answer")
        val prompt = Texts.unlockPrompt(purpose)
        main.post {
            val callback = object : BiometricPrompt.AuthenticationCallback() {
                override fun onAuthenticationSucceeded(result: BiometricPrompt.AuthenticationResult) {
                    answer = if (result.cryptoObject?.cipher === cipher) {
                        Authorization.Approved
                    } else {
                        Authorization.Refused("the prompt did not authorise this key")
                    }
                    done.countDown()
                }

                override fun onAuthenticationError(errorCode: Int, errString: CharSequence) {
                    answer = when (errorCode) {
                        BiometricPrompt.ERROR_HW_UNAVAILABLE,
                        BiometricPrompt.ERROR_HW_NOT_PRESENT,
                        BiometricPrompt.ERROR_NO_BIOMETRICS,
                        BiometricPrompt.ERROR_NO_DEVICE_CREDENTIAL,
                        // The platform throttles its own prompt after wrong
                        // fingers; the wallet does not count that again.
                        BiometricPrompt.ERROR_LOCKOUT,
                        BiometricPrompt.ERROR_LOCKOUT_PERMANENT,
                        -> Authorization.Impossible(errString.toString())
                        // Dismissed, cancelled by the system, or timed out:
                        // no answer from the holder, nothing to count.
                        BiometricPrompt.ERROR_USER_CANCELED,
                        BiometricPrompt.ERROR_NEGATIVE_BUTTON,
                        BiometricPrompt.ERROR_CANCELED,
                        BiometricPrompt.ERROR_TIMEOUT,
                        -> Authorization.Cancelled(errString.toString())
                        else -> Authorization.Refused(errString.toString())
                    }
                    done.countDown()
                }
                // onAuthenticationFailed (one unrecognised finger) is not final:
                // the prompt stays up and the holder tries again.
            }
            val info = BiometricPrompt.PromptInfo.Builder()
                .setTitle(prompt.en)
                .setSubtitle(prompt.ar)
                .setAllowedAuthenticators(allowed)
                .build()
            BiometricPrompt(activity, ContextCompat.getMainExecutor(activity), callback)
                .authenticate(info, BiometricPrompt.CryptoObject(cipher))
        }
        if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
            return Authorization.Cancelled("timed out")
        }
        return answer
    }
}
