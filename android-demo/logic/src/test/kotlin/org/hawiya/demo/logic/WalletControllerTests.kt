package org.hawiya.demo.logic

import hawiya.keysource.Authorization
import hawiya.keysource.CancelKind
import hawiya.keysource.KeyUse

import hawiya.ffi.ClaimKey
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNotEquals
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

class WalletControllerTests : Suite() {
    /** The failures the wallet file records: a reset would have cleared them. */
    private fun failures(fx: DemoFixture): UInt = fx.demo.wallet.failedAttempts().failures

    private fun open(c: WalletController): WalletState.Open {
        val s = c.state
        assertTrue(s is WalletState.Open, "expected an open wallet, got $s")
        return s
    }

    init {
        test("a new demo wallet opens on the holder's card with the dependent listed and an empty log") {
            val fx = DemoFixture()
            val s = open(fx.controller())
            assertEquals(DemoData.HOLDER_NUMBER, s.selected)
            assertEquals("Mohammed Abdullah Alqahtani", s.card?.nameEn)
            assertEquals(1, s.people.holders.size)
            assertEquals(1, s.people.dependents.size)
            assertTrue(s.log.isEmpty())
            assertNull(s.qr)
            assertEquals(Preset.IDENTITY, s.disclosure.preset)
        }

        test("showing the screen makes a code the verifier accepts, and logs it") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            val s = open(c)
            val qr = assertNotNull(s.qr)
            assertEquals(qr.size * qr.size, qr.dark.size)
            assertTrue(qr.text.startsWith("HW2:"))
            assertEquals(fx.clock.now() + 120, qr.expiresAt)
            assertEquals(1, s.log.size)
            val verdict = fx.demo.verifier().verify(qr.text, null)
            assertTrue(verdict.accepted, verdict.failures.toString())
            assertEquals(30, c.secondsUntilNewCode())
        }

        test("the code is replaced every 30 seconds; the old one goes stale at the verifier") {
            val fx = DemoFixture()
            val c = fx.controller()
            val states = mutableListOf<WalletState>()
            c.onChange = { states += it }
            c.startQr()
            val first = assertNotNull(open(c).qr).text
            fx.scheduler.advance(30)
            val second = assertNotNull(open(c).qr).text
            assertNotEquals(first, second)
            fx.scheduler.advance(150)
            // Seven codes, one showing: one log entry (refreshes write nothing).
            assertEquals(1, fx.demo.wallet.presentationLog().size)
            assertEquals("From this phone (live code)", open(c).log.single().mode.en)
            assertEquals(listOf("presentation_stale"), fx.demo.verifier().verify(first, null).failures.map { it.code })
            assertTrue(states.size >= 4, "each code reached the screen")
        }

        test("typing the verifier's challenge: the codes answer it, and the verifier calls them challenged") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            val verifier = fx.demo.verifier()
            val challenge = verifier.newChallenge()
            c.answerChallenge(challenge.grouped)
            val s = open(c)
            assertEquals(challenge.grouped, s.challenge)
            assertEquals("Answers the verifier's challenge ${challenge.grouped}", s.qrNotice?.words?.en)
            val verdict = verifier.verify(assertNotNull(s.qr).text, challenge)
            assertTrue(verdict.accepted, verdict.failures.toString())
            assertEquals(hawiya.ffi.Assurance.CHALLENGED, verdict.assurance)
            // Scanned from the verifier's QR code instead: the same.
            val again = verifier.newChallenge()
            c.answerChallenge(again.qrText)
            assertEquals(hawiya.ffi.Assurance.CHALLENGED, verifier.verify(assertNotNull(open(c).qr).text, again).assurance)
            // The verifier's window passes: the codes are timed again.
            fx.scheduler.advance(WalletController.CHALLENGE_SECONDS + 30)
            assertNull(open(c).challenge)
            assertNull(fx.demo.verifier().verify(assertNotNull(open(c).qr).text, null).failures.firstOrNull())
            c.answerChallenge(again.grouped)
            c.clearChallenge()
            assertNull(open(c).challenge)
        }

        test("text that is not a challenge is refused with a notice and changes nothing") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            val before = assertNotNull(open(c).qr).text
            for (typed in listOf("12345", "abcdef", "HWC:12", "012345")) {
                c.answerChallenge(typed)
                val s = open(c)
                assertNull(s.challenge)
                assertEquals(Tone.CAUTION, s.notice?.tone)
                assertTrue(s.notice!!.words.en.startsWith("Not a verifier's challenge"), s.notice.toString())
                assertEquals(before, s.qr?.text)
            }
        }

        test("a showing is one log entry per five minutes; a new choice, document or return to the screen is a new one") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            fx.scheduler.advance(270) // nine refreshes, within the five minutes one entry covers
            assertEquals(1, fx.demo.wallet.presentationLog().size)
            fx.scheduler.advance(30) // five minutes on screen: logged again, once
            assertEquals(2, fx.demo.wallet.presentationLog().size)
            fx.scheduler.advance(30)
            assertEquals(2, fx.demo.wallet.presentationLog().size)
            c.choose(open(c).disclosure.withPreset(Preset.AGE_18))
            fx.scheduler.advance(90)
            assertEquals(3, fx.demo.wallet.presentationLog().size, "another choice, another showing")
            c.stopQr()
            c.startQr()
            assertEquals(4, fx.demo.wallet.presentationLog().size, "shown again")
            // A lock ends the showing; after unlocking, the screen shows a new one.
            c.lock()
            c.unlock()
            c.startQr()
            fx.scheduler.advance(60)
            assertEquals(5, fx.demo.wallet.presentationLog().size)
            val verdict = fx.demo.verifier().verify(assertNotNull(open(c).qr).text, null)
            assertTrue(verdict.accepted, verdict.failures.toString())
        }

        test("hiding the screen stops the codes") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            c.stopQr()
            fx.scheduler.advance(300)
            assertNull(open(c).qr)
            assertEquals(1, fx.demo.wallet.presentationLog().size)
            assertEquals(0, c.secondsUntilNewCode())
        }

        test("choosing 'only 18 or over' gives a code with just that claim") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            c.choose(open(c).disclosure.withPreset(Preset.AGE_18))
            val s = open(c)
            assertEquals(Words("العمر 18 فأكثر", "Age 18 or over"), s.qr?.shows)
            val verdict = fx.demo.verifier().verify(s.qr!!.text, null)
            assertEquals(listOf(ClaimKey.AGE_OVER18), verdict.claims.map { it.key })
        }

        test("an empty choice is refused and the code on screen stays") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            val before = open(c).qr
            val empty = open(c).disclosure.withPreset(Preset.AGE_18).toggled(ClaimKey.AGE_OVER18)
            c.choose(empty)
            val s = open(c)
            assertEquals(Texts.chooseAtLeastOne, s.notice?.words)
            assertEquals(before, s.qr)
        }

        test("selecting the dependent shows the child's card and a code the guardian signs") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            c.select(DemoData.CHILD_NUMBER)
            val s = open(c)
            assertEquals("Sara Mohammed Alqahtani", s.card?.nameEn)
            val verdict = fx.demo.verifier().verify(s.qr!!.text, null)
            assertTrue(verdict.accepted)
            assertEquals(DemoData.HOLDER_NUMBER.toULong(), verdict.guardian)
        }

        test("selecting an unknown document leaves the card and says so") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.select(42)
            val s = open(c)
            assertEquals(DemoData.HOLDER_NUMBER, s.selected)
            assertEquals("No such document", s.notice?.words?.en)
        }

        test("locking stops the codes; unlocking with the key source reopens") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            c.lock()
            assertEquals(WalletState.Locked(null, busy = false), c.state)
            assertFalse(fx.demo.wallet.isUnlocked())
            fx.scheduler.advance(120)
            assertEquals(0, fx.scheduler.pending, "nothing scheduled while locked")
            c.unlock()
            assertEquals(DemoData.HOLDER_NUMBER, open(c).selected)
            assertEquals(1, fx.demo.wallet.presentationLog().size, "no codes were made while locked")
        }

        test("a wrong secret from a key source keeps the wallet locked with a plain message; a later success opens it") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.lock()
            fx.keySource.rejecting = true
            c.unlock()
            val locked = c.state as WalletState.Locked
            assertEquals("Not recognised. Try again.", locked.notice?.words?.en)
            assertFalse(locked.busy)
            assertEquals(1u, fx.demo.wallet.failedAttempts().failures)
            fx.keySource.rejecting = false
            c.unlock()
            open(c)
        }

        test("repeated refusals end in a wait, then a lockout, each explained") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.lock()
            fx.keySource.rejecting = true
            val messages = mutableListOf<String>()
            repeat(12) {
                c.unlock()
                messages += (c.state as WalletState.Locked).notice!!.words.en
                fx.clock.time += 3_700 // past any throttling delay
            }
            assertTrue(messages.any { it.startsWith("The wallet locked after") }, messages.toString())
            fx.keySource.rejecting = false
            c.unlock()
            assertTrue(c.state is WalletState.Locked, "locked out for good")
        }

        test("a cancelled prompt is not shown as a wrong answer and counts nothing") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.lock()
            fx.authenticator.answer = Authorization.Cancelled(CancelKind.USER, "the holder tapped Cancel")
            repeat(50) { c.unlock() }
            val locked = c.state as WalletState.Locked
            assertEquals(Tone.CAUTION, locked.notice?.tone)
            assertEquals("Unlocking was cancelled; no attempt was counted. Unlock when you are ready.", locked.notice?.words?.en)
            assertNotEquals(WalletController.explain(hawiya.ffi.WalletException.KeySourceRejected()), locked.notice?.words)
            assertEquals(0u, fx.demo.wallet.failedAttempts().failures)
            fx.authenticator.answer = Authorization.Approved
            c.unlock()
            open(c)
        }

        test("a locked-out wallet is reset only after the holder confirms, and comes back empty") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.lock()
            fx.keySource.rejecting = true
            repeat(12) {
                c.unlock()
                fx.clock.time += 3_700 // past any throttling delay
            }
            assertTrue((c.state as WalletState.Locked).notice!!.words.en.contains("Reset it"))
            fx.keySource.rejecting = false
            val lockedOut = failures(fx)
            assertTrue(lockedOut >= 10u, "locked out after $lockedOut failures")

            // Confirming without asking first does nothing.
            c.confirmReset()
            assertEquals(lockedOut, failures(fx))
            assertEquals(0, fx.authenticator.uses.count { it == KeyUse.CREATE } - 1, "no new key was wrapped")
            // Asking, then cancelling, destroys nothing.
            c.requestReset()
            assertTrue((c.state as WalletState.Locked).confirmingReset)
            c.cancelReset()
            assertFalse((c.state as WalletState.Locked).confirmingReset)
            assertEquals(lockedOut, failures(fx))
            c.unlock()
            assertTrue(c.state is WalletState.Locked, "still locked out")

            c.requestReset()
            c.confirmReset()
            val s = open(c)
            assertEquals(Texts.resetDone, s.notice?.words)
            assertTrue(s.people.holders.isEmpty() && s.people.dependents.isEmpty())
            assertNull(s.card)
            assertTrue(fx.demo.wallet.documents().isEmpty())
            assertTrue(fx.demo.wallet.deviceKeys().isEmpty())
            assertEquals(0u, fx.demo.wallet.failedAttempts().failures)
            c.lock()
            c.unlock()
            open(c)
        }

        test("an invalidated phone key is said, and the confirmed reset makes a new key and an empty wallet") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.lock()
            fx.wrappingKey.invalidated = true // new fingerprint enrolled
            c.unlock()
            val locked = c.state as WalletState.Locked
            assertTrue(locked.keyInvalidated)
            assertEquals(Texts.keyInvalidated, locked.notice?.words)
            assertFalse(locked.busy)
            assertEquals(0u, failures(fx), "not a wrong answer")
            // Unlock again: still invalidated, nothing destroyed yet.
            c.unlock()
            assertTrue((c.state as WalletState.Locked).keyInvalidated)
            c.requestReset()
            assertTrue((c.state as WalletState.Locked).confirmingReset)
            c.confirmReset()
            val s = open(c)
            assertEquals(Texts.resetDone, s.notice?.words)
            assertTrue(fx.wrappingKey.deleted, "the invalidated key was replaced")
            assertTrue(fx.demo.wallet.documents().isEmpty())
            c.lock()
            c.unlock()
            open(c)
        }

        test("a wait after failures is stated in seconds") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.lock()
            fx.keySource.rejecting = true
            val messages = (1..6).map {
                c.unlock()
                (c.state as WalletState.Locked).notice!!.words.en
            }
            assertTrue(messages.any { Regex("""Too many tries\. Wait \d+ seconds""").containsMatchIn(it) }, messages.toString())
        }

        test("clearing the log empties it") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            c.clearLog()
            assertTrue(open(c).log.isEmpty())
            assertTrue(fx.demo.wallet.presentationLog().isEmpty())
        }

        test("a showing the wallet ends while on screen is said, and a new one follows a period later") {
            val fx = DemoFixture()
            val c = fx.controller()
            c.startQr()
            fx.scheduler.advance(30)
            assertEquals(1, fx.demo.wallet.presentationLog().size)
            fx.demo.wallet.lock() // behind the screen's back: the showing ends
            fx.scheduler.advance(30)
            val stopped = open(c)
            assertNull(stopped.qr)
            assertEquals(
                "The live code stopped: the wallet was locked or the document changed. Show it again.",
                stopped.qrNotice?.words?.en,
            )
            assertEquals(30, c.secondsUntilNewCode())
            fx.demo.wallet.unlockWithKeySource(fx.keySource)
            fx.scheduler.advance(30)
            assertNotNull(open(c).qr)
            assertEquals(2, fx.demo.wallet.presentationLog().size, "a new showing")
            c.stopQr()
            assertEquals(0, fx.scheduler.pending)
        }

        test("a wallet error while making a code becomes a message, not a crash") {
            val fx = DemoFixture()
            val c = fx.controller()
            fx.demo.wallet.lock() // locked behind the controller's back
            c.startQr()
            val s = open(c)
            assertNull(s.qr)
            assertEquals("The wallet is locked. Unlock it first.", s.qrNotice?.words?.en)
        }
    }
}
