package org.hawiya.demo.logic

import hawiya.explanation
import hawiya.reset
import hawiya.ffi.DocumentSummary
import hawiya.ffi.KeySource
import hawiya.ffi.Mode
import hawiya.AsyncWallet
import hawiya.DEFAULT_LIVE_MARGIN
import hawiya.ffi.Disclosure
import hawiya.ffi.Presentation
import hawiya.livePresentation
import hawiya.liveRefreshDelay
import hawiya.ffi.Wallet
import hawiya.ffi.WalletException
import hawiya.ffi.readChallengeCode
import hawiya.keysource.KeySourceFailure
import hawiya.keysource.PlatformKeySource
import java.util.TimeZone
import java.util.concurrent.Executor
import kotlin.coroutines.cancellation.CancellationException
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.CoroutineExceptionHandler
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Job
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.cancel
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch

/** What the wallet screen shows. */
sealed interface WalletState {
    /**
     * The wallet is locked: an unlock button, why the last try failed, and a
     * way out (reset). While [confirmingReset], the screen asks the holder to
     * confirm that everything is to be destroyed ([Texts.resetWarning]).
     */
    data class Locked(
        val notice: Notice?,
        val busy: Boolean,
        val confirmingReset: Boolean = false,
        /**
         * The phone's key was invalidated (new biometrics enrolled): the
         * wallet can never be opened again, only reset ([Texts.keyInvalidated]).
         */
        val keyInvalidated: Boolean = false,
    ) : WalletState

    /** The wallet is open. */
    data class Open(
        /** The holder and dependents with their documents. */
        val people: PeopleView,
        /** The document on the card and in the QR (its number), or null when there is none. */
        val selected: Long?,
        /** The selected document's card. */
        val card: CardView?,
        /** What the holder chose to share. */
        val disclosure: DisclosureChoice,
        /** The code on screen, or null while the screen is away or it failed. */
        val qr: QrView?,
        /** Why there is no code, or a note about it. */
        val qrNotice: Notice?,
        /** The presentation log, newest first. */
        val log: List<LogRow>,
        /** A message for the holder, or null. */
        val notice: Notice?,
        /** The verifier's challenge the codes answer ("493 817"), or null. */
        val challenge: String? = null,
    ) : WalletState
}

/** A code the wallet made, as shown on screen. */
data class ShownCode(val presentation: Presentation, val view: QrView)

/**
 * Everything the wallet screen does, without Android: unlocking with the
 * key source, choosing a document and what to share, answering a verifier's
 * challenge (scanned from its QR code or typed as six digits), keeping the
 * QR fresh, the dependents list and the log. The app calls it from one
 * background thread (unlocking blocks on the biometric prompt) and draws
 * [state]. Codes are always signed at the phone's own clock, now.
 *
 * The live QR is the SDK's stream (`AsyncWallet.livePresentation`): one
 * showing per document, choice and challenge, one log entry for it, a
 * fresh code every [PERIOD_SECONDS] (sooner if the code would expire
 * first). [dispatcher] is that same wallet thread (the app's) or a virtual
 * clock (the tests'): the stream waits on it, and its wallet calls run
 * inline, on the thread the controller already runs on.
 *
 * Errors never escape: each becomes a [Notice] in the state, in both languages.
 */
class WalletController(
    private val wallet: Wallet,
    private val keySource: KeySource,
    private val clock: AppClock,
    private val dispatcher: CoroutineDispatcher,
    private val timeZone: TimeZone,
    /** The SDK key source behind [keySource], which tells an invalidated key apart. */
    private val platformKeySource: PlatformKeySource? = keySource as? PlatformKeySource,
) : AutoCloseable {
    private val cards = CardFormatter(timeZone)
    private val grouping = PeopleGrouping(cards)
    private val logs = LogFormatter(timeZone)

    /** Called with every new state (on the calling thread). */
    var onChange: ((WalletState) -> Unit)? = null

    /** The state now. */
    var state: WalletState = if (wallet.isUnlocked()) openState(null) else WalletState.Locked(null, busy = false)
        private set

    /** The wallet's calls for the stream, run inline on the calling (wallet) thread. */
    private val live = AsyncWallet(wallet, Executor { it.run() }.asCoroutineDispatcher())

    /** Where the stream runs; an Error escaping it ends on screen, as on the wallet thread. */
    private val scope = CoroutineScope(
        SupervisorJob() + dispatcher + CoroutineExceptionHandler { _, e -> set(failedState(e)) },
    )
    private var liveJob: Job? = null
    private var qrWanted = false

    /** When the next code is due (Unix seconds), or null when none is coming. */
    private var nextCodeAt: Long? = null

    /** Unlocks the wallet through the key source (blocks while the holder authenticates). */
    fun unlock() {
        if (state is WalletState.Open) return
        set(WalletState.Locked(null, busy = true))
        try {
            wallet.unlockWithKeySource(keySource)
            set(openState(null))
        } catch (e: WalletException) {
            if (platformKeySource?.failureOf(e) is KeySourceFailure.Invalidated) {
                set(WalletState.Locked(Notice(Tone.BAD, Texts.keyInvalidated), busy = false, keyInvalidated = true))
                return
            }
            // A dismissed prompt is not a failure: said calmly, not as a wrong answer.
            val tone = if (e is WalletException.KeySourceCancelled) Tone.CAUTION else Tone.BAD
            set(WalletState.Locked(Notice(tone, explain(e)), busy = false))
        }
    }

    /**
     * The holder asked to reset the locked wallet: nothing is destroyed yet,
     * the screen asks them to confirm ([confirmReset]) or cancel ([cancelReset]).
     */
    fun requestReset() {
        val locked = state as? WalletState.Locked ?: return
        if (locked.busy) return
        set(locked.copy(confirmingReset = true))
    }

    /** The holder changed their mind: back to the locked screen, nothing destroyed. */
    fun cancelReset() {
        val locked = state as? WalletState.Locked ?: return
        set(locked.copy(confirmingReset = false))
    }

    /**
     * The holder confirmed: destroys every document, key and log entry and
     * protects the fresh, empty wallet with the key source again (the way out
     * of a lockout). After the phone's key was invalidated, the SDK's
     * recovery runs instead: a new phone key, then the same reset
     * ([PlatformKeySource.resetAfterInvalidation]). Does nothing unless
     * [requestReset] came first.
     */
    fun confirmReset() {
        val locked = state as? WalletState.Locked ?: return
        if (!locked.confirmingReset || locked.busy) return
        set(WalletState.Locked(null, busy = true, keyInvalidated = locked.keyInvalidated))
        try {
            if (locked.keyInvalidated && platformKeySource != null) {
                platformKeySource.resetAfterInvalidation(wallet)
            } else {
                wallet.reset(keySource)
            }
            set(openState(Notice(Tone.CAUTION, Texts.resetDone)))
        } catch (e: WalletException) {
            set(WalletState.Locked(Notice(Tone.BAD, explain(e)), busy = false, keyInvalidated = locked.keyInvalidated))
        }
    }

    /** Locks the wallet (forgets the data key) and stops the QR. */
    fun lock() {
        stopLive()
        wallet.lock()
        set(WalletState.Locked(null, busy = false))
    }

    /** Puts document [number] on the card and in the QR. */
    fun select(number: Long) = whenOpen { open ->
        val doc = summaries().firstOrNull { it.number.toLong() == number }
        if (doc == null) {
            set(open.copy(notice = Notice(Tone.BAD, Words("لا توجد هذه الوثيقة", "No such document"))))
            return@whenOpen
        }
        set(open(open, doc, open.disclosure.forDocument(doc.documentType)))
        restartLive()
    }

    /** Applies the holder's choice from the sheet; an empty choice is refused with a notice. */
    fun choose(choice: DisclosureChoice) = whenOpen { open ->
        if (choice.problem != null) {
            set(open.copy(disclosure = choice, notice = Notice(Tone.CAUTION, choice.problem!!)))
            return@whenOpen
        }
        set(open.copy(disclosure = choice, notice = null))
        restartLive()
    }

    /** The screen is on display: a code now and every 30 seconds (one showing). */
    fun startQr() = whenOpen {
        qrWanted = true
        restartLive()
    }

    /** The screen went away: no more codes; the showing ends. */
    fun stopQr() {
        stopLive()
        whenOpen { open -> set(open.copy(qr = null, qrNotice = null)) }
    }

    /** Whole seconds until the next code, for the countdown. */
    fun secondsUntilNewCode(): Long = nextCodeAt?.let { (it - clock.now()).coerceAtLeast(0) } ?: 0

    private var challengeCode: String? = null
    private var challengeEnteredAt = 0L

    /**
     * The holder typed the verifier's six digits, or the camera read its
     * challenge QR: the codes shown from now on answer it (for
     * [CHALLENGE_SECONDS]). Text that is not a challenge gets a notice and
     * changes nothing.
     */
    fun answerChallenge(text: String) = whenOpen { open ->
        val code = try {
            readChallengeCode(text)
        } catch (e: WalletException) {
            set(open.copy(notice = Notice(Tone.CAUTION, explain(e))))
            return@whenOpen
        }
        challengeCode = code
        challengeEnteredAt = clock.now()
        set(open.copy(challenge = grouped(code), notice = null))
        restartLive()
    }

    /** Stops answering the challenge: the codes are timed again. */
    fun clearChallenge() = whenOpen { open ->
        challengeCode = null
        set(open.copy(challenge = null))
        restartLive()
    }

    /** The challenge to answer now, dropped once the verifier's window is surely over. */
    private fun currentChallenge(): String? {
        if (challengeCode != null && clock.now() - challengeEnteredAt > CHALLENGE_SECONDS) {
            challengeCode = null
            (state as? WalletState.Open)?.let { state = it.copy(challenge = null) }
        }
        return challengeCode
    }

    /** Deletes the presentation log. */
    fun clearLog() = whenOpen { open ->
        try {
            wallet.clearPresentationLog()
            set(open.copy(log = log(), notice = null))
        } catch (e: WalletException) {
            set(open.copy(notice = Notice(Tone.BAD, explain(e))))
        }
    }

    /** Stops the QR and closes the wallet file. */
    override fun close() {
        stopLive()
        scope.cancel()
        wallet.close()
    }

    /** What the QR shows now: one showing, or a printed card's code. */
    private data class ShowingOf(val number: ULong, val disclosure: Disclosure, val challenge: String?, val printed: Boolean)

    private fun showingNow(): ShowingOf {
        val open = state as? WalletState.Open ?: throw IllegalStateException("the wallet is locked")
        val number = open.selected ?: throw IllegalStateException("no document")
        val doc = summaries().firstOrNull { it.number.toLong() == number } ?: throw IllegalStateException("no document")
        // A restored document cannot sign on this phone until re-bound:
        // show its printed card's code meanwhile (if the wallet holds one).
        return ShowingOf(doc.number, open.disclosure.toDisclosure(), currentChallenge(), printed = doc.needsRebinding)
    }

    /** (Re)starts the QR for what is selected now, if the screen wants one. */
    private fun restartLive() {
        liveJob?.cancel()
        liveJob = null
        if (!qrWanted || state !is WalletState.Open) return
        // Undispatched: the first code is on screen when this returns.
        liveJob = scope.launch(start = CoroutineStart.UNDISPATCHED) { runLive() }
    }

    private fun stopLive() {
        qrWanted = false
        liveJob?.cancel()
        liveJob = null
        nextCodeAt = null
    }

    /**
     * The QR loop: the SDK's live stream for the current showing. A failure
     * (including `ShowingEnded`: the document was renewed, or the wallet
     * locked behind the screen's back) is shown, and the QR tries again,
     * as a new showing, one period later.
     */
    private suspend fun runLive() {
        while (true) {
            try {
                val what = showingNow()
                if (what.printed) {
                    val p = wallet.presentStatic(what.number, what.disclosure)
                    shown(p, PERIOD_SECONDS)
                    delay(PERIOD_SECONDS.seconds)
                    continue
                }
                live.livePresentation(what.number, what.disclosure, what.challenge, maxInterval = PERIOD_SECONDS.seconds)
                    .collect { p ->
                        shown(p, liveRefreshDelay(p, DEFAULT_LIVE_MARGIN, maxInterval = PERIOD_SECONDS.seconds).inWholeSeconds)
                        // The challenge's window closed: the next code is timed, a new showing.
                        if (what.challenge != null && currentChallenge() == null) restartLive()
                    }
            } catch (e: CancellationException) {
                throw e
            } catch (e: Exception) {
                nextCodeAt = clock.now() + PERIOD_SECONDS
                update { open -> open.copy(qr = null, qrNotice = Notice(Tone.BAD, explain(e))) }
                delay(PERIOD_SECONDS.seconds)
            }
        }
    }

    private fun shown(p: Presentation, nextInSeconds: Long) {
        nextCodeAt = clock.now() + nextInSeconds
        val code = ShownCode(p, qrView(p))
        update { open -> open.copy(qr = code.view, qrNotice = qrNote(code), log = log()) }
    }

    private fun qrView(p: Presentation) = QrView(
        text = p.qrText,
        size = p.qr.size.toInt(),
        dark = p.qr.modules,
        shows = Texts.claims(p.disclosed),
        expiresAt = if (p.mode == Mode.DEVICE_BOUND) p.expiresAt else null,
    )

    private fun qrNote(code: ShownCode): Notice? = when (code.presentation.mode) {
        Mode.STATIC -> Notice(
            Tone.CAUTION,
            Words("رمز مطبوع: أقل ضماناً، قد يُطلب منك إثبات آخر", "Printed code: lower assurance, you may be asked for more proof"),
        )
        Mode.DEVICE_BOUND -> code.presentation.challenge?.let {
            Notice(Tone.GOOD, Words("يجيب على رمز التحقق ${grouped(it)}", "Answers the verifier's challenge ${grouped(it)}"))
        }
    }

    private fun openState(notice: Notice?): WalletState {
        return try {
            val docs = summaries()
            val first = docs.firstOrNull()
            val choice = DisclosureChoice.initial(first?.documentType ?: hawiya.ffi.DocumentType.NATIONAL_ID)
            val base = WalletState.Open(
                people = grouping.group(wallet.people(), clock.now()),
                selected = null,
                card = null,
                disclosure = choice,
                qr = null,
                qrNotice = null,
                log = log(),
                notice = notice,
            )
            if (first == null) base else open(base, first, choice).copy(notice = notice)
        } catch (e: WalletException) {
            WalletState.Locked(Notice(Tone.BAD, explain(e)), busy = false)
        }
    }

    private fun open(base: WalletState.Open, doc: DocumentSummary, choice: DisclosureChoice): WalletState.Open =
        base.copy(
            selected = doc.number.toLong(),
            card = cards.card(wallet.show(doc.number), clock.now()),
            disclosure = choice,
            notice = null,
        )

    private fun summaries(): List<DocumentSummary> = wallet.documents()

    private fun log(): List<LogRow> = logs.rows(wallet.presentationLog())

    private inline fun whenOpen(action: (WalletState.Open) -> Unit) {
        val open = state as? WalletState.Open ?: return
        try {
            action(open)
        } catch (e: WalletException) {
            (state as? WalletState.Open)?.let { set(it.copy(notice = Notice(Tone.BAD, explain(e)))) }
        }
    }

    private fun update(change: (WalletState.Open) -> WalletState.Open) {
        val open = state as? WalletState.Open ?: return
        set(
            try {
                change(open)
            } catch (e: WalletException) {
                open.copy(notice = Notice(Tone.BAD, explain(e)))
            },
        )
    }

    private fun set(next: WalletState) {
        state = next
        onChange?.invoke(next)
    }

    companion object {
        /** A new code at least this often while the QR is on screen. */
        const val PERIOD_SECONDS = 30L

        /**
         * How long codes answer an entered challenge: the verifier's default
         * freshness window and clock skew, after which it refuses answers.
         */
        const val CHALLENGE_SECONDS = 150L

        /** Six digits as the verifier shows them: "493 817". */
        fun grouped(code: String): String = if (code.length == 6) "${code.take(3)} ${code.drop(3)}" else code

        /**
         * The wallet screen after anything thrown on the wallet thread that
         * no screen action caught (e.g. the native library failed to load):
         * locked, with the failure said, and not busy, so Unlock stays
         * enabled and tries again.
         */
        fun failedState(e: Throwable): WalletState.Locked = WalletState.Locked(Notice(Tone.BAD, explain(e)), busy = false)

        /** A wallet error (or any failure making a code) in words for the holder. */
        fun explain(e: Throwable): Words = when (e) {
            is LinkageError -> Words(
                "تعذّر تحميل مكتبة المحفظة في التطبيق (${e.javaClass.simpleName}). أعد تثبيت التطبيق.",
                "The app's wallet library could not be loaded (${e.javaClass.simpleName}: ${e.message}). Reinstall the app.",
            )
            is WalletException.InvalidChallenge -> Words(
                "هذا ليس رمز تحقق: اكتب الأرقام الستة التي يعرضها جهاز التحقق، أو امسح رمزه.",
                "Not a verifier's challenge: type the six digits the verifier shows, or scan its code.",
            )
            is WalletException.ShowingEnded -> Words(
                "توقف الرمز الحي: قُفلت المحفظة أو تغيّرت الوثيقة. اعرضها من جديد.",
                "The live code stopped: the wallet was locked or the document changed. Show it again.",
            )
            is WalletException.NoPrintCredential -> Words(
                "لا توجد بطاقة مطبوعة لهذه الوثيقة في المحفظة.",
                "The wallet holds no printed card for this document.",
            )
            is WalletException.KeySourceRejected -> Words(
                "لم يتم التعرف عليك. حاول مرة أخرى.",
                "Not recognised. Try again.",
            )
            is WalletException.KeySourceCancelled -> Words(
                "أُلغي فتح المحفظة، ولم تُحتسب محاولة. افتحها متى شئت.",
                "Unlocking was cancelled; no attempt was counted. Unlock when you are ready.",
            )
            is WalletException.KeySourceUnavailable -> Words(
                "مفتاح الهاتف غير متاح (ربما تغيّرت البصمات). استعد المحفظة من نسخة احتياطية.",
                "The phone's key is unavailable (fingerprints changed?). Restore the wallet from a backup.",
            )
            is WalletException.RetryLater -> Words(
                "محاولات كثيرة. انتظر ${e.seconds} ثانية ثم حاول.",
                "Too many tries. Wait ${e.seconds} seconds, then try again.",
            )
            is WalletException.LockedOut -> Words(
                "أُقفلت المحفظة بعد ${e.failures} محاولات فاشلة. أعد ضبطها، ثم استعد نسختك الاحتياطية.",
                "The wallet locked after ${e.failures} failed tries. Reset it, then restore your backup.",
            )
            is WalletException.Locked -> Words("المحفظة مقفلة. افتحها أولاً.", "The wallet is locked. Unlock it first.")
            is WalletException.NeedsRebinding -> Words(
                "هذه الوثيقة تحتاج إلى ربطها بهذا الهاتف من جديد.",
                "This document must be bound to this phone again.",
            )
            is WalletException.NoSuchDocument -> Words("لا توجد هذه الوثيقة", "No such document")
            is WalletException.Tampered, is WalletException.Corrupt -> Words(
                "ملف المحفظة تالف أو معدّل. استعده من نسخة احتياطية.",
                "The wallet file is damaged or was altered. Restore it from a backup.",
            )
            is WalletException.Busy -> Words("المحفظة مشغولة. حاول بعد قليل.", "The wallet is busy. Try again shortly.")
            // The library's own sentence (never holds personal data or secrets).
            is WalletException -> Words("تعذّرت العملية.", e.explanation)
            else -> Words("تعذّر إنشاء الرمز.", "Could not make the code (${e.explanation}).")
        }
    }
}
