package org.hawiya.demo.logic

/**
 * Keeps the wallet screen's QR code fresh: a device-bound code is signed over
 * the time it is made and a verifier refuses it after a short window, so the
 * screen makes a new one every [periodSeconds] (30 s by default) while it is
 * shown, and earlier if the current code would expire first.
 *
 * Nothing here reads the clock or starts a thread: [clock] and [scheduler]
 * are injected, so the timing rules are tested exactly.
 *
 * @param C the code type (in the app: [ShownCode]).
 * @param make makes a new code at the given time; throwing stops nothing: the
 *   error goes to [onError] and the refresher tries again one period later.
 * @param expiresAt when a code stops being accepted (Unix seconds), or null
 *   when it has no limit of its own (e.g. a static, printable code).
 */
class QrRefresher<C : Any>(
    private val clock: AppClock,
    private val scheduler: Scheduler,
    private val make: (now: Long) -> C,
    private val expiresAt: (C) -> Long?,
    private val onCode: (C) -> Unit,
    private val onError: (Throwable) -> Unit = {},
    val periodSeconds: Long = DEFAULT_PERIOD_SECONDS,
    private val marginSeconds: Long = DEFAULT_MARGIN_SECONDS,
) {
    init {
        require(periodSeconds > 0) { "the refresh period must be positive" }
        require(marginSeconds >= 0) { "the margin cannot be negative" }
    }

    private val lock = Any()
    private var pending: Cancellable? = null
    private var running = false

    /** The code on screen now, or null before the first one (or after an error). */
    @Volatile
    var current: C? = null
        private set

    /** When the next code will be made (Unix seconds), or null when stopped. */
    @Volatile
    var nextRefreshAt: Long? = null
        private set

    /** Whether the refresher is running. */
    val isRunning: Boolean get() = synchronized(lock) { running }

    /** Makes a code now and keeps refreshing until [stop]. Starting twice restarts. */
    fun start() {
        synchronized(lock) {
            pending?.cancel()
            running = true
        }
        refresh()
    }

    /** Makes a new code at once (e.g. the holder changed what to disclose). */
    fun refreshNow() {
        if (!isRunning) return
        synchronized(lock) { pending?.cancel() }
        refresh()
    }

    /** Stops refreshing (the screen went away) and forgets the code. */
    fun stop() {
        synchronized(lock) {
            running = false
            pending?.cancel()
            pending = null
            nextRefreshAt = null
            current = null
        }
    }

    /** Whole seconds until the next refresh, for a countdown; 0 when stopped. */
    fun secondsLeft(): Long {
        val next = nextRefreshAt ?: return 0
        return (next - clock.now()).coerceAtLeast(0)
    }

    private fun refresh() {
        val now = clock.now()
        val code = try {
            make(now)
        } catch (e: Exception) {
            synchronized(lock) { current = null }
            onError(e)
            scheduleNext(now, periodSeconds)
            return
        }
        synchronized(lock) {
            if (!running) return
            current = code
        }
        onCode(code)
        scheduleNext(now, delayFor(code, now))
    }

    /** Seconds until the code made at [now] must be replaced. */
    internal fun delayFor(code: C, now: Long): Long {
        val limit = expiresAt(code) ?: return periodSeconds
        val untilExpiry = limit - marginSeconds - now
        return untilExpiry.coerceIn(MIN_DELAY_SECONDS, periodSeconds)
    }

    private fun scheduleNext(now: Long, delay: Long) {
        synchronized(lock) {
            if (!running) return
            nextRefreshAt = now + delay
            pending = scheduler.schedule(delay) { if (isRunning) refresh() }
        }
    }

    companion object {
        /** How often the wallet screen renews its code. */
        const val DEFAULT_PERIOD_SECONDS = 30L

        /** Renew this long before a code's own expiry, for the scan to finish. */
        const val DEFAULT_MARGIN_SECONDS = 5L

        /** Never spin: at least this long between two codes. */
        const val MIN_DELAY_SECONDS = 1L
    }
}
