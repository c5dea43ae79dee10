package org.hawiya.demo.platform

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import java.security.Key
import java.security.KeyStore
import javax.crypto.KeyGenerator
import org.hawiya.demo.logic.WrappingKey

/**
 * The AES-256 key in the Android Keystore that wraps the wallet's data key.
 * It never leaves the secure hardware, and every single use needs the
 * holder's strong biometrics or device credential (timeout 0: one
 * BiometricPrompt per wrap or unwrap). Enrolling new biometrics invalidates
 * it, so someone who adds their own fingerprint to an unlocked phone cannot
 * open the wallet; the holder then restores from a backup.
 *
 * StrongBox is used where the phone has one, the TEE otherwise.
 */
class KeystoreWrappingKey(private val alias: String = DEFAULT_ALIAS) : WrappingKey {
    private val keyStore: KeyStore = KeyStore.getInstance(ANDROID_KEYSTORE).apply { load(null) }

    override fun key(): Key = synchronized(this) {
        keyStore.getKey(alias, null) ?: generate()
    }

    override fun delete() {
        synchronized(this) {
            if (keyStore.containsAlias(alias)) keyStore.deleteEntry(alias)
        }
    }

    private fun generate(): Key = try {
        generate(strongBox = true)
    } catch (e: StrongBoxUnavailableException) {
        generate(strongBox = false)
    }

    private fun generate(strongBox: Boolean): Key {
        val spec = KeyGenParameterSpec.Builder(
            alias,
            KeyProperties.PURPOSE_ENCRYPT or KeyProperties.PURPOSE_DECRYPT,
        )
            .setBlockModes(KeyProperties.BLOCK_MODE_GCM)
            .setEncryptionPaddings(KeyProperties.ENCRYPTION_PADDING_NONE)
            .setKeySize(256)
            .setRandomizedEncryptionRequired(true)
            .setUserAuthenticationRequired(true)
            .setUserAuthenticationParameters(
                0,
                KeyProperties.AUTH_BIOMETRIC_STRONG or KeyProperties.AUTH_DEVICE_CREDENTIAL,
            )
            .setInvalidatedByBiometricEnrollment(true)
            .setIsStrongBoxBacked(strongBox)
            .build()
        val generator = KeyGenerator.getInstance(KeyProperties.KEY_ALGORITHM_AES, ANDROID_KEYSTORE)
        generator.init(spec)
        return generator.generateKey()
    }

    companion object {
        /** The Keystore provider name. */
        const val ANDROID_KEYSTORE = "AndroidKeyStore"

        /** The alias of the wallet's wrapping key. */
        const val DEFAULT_ALIAS = "hawiya.wallet.wrapping-key.v1"
    }
}
