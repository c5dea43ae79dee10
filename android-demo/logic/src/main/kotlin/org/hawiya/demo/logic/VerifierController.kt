package org.hawiya.demo.logic

import hawiya.ffi.Challenge
import hawiya.ffi.Verifier
import hawiya.ffi.VerifyException
import java.util.TimeZone

/**
 * A challenge on the verifier's screen: six digits for the holder to type
 * into the wallet app, and the same as a QR code for the app to scan.
 */
data class ChallengeView(
    /** The six digits, grouped for reading aloud: "493 817". */
    val digits: String,
    /** Its QR code (`HWC:` and the digits). */
    val qr: QrView,
    /** After this (Unix seconds) an answer is refused as too late: show a new one. */
    val answerableUntil: Long,
)

/**
 * The verifier screen without Android: shows a challenge for the holder's
 * phone to sign over ("show challenge"), takes each QR text the camera reads
 * and decides what to do with it, verifies hawiya codes (against the
 * challenge on screen, if any), and keeps the verdict on screen until the
 * clerk asks for the next scan.
 *
 * A challenge is the normal path: a code that answers it was made after the
 * clerk asked, so it cannot be a screenshot or a code prepared in advance
 * (the verdict says "challenged"). Each challenge serves one scan: after the
 * verdict it is gone, and the clerk shows a new one for the next person.
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

    /** The challenge on screen, or null when none is shown. */
    var challenge: ChallengeView? = null
        private set

    private var shown: Challenge? = null

    /**
     * Shows a fresh challenge for the next holder (replacing any on screen)
     * and clears the last verdict. Returns null, with a verdict saying why,
     * when this device's clock is unavailable.
     */
    fun showChallenge(): ChallengeView? {
        val made = try {
            verifier.newChallenge()
        } catch (e: VerifyException) {
            shown = null
            challenge = null
            verdict = clockUnavailable
            onChange?.invoke(verdict)
            return null
        }
        shown = made
        challenge = ChallengeView(
            digits = made.grouped,
            qr = QrView(
                text = made.qrText,
                size = made.qr.size.toInt(),
                dark = made.qr.modules,
                shows = Words("رمز التحقق", "Verifier's challenge"),
                expiresAt = made.answerableUntil,
            ),
            answerableUntil = made.answerableUntil,
        )
        verdict = null
        onChange?.invoke(null)
        return challenge
    }

    /** Takes the challenge off screen (the next scan is checked without one). */
    fun cancelChallenge() {
        shown = null
        challenge = null
    }

    /** Handles one camera read; returns true when it produced a verdict. */
    fun scan(text: String): Boolean {
        if (verdict != null || text == lastText) return false
        lastText = text
        val view = when {
            text.startsWith(CHALLENGE_PREFIX) -> aChallengeNotACode
            !text.startsWith(QR_PREFIX) -> notAnIdCode
            else -> try {
                val verdict = verifier.verify(text, shown)
                if (verdict.accepted) remember()
                // One challenge, one person: the next one gets a new challenge.
                cancelChallenge()
                words.view(verdict, clock.now())
            } catch (e: VerifyException) {
                // Only the verifier's own clock can fail here.
                clockUnavailable
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
        const val QR_PREFIX = "HW2:"

        /** A verifier's challenge QR starts with this. */
        const val CHALLENGE_PREFIX = "HWC:"

        private val clockUnavailable = VerdictView(
            Tone.BAD,
            Words("تعذّر التحقق", "Could not check"),
            listOf(Words("ساعة هذا الجهاز غير متاحة.", "This device's clock is unavailable.")),
            emptyList(),
            emptyList(),
        )

        private val aChallengeNotACode = VerdictView(
            Tone.BAD,
            Words("هذا رمز تحقق، لا رمز هوية", "A challenge, not an ID code"),
            listOf(
                Words(
                    "هذا الرمز يمسحه تطبيق المحفظة. اطلب من حامل الهوية أن يعرض رمز هويته.",
                    "The wallet app scans this one. Ask the holder to show their ID code.",
                ),
            ),
            emptyList(),
            emptyList(),
        )

        private val notAnIdCode = VerdictView(
            Tone.BAD,
            Words("ليس رمز هوية", "Not an ID code"),
            listOf(Words("هذا الرمز ليس رمز هوية رقمية.", "This QR code is not a digital ID.")),
            emptyList(),
            emptyList(),
        )
    }
}
