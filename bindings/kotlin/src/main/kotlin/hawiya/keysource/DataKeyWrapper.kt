package hawiya.keysource

import java.security.GeneralSecurityException
import java.security.ProviderException
import javax.crypto.AEADBadTagException
import javax.crypto.Cipher
import javax.crypto.spec.GCMParameterSpec

/** Why the data key could not be wrapped or unwrapped. None of them is a wrong secret. */
sealed class WrapFailure(message: String) : Exception(message) {
    /** The prompt ended without an answer (holder, system, timeout, app not in front). */
    class Cancelled(val kind: CancelKind, reason: String) : WrapFailure(reason)

    /** Authentication, the key or the hardware is unavailable, or the wrapped key is damaged. */
    class Unavailable(reason: String) : WrapFailure(reason)

    /**
     * The platform invalidated the wrapping key for good (new biometric
     * enrolment): this wallet's data key can never be unwrapped again on
     * this device. Recovery: [PlatformKeySource.resetAfterInvalidation].
     */
    class Invalidated(reason: String) : WrapFailure(reason)
}

/**
 * Wraps the wallet's 32-byte data key with AES-256-GCM under a [WrappingKey],
 * after the holder authorises each use through a [CipherAuthenticator].
 *
 * Wrapped format (version 1): `0x01 ‖ IV (12 bytes) ‖ ciphertext ‖ GCM tag (16 bytes)`,
 * with the ASCII label `hawiya wrapped data key v1` as associated data. A
 * blob with another version byte, or too short, is refused before any
 * decryption is tried (and before any prompt), rather than misread.
 *
 * The wallet stores only the wrapped bytes; the data key itself exists in
 * the clear only inside the Rust core while the wallet is unlocked.
 */
class DataKeyWrapper(
    val wrappingKey: WrappingKey,
    private val authenticator: CipherAuthenticator,
    private val cipherFactory: () -> Cipher = { Cipher.getInstance(TRANSFORMATION) },
) {
    /**
     * Encrypts [dataKey].
     * @throws WrapFailure when the holder did not approve or the key is unavailable.
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
     * @throws WrapFailure when the holder did not approve, the key is
     *   unavailable or invalidated, or [wrapped] is not a data key this key wrapped.
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
            // On Android: KeyPermanentlyInvalidatedException here after a new
            // biometric enrolment.
            if (wrappingKey.isInvalidation(e)) {
                throw WrapFailure.Invalidated("the device key was invalidated (${e.javaClass.simpleName})")
            }
            throw WrapFailure.Unavailable("the device key is unavailable (${e.javaClass.simpleName})")
        } catch (e: ProviderException) {
            throw WrapFailure.Unavailable("the device key store failed (${e.javaClass.simpleName})")
        }
    }

    private fun authorize(cipher: Cipher, use: KeyUse) {
        when (val answer = authenticator.authorize(cipher, use)) {
            Authorization.Approved -> Unit
            is Authorization.Cancelled -> throw WrapFailure.Cancelled(answer.kind, answer.reason)
            is Authorization.Unavailable -> throw WrapFailure.Unavailable(answer.reason)
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
        // UserNotAuthenticatedException (the prompt's approval did not reach
        // the key) and Keystore failures: the holder did nothing wrong.
        throw WrapFailure.Unavailable("the device key refused the operation (${e.javaClass.simpleName})")
    } catch (e: IllegalStateException) {
        throw WrapFailure.Unavailable("the device key refused the operation (${e.javaClass.simpleName})")
    } catch (e: ProviderException) {
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

        private val AAD = "hawiya wrapped data key v1".toByteArray(Charsets.US_ASCII)
    }
}
