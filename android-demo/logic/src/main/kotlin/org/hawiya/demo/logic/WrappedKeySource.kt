package org.hawiya.demo.logic

import hawiya.ffi.KeySource
import hawiya.ffi.KeySourceException

/**
 * The wallet's [KeySource] on top of a [DataKeyWrapper]: the Rust core hands
 * it the data key to wrap (once, at creation) and the wrapped bytes to unwrap
 * (at each unlock). Failures become the two answers the core understands:
 * `Rejected` (the holder did not authenticate: counted as a failed unlock)
 * and `Unavailable` (not counted).
 *
 * The unwrapped key is returned to Rust, which zeroizes its copy; the copy
 * made here is overwritten before returning.
 */
class WrappedKeySource(private val wrapper: DataKeyWrapper) : KeySource {
    override fun wrap(dataKey: ByteArray): ByteArray = translate { wrapper.wrap(dataKey) }

    override fun unwrap(wrapped: ByteArray): ByteArray = translate { wrapper.unwrap(wrapped) }

    private inline fun translate(action: () -> ByteArray): ByteArray = try {
        action()
    } catch (e: WrapFailure.Refused) {
        throw KeySourceException.Rejected()
    } catch (e: WrapFailure.Unavailable) {
        throw KeySourceException.Unavailable(e.message ?: "unavailable")
    }
}
