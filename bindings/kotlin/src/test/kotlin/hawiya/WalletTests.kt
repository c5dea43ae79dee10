// The Kotlin bindings on the JVM through JNA, as an Android app calls them.
package hawiya

import hawiya.ffi.Assurance
import hawiya.ffi.CardStatus
import hawiya.ffi.ClaimKey
import hawiya.ffi.ClockException
import hawiya.ffi.Disclosure
import hawiya.ffi.ImportOutcome
import hawiya.ffi.KeySourceException
import hawiya.ffi.Mode
import hawiya.ffi.TestIssuer
import hawiya.ffi.UnlockPolicy
import hawiya.ffi.Verifier
import hawiya.ffi.VerifyException
import hawiya.ffi.Wallet
import hawiya.ffi.WalletException
import hawiya.ffi.WeakPasscodeKind
import hawiya.ffi.defaultPolicy
import hawiya.ffi.defaultWalletOptions
import hawiya.ffi.describeAssurance
import hawiya.ffi.libraryVersion
import hawiya.ffi.readChallengeCode
import hawiya.ffi.qrCodeForText
import hawiya.ffi.qrSvgForText
import hawiya.ffi.readQrPng
import hawiya.ffi.restoreBackupWithKeySource
import hawiya.ffi.QrException
import hawiya.ffi.SkipReason
import hawiya.ffi.SignerException
import hawiya.ffi.TextDirection
import hawiya.ffi.hijriDate
import java.time.LocalDate
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import kotlin.test.assertContains
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertNotNull
import kotlin.test.assertTrue

const val PASSPHRASE = "correct horse battery"

val walletTests: List<Pair<String, () -> Any?>> = listOf(
    "whole flow: issue, import, lock, reopen, unlock, show, present, verify" to ::wholeFlow,
    "wrong passphrase is a typed error with attempts left" to ::wrongPassphrase,
    "trivial PIN is refused with its rule, never echoed" to ::trivialPin,
    "lockout after repeated failures, throttling in between" to ::lockout,
    "tampered QR text is rejected with reasons and no claims" to ::tamperedQr,
    "stale presentation is rejected after the freshness window" to ::stalePresentation,
    "replayed presentation is rejected" to ::replay,
    "verifier memory catches a replay and a trust-list rollback after a restart" to ::verifierRestart,
    "verifier challenge: typed or scanned, answered, mismatched, refused when malformed" to ::verifierChallenge,
    "a policy can require challenged codes; printed and timed ones are refused" to ::minimumAssurance,
    "print credential: imported with the document or added later, required for printed codes" to ::printCredential,
    "credential bound to another device's key is refused" to ::foreignDeviceKey,
    "key source written in Kotlin (AES-GCM) wraps and unwraps the data key" to ::kotlinKeySource,
    "key source that refuses counts as a failed unlock" to ::rejectingKeySource,
    "key source cancelled 50 times leaves the wallet unlockable at once" to ::cancellingKeySource,
    "a locked-out wallet is reset: nothing left, fresh and unlocked" to ::resetAfterLockout,
    "key source that throws becomes KeySourceUnavailable, not a crash" to ::throwingKeySource,
    "hardware-style device signer in Kotlin presents, and its failure is typed" to ::platformSigner,
    "clock that throws becomes ClockUnavailable" to ::throwingClock,
    "renewal replaces the old version; renew refuses a new document" to ::renewal,
    "dependents are issued to the guardian and listed" to ::dependents,
    "card: bilingual fields, Hijri dates, directions, validity" to ::card,
    "presentation log lists and clears" to ::presentationLog,
    "backup restores elsewhere; the printed code verifies as printed" to ::backupRestore,
    "status list revocation is reported" to ::revocation,
    "QR matrix, SVG and text agree" to ::qrRendering,
    "many threads present and verify on one wallet at once" to ::concurrentCalls,
    "closed objects refuse calls; use {} closes" to ::lifetimes,
    "errors carry an explanation without secrets" to ::explanations,
)

fun wholeFlow() {
    val issuer = testIssuer()
    val trust = issuer.trustList(1UL, NOW)
    val clock = TestClock()
    val file = tempWalletFile("flow")
    Wallet.create(file, PASSPHRASE, clock = clock).use { wallet ->
        val outcome = wallet.importCredential(issueTo(wallet, issuer), trust)
        assertIs<ImportOutcome.Added>(outcome)
        assertEquals(NUMBER, outcome.document.number)
        wallet.lock()
        assertFailsWith<WalletException.Locked> { wallet.documents() }
    }
    Wallet.open(file, clock = clock).use { wallet ->
        assertFalse(wallet.isUnlocked())
        val code = wallet.unlocked(PASSPHRASE) {
            val details = it.show(NUMBER)
            assertEquals("Test Civil Registry", details.issuer)
            assertTrue(details.claims.any { c -> c.key == ClaimKey.NAME_EN && c.display == "Mohammed Abdullah Alahmad" })
            assertTrue(details.claims.any { c -> c.key == ClaimKey.NAME_AR && c.labelAr.isNotEmpty() })
            it.present(NUMBER, Disclosure.Identity, null)
        }
        assertFalse(wallet.isUnlocked(), "unlocked {} locks again")
        assertTrue(code.qrText.startsWith("HW2:"))
        assertEquals(Mode.DEVICE_BOUND, code.mode)
        assertEquals(null, code.challenge)
        assertEquals(NOW, code.createdAt)
        assertEquals(NOW + defaultPolicy().freshnessSecs.toLong(), code.expiresAt)
        assertEquals(code.expiresInstant.epochSecond, code.expiresAt)

        verifier(trust, clock = clock).use { verifier ->
            val verdict = verifier.verify(code.qrText, null)
            assertTrue(verdict.accepted, verdict.failures.toString())
            assertEquals(Assurance.TIMED, verdict.assurance)
            assertEquals("Test Civil Registry", verdict.issuer)
            val shown = verdict.claims.map { it.key }.toSet()
            assertEquals(setOf(ClaimKey.DOCUMENT_NUMBER, ClaimKey.NAME_AR, ClaimKey.NAME_EN, ClaimKey.EXPIRY_DATE), shown)
            assertEquals(NOW, verdict.presentedAt)
        }
    }
}

fun wrongPassphrase() {
    val file = tempWalletFile("wrong")
    Wallet.create(file, PASSPHRASE).close()
    Wallet.open(file).use { wallet ->
        val error = assertFailsWith<WalletException.WrongPassphrase> { wallet.unlockWithPassphrase("not the phrase at all") }
        assertEquals(defaultWalletOptions().unlockPolicy.maxAttempts - 1u, error.remaining)
        assertEquals(1u, wallet.failedAttempts().failures)
        wallet.unlockWithPassphrase(PASSPHRASE)
        assertEquals(0u, wallet.failedAttempts().failures)
    }
}

fun trivialPin() {
    for (pin in listOf("123456", "000000", "111111")) {
        val error = assertFailsWith<WalletException.WeakPasscode> { Wallet.create(tempWalletFile("pin"), pin) }
        assertTrue(error.kind in setOf(WeakPasscodeKind.SEQUENCE, WeakPasscodeKind.COMMON, WeakPasscodeKind.REPEATED_CHARACTER), "$pin: ${error.kind}")
        assertFalse(error.explanation.contains(pin))
    }
    // A birth date of someone in the wallet cannot become the new passphrase.
    val issuer = testIssuer()
    keySourceWallet("birth").use { wallet ->
        wallet.importCredential(issueTo(wallet, issuer), issuer.trustList(1UL, NOW))
        val error = assertFailsWith<WalletException.WeakPasscode> { wallet.changePassphrase("17051990") }
        assertEquals(WeakPasscodeKind.BIRTH_DATE, error.kind)
    }
}

fun lockout() {
    val clock = TestClock()
    val options = defaultWalletOptions().copy(
        unlockPolicy = UnlockPolicy(freeAttempts = 1u, baseDelaySecs = 30UL, maxDelaySecs = 60UL, maxAttempts = 3u),
    )
    val file = tempWalletFile("lockout")
    Wallet.create(file, PASSPHRASE, options, clock).close()
    Wallet.open(file, options, clock).use { wallet ->
        assertFailsWith<WalletException.WrongPassphrase> { wallet.unlockWithPassphrase("guess number one") }
        val wait = assertFailsWith<WalletException.RetryLater> { wallet.unlockWithPassphrase("guess number two") }
        assertTrue(wait.seconds in 1UL..30UL, "${wait.seconds}")
        clock.advance(3_600)
        assertFailsWith<WalletException.WrongPassphrase> { wallet.unlockWithPassphrase("guess number three") }
        clock.advance(3_600)
        assertFailsWith<WalletException.LockedOut> { wallet.unlockWithPassphrase("guess number four") }
        clock.advance(3_600)
        val locked = assertFailsWith<WalletException.LockedOut> { wallet.unlockWithPassphrase(PASSPHRASE) }
        assertEquals(3u, locked.failures)
    }
    // It survives reopening the file.
    Wallet.open(file, options, clock).use { wallet ->
        assertFailsWith<WalletException.LockedOut> { wallet.unlockWithPassphrase(PASSPHRASE) }
    }
}

/** A wallet holding the sample ID, its trust list and the shared clock. */
private class Fixture(name: String) : AutoCloseable {
    val issuer: TestIssuer = testIssuer()
    val trust = issuer.trustList(1UL, NOW)
    val clock = TestClock()
    val wallet: Wallet = keySourceWallet(name, clock = clock)
    init {
        wallet.importCredentialWithPrint(issueTo(wallet, issuer), issuer.issuePrint(nationalId(), null, 8UL, NOW), trust)
    }
    fun verifier(): Verifier = verifier(trust, clock = clock)
    override fun close() { wallet.close(); trust.close(); issuer.close() }
}

fun tamperedQr() = Fixture("tamper").use { f ->
    val code = f.wallet.present(NUMBER, Disclosure.AgeOver18, null)
    val chars = code.qrText.toCharArray()
    for (at in listOf(chars.size / 2, chars.size - 3, 10)) {
        val tampered = chars.copyOf().also { it[at] = if (it[at] == 'A') 'B' else 'A' }
        val verdict = f.verifier().use { it.verify(String(tampered), null) }
        assertFalse(verdict.accepted, "tampered at $at")
        assertTrue(verdict.failures.isNotEmpty())
        assertTrue(verdict.claims.isEmpty())
        assertTrue(verdict.failures.all { it.code.isNotEmpty() && it.message.isNotEmpty() })
    }
    val garbage = f.verifier().use { it.verify("HW2:not a code", null) }
    assertEquals("malformed", garbage.failures.single().code)
}

fun stalePresentation() = Fixture("stale").use { f ->
    val code = f.wallet.present(NUMBER, Disclosure.Full, null)
    f.clock.advance(defaultPolicy().freshnessSecs.toLong() + defaultPolicy().clockSkewSecs.toLong() + 1)
    val verdict = f.verifier().use { it.verify(code.qrText, null) }
    assertFalse(verdict.accepted)
    assertContains(verdict.failures.map { it.code }, "presentation_stale")
    // A fresh one made now passes.
    val fresh = f.wallet.present(NUMBER, Disclosure.Full, null)
    assertTrue(f.verifier().use { it.verify(fresh.qrText, null) }.accepted)
}

fun replay() = Fixture("replay").use { f ->
    val code = f.wallet.present(NUMBER, Disclosure.Identity, null)
    f.verifier().use { verifier ->
        assertTrue(verifier.verify(code.qrText, null).accepted)
        val again = verifier.verify(code.qrText, null)
        assertEquals(listOf("replayed"), again.failures.map { it.code })
    }
}

fun verifierRestart() = Fixture("restart").use { f ->
    val code = f.wallet.present(NUMBER, Disclosure.Identity, null)
    val newer = f.issuer.trustList(2UL, NOW)
    val memory = f.verifier().use { verifier ->
        verifier.updateTrustList(newer)
        assertTrue(verifier.verify(code.qrText, null).accepted)
        verifier.memory()
    }
    assertEquals(2UL, memory.trustListVersion)
    assertEquals(32, memory.recent.single().signatureHash.size)
    // The app restarted: the stored memory comes back.
    Verifier.withMemory(newer, defaultPolicy(), memory, f.clock).use { verifier ->
        assertEquals(listOf("replayed"), verifier.verify(code.qrText, null).failures.map { it.code })
    }
    assertFailsWith<VerifyException.Rollback> { Verifier.withMemory(f.trust, defaultPolicy(), memory, f.clock) }
}

fun verifierChallenge() = Fixture("challenge").use { f ->
    f.verifier().use { verifier ->
        val challenge = verifier.newChallenge()
        assertEquals(6, challenge.code.length)
        assertEquals("HWC:${challenge.code}", challenge.qrText)
        assertEquals(NOW, challenge.issuedAt)
        assertTrue(challenge.answerableUntil > NOW)
        assertEquals(challenge.code, readChallengeCode(challenge.grouped))
        // The holder types it, or the wallet app scans its QR code.
        // (Two disclosures: at one fixed time the same answer would be the
        // same bytes, a replay.)
        for ((entered, disclosure) in listOf(challenge.grouped to Disclosure.Identity, challenge.qrText to Disclosure.AgeOver18)) {
            val code = f.wallet.present(NUMBER, disclosure, entered)
            assertEquals(challenge.code, code.challenge)
            val verdict = verifier.verify(code.qrText, challenge)
            assertTrue(verdict.accepted, verdict.failures.toString())
            assertEquals(Assurance.CHALLENGED, verdict.assurance)
        }
        // Another verifier's challenge, or a timed code, does not answer this one.
        val other = f.verifier().use { it.newChallenge() }
        if (other.code != challenge.code) {
            val code = f.wallet.present(NUMBER, Disclosure.Identity, other.code)
            assertEquals(listOf("challenge_mismatch"), verifier.verify(code.qrText, challenge).failures.map { it.code })
        }
        val timed = f.wallet.present(NUMBER, Disclosure.Identity, null)
        assertEquals(listOf("challenge_not_answered"), verifier.verify(timed.qrText, challenge).failures.map { it.code })
        // Too late: past the freshness window.
        f.clock.advance(challenge.answerableUntil - NOW + 1)
        val late = f.wallet.present(NUMBER, Disclosure.Identity, challenge.code)
        assertEquals(listOf("challenge_expired"), verifier.verify(late.qrText, challenge).failures.map { it.code })
    }
    for (junk in listOf("12345", "abcdef", "HWC:12345", "")) {
        assertFailsWith<WalletException.InvalidChallenge> { f.wallet.present(NUMBER, Disclosure.Identity, junk) }
        assertFailsWith<WalletException.InvalidChallenge> { readChallengeCode(junk) }
    }
}

fun minimumAssurance() = Fixture("min-assurance").use { f ->
    val strict = defaultPolicy().copy(minAssurance = Assurance.CHALLENGED)
    Verifier(f.trust, strict, f.clock).use { verifier ->
        val timed = f.wallet.present(NUMBER, Disclosure.Identity, null)
        val printed = f.wallet.presentStatic(NUMBER, Disclosure.Identity)
        for (code in listOf(timed, printed)) {
            val verdict = verifier.verify(code.qrText, null)
            assertFalse(verdict.accepted)
            assertEquals(listOf("assurance_below_minimum"), verdict.failures.map { it.code })
            assertEquals(null, verdict.assurance)
        }
        val challenge = verifier.newChallenge()
        val answer = f.wallet.present(NUMBER, Disclosure.Identity, challenge.code)
        assertEquals(Assurance.CHALLENGED, verifier.verify(answer.qrText, challenge).assurance)
    }
    assertTrue(describeAssurance(Assurance.PRINTED).contains("photo"))
}

fun printCredential() {
    val issuer = testIssuer()
    val trust = issuer.trustList(1UL, NOW)
    keySourceWallet("print").use { wallet ->
        wallet.importCredential(issueTo(wallet, issuer), trust)
        assertFalse(wallet.documents().single().printable)
        assertFailsWith<WalletException.NoPrintCredential> { wallet.presentStatic(NUMBER, Disclosure.Full) }
        val print = issuer.issuePrint(nationalId(), null, 8UL, NOW)
        assertFailsWith<WalletException.PrintOnlyCredential> { wallet.importCredential(print, trust) }
        assertFailsWith<WalletException.PrintCredentialMismatch> {
            wallet.addPrintCredential(issuer.issuePrint(nationalId(2u), null, 9UL, NOW), trust)
        }
        assertTrue(wallet.addPrintCredential(print, trust).printable)
        val printed = wallet.presentStatic(NUMBER, Disclosure.Full)
        assertEquals(Mode.STATIC, printed.mode)
        val verdict = verifier(trust, clock = TestClock()).use { it.verify(printed.qrText, null) }
        assertEquals(Assurance.PRINTED, verdict.assurance)
    }
}

fun foreignDeviceKey() {
    val issuer = testIssuer()
    val trust = issuer.trustList(1UL, NOW)
    keySourceWallet("ours").use { ours ->
        keySourceWallet("theirs").use { theirs ->
            val theirsCredential = issueTo(theirs, issuer)
            assertFailsWith<WalletException.NotBoundToWallet> { ours.importCredential(theirsCredential, trust) }
        }
        // A credential from an issuer outside the trust list.
        val stranger = testIssuer()
        assertFailsWith<WalletException.NotTrusted> { ours.importCredential(issueTo(ours, stranger), trust) }
        assertFailsWith<WalletException.InvalidCredential> { ours.importCredential(byteArrayOf(1, 2, 3), trust) }
        assertTrue(ours.documents().isEmpty())
    }
}

fun kotlinKeySource() {
    val source = AesKeySource()
    val file = tempWalletFile("aes")
    Wallet.create(file, source).use { wallet ->
        val issuer = testIssuer()
        wallet.importCredential(issueTo(wallet, issuer), issuer.trustList(1UL, NOW))
    }
    Wallet.open(file).use { wallet ->
        wallet.unlocked(source) { assertEquals(1, it.documents().size) }
        assertFailsWith<WalletException.WrongProtection> { wallet.unlockWithPassphrase(PASSPHRASE) }
        // Another key store's key cannot open it, and that is not the user's fault.
        assertFailsWith<WalletException.KeySourceUnavailable> { wallet.unlockWithKeySource(AesKeySource()) }
        assertEquals(0u, wallet.failedAttempts().failures)
        assertTrue(source.unwraps.get() >= 1)
    }
    // The key-source lambdas helper works the same way.
    val pad = 0x42.toByte()
    val xor = keySource(wrap = { k -> ByteArray(k.size) { (k[it].toInt() xor pad.toInt()).toByte() } },
        unwrap = { w -> ByteArray(w.size) { (w[it].toInt() xor pad.toInt()).toByte() } })
    Wallet.create(tempWalletFile("lambda"), xor).use { it.lock(); it.unlockWithKeySource(xor); assertTrue(it.isUnlocked()) }
}

fun rejectingKeySource() {
    val source = AesKeySource()
    keySourceWallet("reject", source).use { wallet ->
        wallet.lock()
        source.reject = true
        assertFailsWith<WalletException.KeySourceRejected> { wallet.unlockWithKeySource(source) }
        assertEquals(1u, wallet.failedAttempts().failures)
        source.reject = false
        wallet.unlockWithKeySource(source)
        assertTrue(wallet.isUnlocked())
    }
}

fun cancellingKeySource() {
    val source = AesKeySource()
    keySourceWallet("cancel", source).use { wallet ->
        wallet.lock()
        // One wrong answer first: were cancels counted, the wait would start.
        source.reject = true
        assertFailsWith<WalletException.KeySourceRejected> { wallet.unlockWithKeySource(source) }
        source.reject = false
        source.cancel = true
        repeat(50) {
            assertFailsWith<WalletException.KeySourceCancelled> { wallet.unlockWithKeySource(source) }
        }
        val attempts = wallet.failedAttempts()
        assertEquals(1u, attempts.failures)
        assertEquals(0u, attempts.unresolved)
        source.cancel = false
        // At once: the same clock reading, no wait.
        wallet.unlockWithKeySource(source)
        assertTrue(wallet.isUnlocked())
        assertEquals(0u, wallet.failedAttempts().failures)
    }
    assertEquals(
        "unlocking was cancelled; nothing was counted, try again when ready",
        KeySourceException.Cancelled().explanation,
    )
}

fun resetAfterLockout() {
    val clock = TestClock()
    val options = defaultWalletOptions().copy(
        unlockPolicy = UnlockPolicy(freeAttempts = 2u, baseDelaySecs = 1UL, maxDelaySecs = 1UL, maxAttempts = 2u),
    )
    val issuer = testIssuer()
    val trust = issuer.trustList(1UL, NOW)
    val file = tempWalletFile("reset")
    Wallet.create(file, PASSPHRASE, options, clock).use { wallet ->
        wallet.importCredential(issueTo(wallet, issuer), trust)
        wallet.present(NUMBER, Disclosure.Identity, null)
    }
    val source = AesKeySource()
    Wallet.open(file, options, clock).use { wallet ->
        repeat(2) { runCatching { wallet.unlockWithPassphrase("guess that is wrong") } }
        assertFailsWith<WalletException.LockedOut> { wallet.unlockWithPassphrase(PASSPHRASE) }
        // A refused new passphrase destroys nothing.
        assertFailsWith<WalletException.WeakPasscode> { wallet.reset("123456") }
        assertFailsWith<WalletException.LockedOut> { wallet.unlockWithPassphrase(PASSPHRASE) }
        wallet.reset(source)
        assertTrue(wallet.isUnlocked())
        assertTrue(wallet.documents().isEmpty())
        assertTrue(wallet.deviceKeys().isEmpty())
        assertTrue(wallet.presentationLog().isEmpty())
        assertEquals(0u, wallet.failedAttempts().failures)
        wallet.importCredential(issueTo(wallet, issuer), trust)
    }
    Wallet.open(file, options, clock).use { wallet ->
        assertFailsWith<WalletException.WrongProtection> { wallet.unlockWithPassphrase(PASSPHRASE) }
        wallet.unlocked(source) { assertEquals(1, it.documents().size) }
    }
}

fun throwingKeySource() {
    val source = AesKeySource()
    keySourceWallet("throw", source).use { wallet ->
        wallet.lock()
        source.explode = true
        val error = assertFailsWith<WalletException.KeySourceUnavailable> { wallet.unlockWithKeySource(source) }
        assertContains(error.reason, "IllegalStateException")
        assertFalse(error.reason.contains("\n"), "one line, no stack trace")
        assertEquals(0u, wallet.failedAttempts().failures, "a crash in the app is not a wrong guess")
        source.explode = false
        wallet.unlockWithKeySource(source)
        assertTrue(wallet.isUnlocked())
    }
}

fun platformSigner() {
    val issuer = testIssuer()
    val trust = issuer.trustList(1UL, NOW)
    val clock = TestClock()
    val signer = JcaSigner()
    val source = AesKeySource()
    val file = tempWalletFile("signer")
    Wallet.create(file, source, clock = clock).use { wallet ->
        val key = wallet.addPlatformSigner(signer)
        assertTrue(key.contentEquals(signer.publicKey()))
        assertTrue(wallet.deviceKeys().single().platform)
        val nonce = issuer.bindingNonce()
        val credential = issuer.issue(nationalId(), wallet.bindingRequest(key, nonce), nonce, 1UL, NOW)
        wallet.importCredential(credential, trust)
        val code = wallet.present(NUMBER, Disclosure.AgeOver18, null)
        assertTrue(verifier(trust, clock = clock).use { it.verify(code.qrText, null) }.accepted)
        signer.refuse = true
        assertFailsWith<WalletException.SignerFailed> { wallet.present(NUMBER, Disclosure.AgeOver18, null) }
    }
    // After reopening, the signer must be attached again.
    Wallet.open(file, clock = clock).use { wallet ->
        wallet.unlockWithKeySource(source)
        assertFailsWith<WalletException.UnknownDeviceKey> { wallet.present(NUMBER, Disclosure.AgeOver18, null) }
        signer.refuse = false
        wallet.attachPlatformSigner(signer)
        wallet.present(NUMBER, Disclosure.AgeOver18, null)
        assertFailsWith<WalletException.UnknownDeviceKey> { wallet.attachPlatformSigner(JcaSigner()) }
    }
}

fun throwingClock() {
    val broken = clock { throw ClockException.Unavailable("no time source") }
    keySourceWallet("clock", clock = broken).use { wallet ->
        val error = assertFailsWith<WalletException.ClockUnavailable> { wallet.present(NUMBER, Disclosure.Full, null) }
        assertContains(error.reason, "no time source")
    }
    val undeclared = clock { throw ArithmeticException("overflow") }
    val issuer = testIssuer()
    Verifier(issuer.trustList(1UL, NOW), defaultPolicy(), undeclared).use { verifier ->
        val error = assertFailsWith<VerifyException.ClockUnavailable> { verifier.verify("HW2:x", null) }
        assertContains(error.reason, "ArithmeticException")
    }
}

fun renewal() = Fixture("renew").use { f ->
    val v2 = issueTo(f.wallet, f.issuer, nationalId(2u))
    val outcome = f.wallet.renew(v2, f.trust)
    assertIs<ImportOutcome.Renewed>(outcome)
    assertEquals(1u, outcome.replacedVersion)
    assertEquals(listOf(2u), f.wallet.documents().map { it.version })
    val older = issueTo(f.wallet, f.issuer, nationalId(1u))
    assertFailsWith<WalletException.OlderVersion> { f.wallet.importCredential(older, f.trust) }
    val another = nationalId().copy(documentNumber = 1_111_111_112UL)
    assertFailsWith<WalletException.NotARenewal> { f.wallet.renew(issueTo(f.wallet, f.issuer, another), f.trust) }
}

fun dependents() = Fixture("dependents").use { f ->
    val key = f.wallet.deviceKeys().first().publicKey
    val nonce = f.issuer.bindingNonce()
    val child = f.issuer.issueToGuardian(childId(), f.wallet.bindingRequest(key, nonce), nonce, NUMBER, 8UL, NOW)
    f.wallet.importCredential(child, f.trust)
    val dependents = f.wallet.dependents()
    assertEquals(listOf("Sara Mohammed Alahmad"), dependents.map { it.nameEn })
    assertTrue(dependents.single().isDependent)
    assertEquals(2, f.wallet.people().size)
    val code = f.wallet.present(CHILD_NUMBER, Disclosure.Identity, null)
    val verdict = f.verifier().use { it.verify(code.qrText, null) }
    assertTrue(verdict.accepted)
    assertEquals(NUMBER, verdict.guardian)
}

fun card() = Fixture("card").use { f ->
    val card = f.wallet.card(NUMBER)
    assertEquals(CardStatus.VALID, card.status)
    assertEquals(NUMBER.toString(), card.documentNumber)
    assertTrue(card.titleAr.isNotEmpty() && card.titleEn.isNotEmpty())
    val nameAr = card.fields.first { it.key == ClaimKey.NAME_AR }
    assertEquals(TextDirection.RTL, nameAr.direction)
    assertEquals(TextDirection.LTR, card.fields.first { it.key == ClaimKey.NAME_EN }.direction)
    val birth = card.fields.first { it.key == ClaimKey.BIRTH_DATE }
    assertEquals("1990-05-17", birth.value)
    val hijri = assertNotNull(hijriDate(LocalDate.of(1990, 5, 17).toCalendarDate()))
    assertEquals(1410, hijri.year)
    assertEquals(hijri.displayAr, birth.valueHijri)
    assertNotNull(card.fields.first { it.key == ClaimKey.SEX }.valueAr)
    // The same document shown ten years later is expired.
    f.clock.advance(11L * 365 * 86_400)
    assertEquals(CardStatus.EXPIRED, f.wallet.card(NUMBER).status)
}

fun presentationLog() = Fixture("log").use { f ->
    f.wallet.present(NUMBER, Disclosure.AgeOver18, null)
    f.wallet.presentStatic(NUMBER, Disclosure.Identity)
    val log = f.wallet.presentationLog()
    assertEquals(listOf(Mode.DEVICE_BOUND, Mode.STATIC), log.map { it.mode })
    assertEquals(listOf(ClaimKey.AGE_OVER18), log[0].disclosed)
    assertEquals(2UL, f.wallet.clearPresentationLog())
    assertTrue(f.wallet.presentationLog().isEmpty())
}

fun backupRestore() = Fixture("backup").use { f ->
    val backup = f.wallet.exportBackup("backup phrase for tests")
    assertFailsWith<WalletException.WeakPasscode> { f.wallet.exportBackup("password") }
    val target = tempWalletFile("restored")
    assertFailsWith<WalletException.WrongBackupPassphrase> {
        restoreBackupWithKeySource(target.path, backup, "another phrase", AesKeySource(), f.trust, defaultWalletOptions(), f.clock)
    }
    assertFailsWith<WalletException.NotABackup> {
        restoreBackupWithKeySource(target.path, byteArrayOf(1, 2, 3), "backup phrase for tests", AesKeySource(), f.trust, defaultWalletOptions(), f.clock)
    }
    assertFailsWith<WalletException.BackupDamaged> {
        val damaged = backup.copyOf().also { it[40] = (it[40].toInt() xor 1).toByte() }
        restoreBackupWithKeySource(target.path, damaged, "backup phrase for tests", AesKeySource(), f.trust, defaultWalletOptions(), f.clock)
    }
    // Checked against the trust list like an import: another authority's
    // list leaves the document out, and says why.
    testIssuer().use { stranger ->
        stranger.trustList(1UL, NOW).use { theirs ->
            val elsewhere = restoreBackupWithKeySource(
                tempWalletFile("restored-elsewhere").path, backup, "backup phrase for tests", AesKeySource(), theirs, defaultWalletOptions(), f.clock,
            )
            elsewhere.wallet.use { assertTrue(it.documents().isEmpty()) }
            val skipped = elsewhere.skipped.single()
            assertEquals(NUMBER, skipped.number)
            assertEquals(SkipReason.NOT_TRUSTED, skipped.reason)
        }
    }
    val restored = restoreBackupWithKeySource(target.path, backup, "backup phrase for tests", AesKeySource(), f.trust, defaultWalletOptions(), f.clock)
    assertEquals(1u, restored.documents)
    assertTrue(restored.skipped.isEmpty())
    restored.wallet.use { wallet ->
        assertTrue(wallet.documents().single().needsRebinding)
        assertFailsWith<WalletException.NeedsRebinding> { wallet.present(NUMBER, Disclosure.Full, null) }
        val printed = wallet.presentStatic(NUMBER, Disclosure.Full)
        assertEquals(Mode.STATIC, printed.mode)
        val verdict = f.verifier().use { it.verify(printed.qrText, null) }
        assertTrue(verdict.accepted)
        assertEquals(Assurance.PRINTED, verdict.assurance)
        assertContains(verdict.warnings.map { it.code }, "static_lower_assurance")
    }
    assertFailsWith<WalletException.AlreadyExists> {
        restoreBackupWithKeySource(target.path, backup, "backup phrase for tests", AesKeySource(), f.trust, defaultWalletOptions(), f.clock)
    }
}

fun revocation() = Fixture("revoke").use { f ->
    f.issuer.revoke(7UL)
    f.verifier().use { verifier ->
        verifier.addStatusList(f.issuer.signedStatusList(NOW, 86_400UL))
        val verdict = verifier.verify(f.wallet.present(NUMBER, Disclosure.Identity, null).qrText, null)
        assertContains(verdict.failures.map { it.code }, "revoked")
        assertFailsWith<VerifyException.Malformed> { verifier.addStatusList(byteArrayOf(0x42)) }
        val stranger = TestIssuer("Other Registry", "other-1", "https://status.example/2", 1_700_000_000L, 2_000_000_000L)
        assertFailsWith<VerifyException.UnknownIssuerKey> { verifier.addStatusList(stranger.signedStatusList(NOW, 60UL)) }
    }
    // A trust list signed by another root is refused, as is an older version.
    assertFailsWith<VerifyException.BadSignature> {
        hawiya.ffi.TrustList.fromSigned(f.issuer.signedTrustList(2UL, NOW), testIssuer().rootPublicKey())
    }
    f.verifier().use { verifier ->
        verifier.updateTrustList(f.issuer.trustList(3UL, NOW))
        val rollback = assertFailsWith<VerifyException.Rollback> { verifier.updateTrustList(f.issuer.trustList(2UL, NOW)) }
        assertEquals(3UL, rollback.seen)
    }
}

fun qrRendering() = Fixture("qr").use { f ->
    val code = f.wallet.present(NUMBER, Disclosure.Full, null)
    val size = code.qr.size.toInt()
    assertEquals(size * size, code.qr.modules.size)
    assertEquals(17 + 4 * code.qr.version.toInt(), size)
    // Finder pattern corners are dark.
    assertTrue(code.qr.isDark(0, 0) && code.qr.isDark(size - 1, 0) && code.qr.isDark(0, size - 1))
    assertEquals(code.qr, qrCodeForText(code.qrText))
    // The SVG is opt-in: made from the QR text when the app asks.
    assertTrue(qrSvgForText(code.qrText, 8u).contains("<svg"))
    assertEquals(code.sizeBytes > 0u, true)
    assertFailsWith<QrException.Decode> { readQrPng(byteArrayOf(1, 2, 3)) }
    assertFailsWith<QrException.Encode> { qrCodeForText("x".repeat(5000)) }
    assertTrue(libraryVersion().isNotEmpty())
}

fun concurrentCalls() = Fixture("threads").use { f ->
    val threads = 8
    val perThread = 5
    val pool = Executors.newFixedThreadPool(threads)
    val start = CountDownLatch(1)
    // Two equal random challenges give the same code, rightly refused as a
    // replay: count each challenge once.
    val codes = java.util.concurrent.ConcurrentHashMap.newKeySet<String>()
    f.verifier().use { verifier ->
        val futures = (0 until threads).map { t ->
            pool.submit<Int> {
                start.await()
                var accepted = 0
                repeat(perThread) { i ->
                    val challenge = verifier.newChallenge()
                    codes.add(challenge.code)
                    val code = f.wallet.present(NUMBER, Disclosure.Identity, challenge.code)
                    assertEquals(1, f.wallet.documents().size)
                    if (verifier.verify(code.qrText, challenge).accepted) accepted++
                }
                accepted
            }
        }
        start.countDown()
        val accepted = futures.sumOf { it.get(120, TimeUnit.SECONDS) }
        assertEquals(codes.size, accepted)
        assertTrue(codes.size > threads * perThread - 3)
    }
    pool.shutdown()
    assertEquals(threads * perThread, f.wallet.presentationLog().size)
}

fun lifetimes() {
    val issuer = testIssuer()
    val wallet = keySourceWallet("close")
    wallet.use { assertTrue(it.isUnlocked()) }
    assertFailsWith<IllegalStateException> { wallet.documents() }
    wallet.close() // a second close is harmless
    issuer.close()
    assertFailsWith<IllegalStateException> { issuer.bindingNonce() }
}

fun explanations() {
    val file = tempWalletFile("explain")
    Wallet.create(file, PASSPHRASE).close()
    Wallet.open(file).use { wallet ->
        val error = assertFailsWith<WalletException.WrongPassphrase> { wallet.unlockWithPassphrase("my secret guess") }
        assertContains(error.explanation, "wrong passphrase")
        assertFalse(error.explanation.contains("my secret guess"))
        assertFalse(error.explanation.contains(file.path))
    }
    val missing = assertFailsWith<WalletException.NotFound> { Wallet.open(tempWalletFile("missing")) }
    assertNotNull(missing.explanation)
    assertFalse(missing.explanation.contains("/"), missing.explanation)
    val noDoc = keySourceWallet("nodoc").use { w -> assertFailsWith<WalletException.NoSuchDocument> { w.show(NUMBER) } }
    assertFalse(noDoc.explanation.contains(NUMBER.toString()))
    // The app's own errors (thrown from its key source, signer, clock) read as sentences too.
    assertEquals("the device key store refused: authenticate and try again", KeySourceException.Rejected().explanation)
    assertEquals("the device signer is unavailable (key invalidated)", SignerException.Unavailable("key invalidated").explanation)
    assertEquals("the clock is unavailable (no network time)", ClockException.Unavailable("no network time").explanation)
}
