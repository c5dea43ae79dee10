package org.hawiya.demo.logic

import hawiya.ffi.Verifier
import hawiya.ffi.VerifyException
import java.util.TimeZone

/**
 * The verifier screen without Android: takes each QR text the camera reads
 * and decides what to do with it, verifies hawiya codes, and keeps the
 * verdict on screen until the clerk asks for the next scan.
 *
 * The camera reads the same code many times a second, so:
 * - while a verdict is on screen, reads are ignored;
 * - after "scan again", the code just verified is ignored until another code
 *   is read (otherwise the holder's phone, still in view, would be scanned a
 *   second time and rejected as a replay);
 * - a QR that is not a hawiya code (a web address, a payment code) gets a
 *   verdict saying so, once.
 */
class VerifierController(
    private val verifier: Verifier,
    private val clock: AppClock,
    timeZone: TimeZone = TimeZone.getDefault(),
    /** Where the verifier's memory is kept across restarts, if anywhere. */
    private val memory: VerifierMemoryFile? = null,
) {
    private val words = VerdictWords(timeZone)
    private var lastText: String? = null

    /** Called with every new verdict, or null when scanning again (on the calling thread). */
    var onChange: ((VerdictView?) -> Unit)? = null

    /** The verdict on screen, or null while scanning. */
    var verdict: VerdictView? = null
        private set

    /** Handles one camera read; returns true when it produced a verdict. */
    fun scan(text: String): Boolean {
        if (verdict != null || text == lastText) return false
        lastText = text
        val view = if (!text.startsWith(QR_PREFIX)) {
            notAnIdCode
        } else {
            try {
                val verdict = verifier.verify(text, null)
                if (verdict.accepted) remember()
                words.view(verdict, clock.now())
            } catch (e: VerifyException) {
                // Only the verifier's own clock can fail here.
                VerdictView(
                    Tone.BAD,
                    Words("تعذّر التحقق", "Could not check"),
                    listOf(Words("ساعة هذا الجهاز غير متاحة.", "This device's clock is unavailable.")),
                    emptyList(),
                    emptyList(),
                )
            }
        }
        verdict = view
        onChange?.invoke(view)
        return true
    }

    /** Saves what the verifier remembers; a failed save costs only replay memory, never the verdict. */
    private fun remember() {
        try {
            memory?.save(verifier.memory())
        } catch (e: java.io.IOException) {
            // The verdict stands; the next accepted code tries to save again.
        }
    }

    /** Back to the camera. */
    fun reset() {
        verdict = null
        onChange?.invoke(null)
    }

    companion object {
        /** Every hawiya code starts with this. */
        const val QR_PREFIX = "HW1:"

        private val notAnIdCode = VerdictView(
            Tone.BAD,
            Words("ليس رمز هوية", "Not an ID code"),
            listOf(Words("هذا الرمز ليس رمز هوية رقمية.", "This QR code is not a digital ID.")),
            emptyList(),
            emptyList(),
        )
    }
}
