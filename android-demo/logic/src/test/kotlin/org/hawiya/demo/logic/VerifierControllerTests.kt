package org.hawiya.demo.logic

import hawiya.keysource.PlatformKeySource
import hawiya.keysource.DataKeyWrapper

import hawiya.ffi.Disclosure
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

class VerifierControllerTests : Suite() {
    init {
        test("a holder's code gives Valid ID; the camera reading it again changes nothing") {
            val fx = DemoFixture()
            val v = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            val seen = mutableListOf<VerdictView?>()
            v.onChange = { seen += it }
            val text = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, null).qrText
            assertTrue(v.scan(text))
            assertEquals("Valid ID", v.verdict?.headline?.en)
            assertFalse(v.scan(text))
            assertEquals(1, seen.size)
        }

        test("after 'scan again' the same code still in view is not scanned twice (no false replay)") {
            val fx = DemoFixture()
            val v = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            val text = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, null).qrText
            v.scan(text)
            v.reset()
            assertNull(v.verdict)
            assertFalse(v.scan(text))
            assertNull(v.verdict)
            val next = fx.demo.wallet.present(DemoData.CHILD_NUMBER.toULong(), Disclosure.AgeOver18, null).qrText
            assertTrue(v.scan(next))
            assertEquals(Tone.GOOD, v.verdict?.tone)
        }

        test("a replayed code is rejected when it comes back after another") {
            val fx = DemoFixture()
            val v = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            val a = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, null).qrText
            val b = fx.demo.wallet.present(DemoData.CHILD_NUMBER.toULong(), Disclosure.Identity, null).qrText
            v.scan(a); v.reset(); v.scan(b); v.reset()
            assertTrue(v.scan(a))
            assertEquals(Tone.BAD, v.verdict?.tone)
            assertEquals("This exact code was already scanned. Ask for a fresh code.", v.verdict?.reasons?.single()?.en)
        }

        test("a QR that is not an ID code says so") {
            val fx = DemoFixture()
            val v = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            assertTrue(v.scan("WIFI:S:cafe;T:WPA;P:secret;;"))
            assertEquals(Words("ليس رمز هوية", "Not an ID code"), v.verdict?.headline)
        }

        test("garbage after the prefix is a readable rejection, not a crash") {
            val fx = DemoFixture()
            val v = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            assertTrue(v.scan("HW2:%%%%"))
            assertEquals(Tone.BAD, v.verdict?.tone)
            assertEquals("This is not a readable ID code.", v.verdict?.reasons?.single()?.en)
        }

        test("show challenge: the holder's answer is Valid ID, challenged; the challenge then goes") {
            val fx = DemoFixture()
            val v = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            val seen = mutableListOf<VerdictView?>()
            v.onChange = { seen += it }
            val shown = assertNotNull(v.showChallenge())
            assertEquals(7, shown.digits.length)
            assertTrue(shown.qr.text.startsWith("HWC:"))
            assertEquals(shown.qr.size * shown.qr.size, shown.qr.dark.size)
            assertEquals(fx.clock.now() + 150, shown.answerableUntil)
            // The holder types the digits into the wallet app.
            val text = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, shown.digits).qrText
            assertTrue(v.scan(text))
            assertEquals("Valid ID", v.verdict?.headline?.en)
            assertTrue(v.verdict!!.details.any { it.value.endsWith("answering the challenge shown just now") })
            assertNull(v.challenge, "one challenge, one person")
            // The next holder, without a new challenge: a timed code, still accepted.
            v.reset()
            val next = fx.demo.wallet.present(DemoData.CHILD_NUMBER.toULong(), Disclosure.AgeOver18, null).qrText
            assertTrue(v.scan(next))
            assertTrue(v.verdict!!.details.any { it.value.endsWith("without a challenge") })
        }

        test("with a challenge on screen, a code that does not answer it is refused with what to do") {
            val fx = DemoFixture()
            val v = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            v.showChallenge()
            val timed = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, null).qrText
            assertTrue(v.scan(timed))
            assertEquals(Tone.BAD, v.verdict?.tone)
            assertEquals(
                "The code does not answer the challenge on screen. Ask the holder to enter it in the wallet app.",
                v.verdict?.reasons?.single()?.en,
            )
            // A typo in the digits: the phone answered another challenge.
            v.reset()
            val shown = assertNotNull(v.showChallenge())
            val wrong = if (shown.digits.startsWith("9")) "1" + shown.digits.drop(1) else "9" + shown.digits.drop(1)
            val typo = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, wrong).qrText
            assertTrue(v.scan(typo))
            assertTrue(v.verdict!!.reasons.single().en.startsWith("The code answers another challenge"))
            // Answered too late.
            v.reset()
            val late = assertNotNull(v.showChallenge())
            fx.clock.time += 151
            val answer = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, late.digits).qrText
            assertTrue(v.scan(answer))
            assertEquals("The answer to the challenge came too late. Show a new challenge.", v.verdict?.reasons?.single()?.en)
        }

        test("a verifier's challenge QR read by the verifier's own camera says so") {
            val fx = DemoFixture()
            val v = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            val shown = assertNotNull(v.showChallenge())
            assertTrue(v.scan(shown.qr.text))
            assertEquals("A challenge, not an ID code", v.verdict?.headline?.en)
        }

        test("a revoked ID is refused") {
            // A second issuer run: the demo keeps no issuer, so build the
            // verifier from a fresh one that revokes the credential.
            val clock = ManualClock()
            val folder = tempFolder()
            val source = PlatformKeySource(DataKeyWrapper(MemoryWrappingKey(), ScriptedAuthenticator()))
            val wallet = hawiya.ffi.Wallet.createWithKeySource(
                java.io.File(folder, "w.db").path, source, hawiya.ffi.defaultWalletOptions(), clock.asBindingClock(),
            )
            val issuer = hawiya.ffi.TestIssuer("Authority", "k1", "hawiya-test:status", clock.now() - 4 * 365 * 86_400L, clock.now() + 4 * 365 * 86_400L)
            val key = wallet.createDeviceKey()
            val nonce = issuer.bindingNonce()
            val claims = hawiya.ffi.DocumentClaims(
                hawiya.ffi.DocumentType.RESIDENT_PERMIT, 2_000_000_001uL, 1u, "أحمد", "Ahmed",
                hawiya.ffi.CalendarDate(1990, 1u, 1u), hawiya.ffi.Sex.MALE, "EGY", "Cairo", "Engineer", "Example Co",
                hawiya.ffi.CalendarDate(2025, 1u, 1u), hawiya.ffi.CalendarDate(2030, 1u, 1u), null,
            )
            val trust = issuer.trustList(1uL, clock.now())
            wallet.importCredential(issuer.issue(claims, wallet.bindingRequest(key, nonce), nonce, 7uL, clock.now()), trust)
            issuer.revoke(7uL)
            val verifier = hawiya.ffi.Verifier(trust, hawiya.ffi.defaultPolicy(), clock.asBindingClock())
            verifier.addStatusList(issuer.signedStatusList(clock.now(), 86_400uL))
            val v = VerifierController(verifier, clock, Formatting.utc)
            v.scan(wallet.present(2_000_000_001uL, Disclosure.Identity, null).qrText)
            assertEquals("This ID was cancelled or replaced by a newer version.", v.verdict?.reasons?.single()?.en)
            wallet.close()
        }
    }
}
