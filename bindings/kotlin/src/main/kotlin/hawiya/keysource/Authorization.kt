// The platform-neutral half of hawiya's Android key source: what the
// platform's key and prompt must provide (small interfaces, so the logic is
// tested on the JVM), and the answers they give. The Android half
// (bindings/android, package hawiya.android) implements the interfaces with
// the Android Keystore and BiometricPrompt.
package hawiya.keysource

import java.security.GeneralSecurityException
import java.security.Key
import javax.crypto.Cipher

/**
 * Where the AES-256 key that wraps the wallet's data key lives. On Android:
 * `hawiya.android.KeystoreWrappingKey`, a Keystore key that needs the
 * holder's biometrics or device credential for every use. In tests: an
 * ordinary AES key.
 */
interface WrappingKey {
    /**
     * The key to wrap with, created on first use.
     * @throws GeneralSecurityException when the platform key is missing or
     *   was invalidated ([isInvalidation] tells which).
     */
    fun key(): Key

    /** Deletes the key, so that the next [key] makes a new one (recovery after invalidation). */
    fun delete()

    /**
     * Whether [error], thrown by [key] or while starting a cipher with it,
     * means the platform invalidated the key for good (Android:
     * `KeyPermanentlyInvalidatedException` after a new biometric enrolment).
     * Then no retry can help; the recovery is [PlatformKeySource.resetAfterInvalidation].
     */
    fun isInvalidation(error: Throwable): Boolean = error is KeyInvalidatedException
}

/**
 * The platform invalidated the wrapping key for good (Android:
 * `KeyPermanentlyInvalidatedException`, thrown when biometrics were enrolled
 * or removed since the key was made). A platform layer may throw this one
 * instead of its own type.
 */
class KeyInvalidatedException(message: String, cause: Throwable? = null) :
    GeneralSecurityException(message, cause)

/**
 * Lets the holder authorise one use of a cipher: on Android a BiometricPrompt
 * with the cipher as its CryptoObject (`hawiya.android.BiometricCipherAuthenticator`).
 * Called on a background thread (the wallet calls its key source there); it
 * blocks until the holder answered.
 */
fun interface CipherAuthenticator {
    /** Asks the holder to approve [cipher] for one wrap or unwrap. */
    fun authorize(cipher: Cipher, purpose: KeyUse): Authorization
}

/** What a wrap or unwrap is for, so the prompt can say it. */
enum class KeyUse {
    /** Creating the wallet (or moving it to this key, or resetting it). */
    CREATE,

    /** Opening the wallet. */
    UNLOCK,
}

/** Why a prompt ended without the holder's approval, though nothing is wrong. */
enum class CancelKind {
    /** The holder dismissed the prompt (back, outside tap, or its negative button). */
    USER,

    /** The system cancelled it (another app came to front, the screen went off, the activity went away). */
    SYSTEM,

    /** Nobody answered in time. */
    TIMEOUT,

    /**
     * The prompt was never shown: the app was not in the foreground (its
     * activity stopped, or its state already saved). A prompt started then
     * would silently do nothing; this key source refuses instead.
     */
    NOT_IN_FOREGROUND,
}

/** Why authentication cannot run now. */
enum class UnavailableKind {
    /** Too many failed attempts: the platform blocks its prompt for a while. */
    LOCKOUT,

    /** Too many failed attempts: biometrics are blocked until the device credential is used. */
    LOCKOUT_PERMANENT,

    /** No biometrics or screen lock set up on the device. */
    NOT_ENROLLED,

    /** No usable sensor, or it failed. */
    HARDWARE,

    /** The platform needs a security update before it authenticates. */
    SECURITY_UPDATE,

    /** Another failure of the platform's prompt. */
    OTHER,
}

/**
 * The holder's answer to a [CipherAuthenticator]. There is no "wrong secret"
 * answer: the platform's prompt lets the holder retry a finger or PIN that it
 * does not recognise and counts and throttles those itself (its lockout), so
 * this key source never reports a wrong secret to the wallet, and the wallet's
 * own attempt counter is never spent on a dismissed prompt or a lockout.
 */
sealed class Authorization {
    /** Approved: the cipher may be used now. */
    data object Approved : Authorization()

    /** The prompt ended without an answer (not counted by the wallet). */
    data class Cancelled(val kind: CancelKind, val reason: String) : Authorization()

    /** Authentication cannot run (not counted by the wallet). */
    data class Unavailable(val kind: UnavailableKind, val reason: String) : Authorization()
}
