package org.hawiya.demo.logic

import hawiya.ffi.KeySource
import hawiya.ffi.KeySourceException

/**
 * The wallet's [KeySource] on top of a [DataKeyWrapper]: the Rust core hands
 * it the data key to wrap (once, at creation) and the wrapped bytes to unwrap
 * (at each unlock). Failures become the answers the core understands:
 * `Rejected` (the holder presented a wrong secret: counted as a failed
 * unlock), `Cancelled` (the prompt was dismissed or timed out: not counted)
 * and `Unavailable` (not counted).
 *
 * [wrap] wipes the data key it was handed once it is wrapped. The key that
 * [unwrap] returns goes straight back to Rust, which copies and later
 * zeroizes it; the JVM array it leaves behind is out of this code's reach
 * (keep the app's process memory in mind, as docs/BINDINGS.md says).
 */
class WrappedKeySource(private val wrapper: DataKeyWrapper) : KeySource {
    override fun wrap(dataKey: ByteArray): ByteArray = try {
        translate { wrapper.wrap(dataKey) }
    } finally {
        dataKey.fill(0)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray = translate { wrapper.unwrap(wrapped) }

    private inline fun translate(action: () -> ByteArray): ByteArray = try {
        action()
    } catch (e: WrapFailure.Refused) {
        throw KeySourceException.Rejected()
    } catch (e: WrapFailure.Cancelled) {
        throw KeySourceException.Cancelled()
    } catch (e: WrapFailure.Unavailable) {
        throw KeySourceException.Unavailable(e.message ?: "unavailable")
    }
}
