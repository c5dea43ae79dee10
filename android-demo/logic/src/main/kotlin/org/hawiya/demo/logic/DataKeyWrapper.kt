package org.hawiya.demo.logic

import java.security.GeneralSecurityException
import java.security.Key
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec

/**
 * Where the AES key that wraps the wallet's data key lives. On Android:
 * the Android Keystore, with a key that needs the holder's biometrics or
 * device credential for every use (see the app's `KeystoreWrappingKey`).
 * In tests: an ordinary AES key.
 */
interface WrappingKey {
    /**
     * The key to wrap with, created on first use.
     * @throws GeneralSecurityException when the platform key is missing or invalidated.
     */
    fun key(): Key

    /** Deletes the key (after the platform invalidated it, before making a new wallet). */
    fun delete()
}

/**
 * Lets the holder authorise one use of a cipher: on Android a BiometricPrompt
 * with the cipher as its CryptoObject. Called on a background thread; it
 * blocks until the holder answered.
 */
fun interface CipherAuthenticator {
    /** Asks the holder to approve [cipher] for one wrap or unwrap. */
    fun authorize(cipher: Cipher, purpose: KeyUse): Authorization
}

/** What a wrap or unwrap is for, so the prompt can say it. */
enum class KeyUse {
    /** Creating the wallet (or moving it to this key). */
    CREATE,

    /** Opening the wallet. */
    UNLOCK,
}

/** The holder's answer to a [CipherAuthenticator]. */
sealed class Authorization {
    /** Approved: the cipher may be used now. */
    data object Approved : Authorization()

    /** The holder presented a wrong secret and the prompt ended (counts as a failed unlock). */
    data class Refused(val reason: String) : Authorization()

    /**
     * The prompt ended without an answer: the holder cancelled, the system
     * cancelled it, or it timed out (not counted).
     */
    data class Cancelled(val reason: String) : Authorization()

    /**
     * Authentication cannot run: no biometrics enrolled, hardware error, or
     * the platform is throttling its prompt after failures (not counted).
     */
    data class Impossible(val reason: String) : Authorization()
}

/** Why the data key could not be wrapped or unwrapped. */
sealed class WrapFailure(message: String) : Exception(message) {
    /** The holder presented a wrong secret: the wallet counts a failed unlock. */
    class Refused(reason: String) : WrapFailure(reason)

    /** The prompt was cancelled or timed out: not counted. */
    class Cancelled(reason: String) : WrapFailure(reason)

    /** The key or the hardware is unavailable, or the wrapped key is damaged: not counted. */
    class Unavailable(reason: String) : WrapFailure(reason)
}

/**
 * Wraps the wallet's 32-byte data key with AES-256-GCM under a [WrappingKey],
 * after the holder authorises each use through a [CipherAuthenticator]. The
 * wrapped form is `version (1) ‖ IV (12) ‖ ciphertext ‖ tag (16)`, with a
 * label naming this format as associated data; a blob with another version
 * byte is refused before any decryption is tried, rather than misread.
 *
 * The wallet stores only the wrapped bytes; the data key itself exists in
 * the clear only inside the Rust core while the wallet is unlocked.
 */
class DataKeyWrapper(
    private val wrappingKey: WrappingKey,
    private val authenticator: CipherAuthenticator,
    private val cipherFactory: () -> Cipher = { Cipher.getInstance(TRANSFORMATION) },
) {
    /**
     * Encrypts [dataKey].
     * @throws WrapFailure when the holder refused or the key is unavailable.
     */
    fun wrap(dataKey: ByteArray): ByteArray {
        val cipher = initCipher(Cipher.ENCRYPT_MODE, null)
        authorize(cipher, KeyUse.CREATE)
        val sealed = finish(cipher, dataKey)
        val iv = cipher.iv ?: throw WrapFailure.Unavailable("the cipher produced no IV")
        if (iv.size != IV_LEN) throw WrapFailure.Unavailable("unexpected IV length ${iv.size}")
        return byteArrayOf(FORMAT_VERSION) + iv + sealed
    }

    /**
     * Decrypts what [wrap] returned.
     * @throws WrapFailure when the holder refused, the key is unavailable or
     *   [wrapped] is not a data key this key wrapped.
     */
    fun unwrap(wrapped: ByteArray): ByteArray {
        if (wrapped.size < 1 + IV_LEN + TAG_LEN || wrapped[0] != FORMAT_VERSION) {
            throw WrapFailure.Unavailable("the stored wrapped key is not in a known format")
        }
        val iv = wrapped.copyOfRange(1, 1 + IV_LEN)
        val cipher = initCipher(Cipher.DECRYPT_MODE, iv)
        authorize(cipher, KeyUse.UNLOCK)
        return finish(cipher, wrapped.copyOfRange(1 + IV_LEN, wrapped.size))
    }

    private fun initCipher(mode: Int, iv: ByteArray?): Cipher {
        try {
            val cipher = cipherFactory()
            if (iv == null) {
                cipher.init(mode, wrappingKey.key())
            } else {
                cipher.init(mode, wrappingKey.key(), GCMParameterSpec(TAG_LEN * 8, iv))
            }
            return cipher
        } catch (e: GeneralSecurityException) {
            // On Android: KeyPermanentlyInvalidatedException when biometrics
            // changed. The wallet then needs restoring from a backup.
            throw WrapFailure.Unavailable("the device key is unavailable (${e.javaClass.simpleName})")
        }
    }

    private fun authorize(cipher: Cipher, use: KeyUse) {
        when (val answer = authenticator.authorize(cipher, use)) {
            Authorization.Approved -> Unit
            is Authorization.Refused -> throw WrapFailure.Refused(answer.reason)
            is Authorization.Cancelled -> throw WrapFailure.Cancelled(answer.reason)
            is Authorization.Impossible -> throw WrapFailure.Unavailable(answer.reason)
        }
    }

    /**
     * Runs the authorised cipher. The associated data goes in only now: an
     * Android Keystore operation on a key that needs authentication per use
     * accepts no input before the prompt succeeded.
     */
    private fun finish(cipher: Cipher, input: ByteArray): ByteArray = try {
        cipher.updateAAD(AAD)
        cipher.doFinal(input)
    } catch (e: AEADBadTagException) {
        throw WrapFailure.Unavailable("the stored wrapped key does not open with this device key")
    } catch (e: GeneralSecurityException) {
        // UserNotAuthenticatedException lands here when the prompt was skipped.
        throw WrapFailure.Refused("not authorised (${e.javaClass.simpleName})")
    } catch (e: java.security.ProviderException) {
        // The Keystore reports hardware and key-state failures this way.
        throw WrapFailure.Unavailable("the device key store failed (${e.javaClass.simpleName})")
    }

    companion object {
        /** The JCA transformation, the same in the Android Keystore and on the JVM. */
        const val TRANSFORMATION = "AES/GCM/NoPadding"

        /** First byte of every wrapped key. */
        const val FORMAT_VERSION: Byte = 1

        /** GCM nonce length the Keystore generates. */
        const val IV_LEN = 12

        /** GCM tag length. */
        const val TAG_LEN = 16

        private val AAD = "hawiya-demo wrapped data key v1".toByteArray(Charsets.UTF_8)
    }
}
