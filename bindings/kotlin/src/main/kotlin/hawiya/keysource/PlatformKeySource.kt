package hawiya.keysource

import hawiya.ffi.KeySource
import hawiya.ffi.KeySourceException
import hawiya.ffi.Wallet
import hawiya.ffi.WalletException

/** Why the last wrap or unwrap of a [PlatformKeySource] failed, typed. */
sealed class KeySourceFailure {
    abstract val reason: String

    /** The prompt ended without an answer; the wallet reports `KeySourceCancelled` (not counted). */
    data class Cancelled(val kind: CancelKind, override val reason: String) : KeySourceFailure()

    /** Authentication or the key is unavailable now; the wallet reports `KeySourceUnavailable` (not counted). */
    data class Unavailable(override val reason: String) : KeySourceFailure()

    /**
     * The wrapping key was invalidated for good (a new biometric enrolment);
     * the wallet reports `KeySourceUnavailable`. Retrying cannot help: the
     * recovery is [PlatformKeySource.resetAfterInvalidation], then
     * re-provisioning (the documents come again from their issuer, or from a
     * backup).
     */
    data class Invalidated(override val reason: String) : KeySourceFailure()
}

/**
 * The wallet's [KeySource] on a [DataKeyWrapper]: the Rust core hands it the
 * data key to wrap (at creation and reset) and the wrapped bytes to unwrap
 * (at each unlock). Failures become the errors the core understands:
 * `Cancelled` (prompt dismissed, cancelled by the system, timed out, app not
 * in front) and `Unavailable` (lockout, no enrolment, hardware, damaged
 * blob, invalidated key). It never reports `Rejected` (a wrong secret): the
 * platform counts and throttles wrong fingers and PINs itself.
 *
 * The typed reason of the last failure is [lastFailure]; [failureOf] maps a
 * wallet error back to it, so an app tells an invalidated key (reset and
 * re-provision) from a passing unavailability (try again).
 *
 * [wrap] wipes the data key it was handed once it is wrapped. The key that
 * [unwrap] returns goes straight back to Rust, which copies and later
 * zeroizes it; the JVM array it leaves behind is out of this code's reach.
 */
class PlatformKeySource(private val wrapper: DataKeyWrapper) : KeySource {
    /** The typed reason of the last failed wrap or unwrap; null after a success. */
    @Volatile
    var lastFailure: KeySourceFailure? = null
        private set

    /** Whether the last wrap or unwrap found the wrapping key invalidated. */
    val keyInvalidated: Boolean get() = lastFailure is KeySourceFailure.Invalidated

    override fun wrap(dataKey: ByteArray): ByteArray = try {
        translate { wrapper.wrap(dataKey) }
    } finally {
        dataKey.fill(0)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray = translate { wrapper.unwrap(wrapped) }

    /**
     * The typed key-source failure behind [error], when [error] is the
     * wallet's report of this key source's last failure; null for any other
     * error.
     */
    fun failureOf(error: Throwable): KeySourceFailure? = when (error) {
        is WalletException.KeySourceCancelled, is WalletException.KeySourceUnavailable -> lastFailure
        is KeySourceException.Cancelled, is KeySourceException.Unavailable -> lastFailure
        else -> null
    }

    /**
     * The documented recovery from [KeySourceFailure.Invalidated]: deletes
     * the invalidated wrapping key, then resets [wallet] (every document,
     * device key and log entry is destroyed; the old data key is
     * unrecoverable anyway) to a fresh, empty wallet whose new data key is
     * wrapped by a new wrapping key, after one prompt. The holder then
     * re-provisions: asks the issuer again, or restores a backup.
     *
     * Ask the holder to confirm first. Call it off the main thread. Only
     * after this key source reported the invalidation ([keyInvalidated]):
     * otherwise deleting the wrapping key would itself lock the wallet's
     * documents away.
     * @throws IllegalStateException when the key was not found invalidated.
     * @throws WalletException as `Wallet.resetWithKeySource` (e.g.
     *   `KeySourceCancelled` if the holder dismissed the new key's prompt:
     *   nothing was destroyed then).
     */
    @Throws(WalletException::class)
    fun resetAfterInvalidation(wallet: Wallet) {
        check(keyInvalidated) { "the wrapping key was not found invalidated: use Wallet.reset for other resets" }
        wrapper.wrappingKey.delete()
        wallet.resetWithKeySource(this)
    }

    private inline fun translate(action: () -> ByteArray): ByteArray {
        try {
            val result = action()
            lastFailure = null
            return result
        } catch (e: WrapFailure.Cancelled) {
            lastFailure = KeySourceFailure.Cancelled(e.kind, e.message ?: "cancelled")
            throw KeySourceException.Cancelled()
        } catch (e: WrapFailure.Unavailable) {
            lastFailure = KeySourceFailure.Unavailable(e.message ?: "unavailable")
            throw KeySourceException.Unavailable(e.message ?: "unavailable")
        } catch (e: WrapFailure.Invalidated) {
            lastFailure = KeySourceFailure.Invalidated(e.message ?: "invalidated")
            throw KeySourceException.Unavailable(e.message ?: "the device key was invalidated")
        } catch (e: RuntimeException) {
            // Anything else from the platform: unavailable, never a wrong secret.
            val reason = "the key source failed (${e.javaClass.simpleName})"
            lastFailure = KeySourceFailure.Unavailable(reason)
            throw KeySourceException.Unavailable(reason)
        }
    }
}
