package org.hawiya.demo.logic

import hawiya.ffi.ClaimKey
import hawiya.ffi.Disclosure
import hawiya.ffi.Reason
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertTrue

class VerdictWordsTests : Suite() {
    /** Every failure and warning code hawiya-core can give (core/src/verifier.rs). */
    private val failureCodes = listOf(
        "assurance_below_minimum", "bad_device_signature", "bad_issuer_signature", "challenge_expired",
        "challenge_mismatch", "challenge_not_answered", "credential_expired", "credential_not_yet_valid",
        "device_signature_required", "issuer_key_not_valid", "malformed", "presentation_from_future",
        "presentation_stale", "replayed", "revoked", "status_stale", "status_unknown", "unknown_issuer_key",
        "unsupported_version",
    )
    private val warningCodes = listOf("static_lower_assurance", "status_stale", "status_unknown")

    init {
        test("every failure and warning code has its own sentence in Arabic and English") {
            val words = VerdictWords(Formatting.utc)
            val fallback = words.failure(Reason("something_new", "library sentence"))
            val sentences = failureCodes.map { words.failure(Reason(it, "library sentence")) }
            assertTrue(sentences.none { it == fallback || it.en == "library sentence" })
            assertEquals(failureCodes.size, sentences.toSet().size, "no two codes share a sentence")
            assertTrue(sentences.all { s -> s.ar.any { it in '\u0600'..'\u06FF' } })
            val warnings = warningCodes.map { words.warning(Reason(it, "library sentence")) }
            assertTrue(warnings.none { it.en == "library sentence" })
        }

        test("a code this app does not know still shows the library's sentence") {
            val w = VerdictWords(Formatting.utc).failure(Reason("future_check", "a newer check failed"))
            assertEquals("a newer check failed", w.en)
            assertTrue(w.ar.isNotBlank())
        }

        test("an accepted code: Valid ID, the shared claims, the facts") {
            val fx = DemoFixture()
            val p = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, null)
            val view = VerdictWords(Formatting.utc).view(fx.demo.verifier().verify(p.qrText, null), fx.clock.now())
            assertEquals(Tone.GOOD, view.tone)
            assertEquals(Words("هوية صالحة", "Valid ID"), view.headline)
            assertTrue(view.reasons.isEmpty())
            assertEquals(listOf("ID number", "Name (Arabic)", "Name", "Expiry date"), view.claims.map { it.label.en })
            assertTrue(view.claims.first { it.label.en == "Name (Arabic)" }.rightToLeft)
            assertEquals(listOf("Document", "Issuer", "Code", "Code made at"), view.details.map { it.label.en })
        }

        test("a changed byte: not valid, in plain words") {
            val fx = DemoFixture()
            val text = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Full, null).qrText
            val i = text.length / 2
            val forged = text.substring(0, i) + (if (text[i] == 'A') 'B' else 'A') + text.substring(i + 1)
            val verdict = fx.demo.verifier().verify(forged, null)
            val view = VerdictWords(Formatting.utc).view(verdict, fx.clock.now())
            assertEquals(Tone.BAD, view.tone)
            assertEquals("Not valid — do not accept", view.headline.en)
            assertFalse(view.reasons.isEmpty())
            assertTrue(view.claims.isEmpty(), "nothing from a rejected code is shown as fact")
        }

        test("a screenshot shown minutes later: stale, with its age") {
            val fx = DemoFixture()
            val text = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, null).qrText
            fx.clock.time += 600
            val verdict = fx.demo.verifier().verify(text, null)
            assertEquals(listOf("presentation_stale"), verdict.failures.map { it.code })
            val view = VerdictWords(Formatting.utc).view(verdict, fx.clock.now())
            assertEquals(
                "The code is too old (600 s old), maybe a screenshot. Ask the holder for a fresh code from their phone.",
                view.reasons.single().en,
            )
            assertTrue(view.reasons.single().ar.contains("600"))
        }

        test("a printed code: valid with a caution") {
            val fx = DemoFixture()
            val text = fx.demo.wallet.presentStatic(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity).qrText
            val view = VerdictWords(Formatting.utc).view(fx.demo.verifier().verify(text, null), fx.clock.now())
            assertEquals(Tone.CAUTION, view.tone)
            assertEquals("Printed code: not tied to the holder's phone. Compare the photo ID.", view.reasons.single().en)
            assertTrue(view.details.any { it.value.endsWith("Printed card: not tied to a phone; compare the photo") }, view.details.toString())
        }

        test("the assurance is stated for every accepted code, and never for a rejected one") {
            val fx = DemoFixture()
            val verifier = fx.demo.verifier()
            val words = VerdictWords(Formatting.utc)
            val challenge = verifier.newChallenge()
            val answered = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.AgeOver18, challenge.grouped)
            val view = words.view(verifier.verify(answered.qrText, challenge), fx.clock.now())
            assertEquals(Tone.GOOD, view.tone)
            assertEquals(
                "From the holder's phone, answering the challenge shown just now",
                view.details.single { it.label.en == "Code" }.value.substringAfter(" / "),
            )
            val timed = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.AgeOver18, null)
            val timedView = words.view(verifier.verify(timed.qrText, null), fx.clock.now())
            assertTrue(timedView.details.single { it.label.en == "Code" }.value.endsWith("without a challenge"))
            val rejected = words.view(verifier.verify(timed.qrText, verifier.newChallenge()), fx.clock.now())
            assertEquals(Tone.BAD, rejected.tone)
            assertEquals("Claims to be from a phone", rejected.details.single { it.label.en == "Code" }.value.substringAfter(" / "))
            assertTrue(rejected.reasons.single().en.startsWith("The code does not answer the challenge"))
            assertTrue(words.assurance(hawiya.ffi.Assurance.PRINTED).ar.isNotBlank())
        }

        test("a dependent's ID says the guardian presented it") {
            val fx = DemoFixture()
            val text = fx.demo.wallet.present(DemoData.CHILD_NUMBER.toULong(), Disclosure.AgeOver18, null).qrText
            val view = VerdictWords(Formatting.utc).view(fx.demo.verifier().verify(text, null), fx.clock.now())
            assertEquals(Tone.GOOD, view.tone)
            val guardian = view.details.single { it.label.en == "Shown by the guardian" }
            assertTrue(guardian.value.contains(DemoData.HOLDER_NUMBER.toString()))
            assertEquals(listOf(ClaimKey.AGE_OVER18).map(Texts::claim), view.claims.map { it.label })
            assertEquals("لا / No", view.claims.single().value, "a child is not over 18")
        }
    }
}
