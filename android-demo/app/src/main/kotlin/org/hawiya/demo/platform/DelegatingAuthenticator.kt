package org.hawiya.demo.platform

import javax.crypto.Cipher
import org.hawiya.demo.logic.Authorization
import org.hawiya.demo.logic.CipherAuthenticator
import org.hawiya.demo.logic.KeyUse

/**
 * The key source lives as long as the wallet (in the view model), but a
 * BiometricPrompt needs the activity on screen now, which changes on every
 * rotation. The activity plugs its authenticator in here when it starts and
 * removes it when it stops.
 */
class DelegatingAuthenticator : CipherAuthenticator {
    @Volatile
    var current: CipherAuthenticator? = null

    /**
     * True while a prompt is up. Confirming with the device PIN opens the
     * system's own screen, which stops this activity: the app must not lock
     * the wallet then.
     */
    @Volatile
    var prompting: Boolean = false
        private set

    override fun authorize(cipher: Cipher, purpose: KeyUse): Authorization {
        val authenticator = current ?: return Authorization.Impossible("the app is not on screen")
        prompting = true
        try {
            return authenticator.authorize(cipher, purpose)
        } finally {
            prompting = false
        }
    }
}
