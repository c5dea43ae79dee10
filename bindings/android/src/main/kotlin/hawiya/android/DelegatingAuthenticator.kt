package hawiya.android

import hawiya.keysource.Authorization
import hawiya.keysource.CancelKind
import hawiya.keysource.CipherAuthenticator
import hawiya.keysource.KeyUse
import javax.crypto.Cipher

/**
 * The key source lives as long as the wallet (e.g. in a ViewModel), but a
 * BiometricPrompt needs the activity on screen now, which changes on every
 * rotation. The activity plugs its [BiometricCipherAuthenticator] in here in
 * onStart and removes it in onStop; with none plugged in, a wrap or unwrap
 * ends at once with `Cancelled(NOT_IN_FOREGROUND)`.
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
