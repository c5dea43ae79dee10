package hawiya.android

import android.security.keystore.KeyGenParameterSpec
import android.security.keystore.KeyPermanentlyInvalidatedException
import android.security.keystore.KeyProperties
import android.security.keystore.StrongBoxUnavailableException
import hawiya.keysource.KeyInvalidatedException
import hawiya.keysource.WrappingKey
import java.security.Key
import java.security.KeyStore
import java.security.ProviderException
import javax.crypto.KeyGenerator

/**
 * The AES-256-GCM key in the Android Keystore that wraps the wallet's data
 * key. hawiya's one key policy (the Android side of iOS's
 * `.biometryCurrentSet`):
 * - it never leaves the secure hardware;
 * - every single use needs the holder's strong biometrics or device
 *   credential (`setUserAuthenticationParameters(0, …)`: one BiometricPrompt
 *   per wrap or unwrap, no time window);
 * - enrolling new biometrics invalidates it for good
 *   (`setInvalidatedByBiometricEnrollment(true)`), so someone who adds their
 *   own fingerprint to an unlocked phone cannot open the wallet. The key
 *   source then reports `KeySourceFailure.Invalidated`; the recovery is a
 *   wallet reset and re-provisioning (bindings/android/README.md);
 * - StrongBox where the phone has one, the TEE otherwise.
 *
 * Needs API 30 (setUserAuthenticationParameters).
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

    override fun isInvalidation(error: Throwable): Boolean =
        error is KeyPermanentlyInvalidatedException || error is KeyInvalidatedException

    private fun generate(): Key = try {
        generate(strongBox = true)
    } catch (e: StrongBoxUnavailableException) {
        generate(strongBox = false)
    } catch (e: ProviderException) {
        // Some phones report a missing or busy StrongBox as a bare
        // ProviderException (StrongBoxUnavailableException is one too).
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
