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

    override fun authorize(cipher: Cipher, purpose: KeyUse): Authorization =
        current?.authorize(cipher, purpose) ?: Authorization.Impossible("the app is not on screen")
}
