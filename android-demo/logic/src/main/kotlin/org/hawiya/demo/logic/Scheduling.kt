package org.hawiya.demo.logic

import kotlinx.coroutines.asCoroutineDispatcher

/**
 * The time source of the demo's logic, in Unix seconds. The app passes the
 * system clock; tests pass a clock they move by hand, so no rule here ever
 * reads the time by itself.
 */
fun interface AppClock {
    /** The current time, Unix seconds. */
    fun now(): Long
}

/** Something scheduled that can be called off. Cancelling twice is harmless. */
fun interface Cancellable {
    /** Stops the task from running if it has not run yet. */
    fun cancel()
}

/**
 * Runs a task once after a delay. The app implements it on the main thread's
 * Handler (so the task may touch the UI state); tests implement it with a
 * virtual clock they advance by hand.
 */
fun interface Scheduler {
    /** Runs [task] once, [delaySeconds] from now (0 = as soon as possible). */
    fun schedule(delaySeconds: Long, task: () -> Unit): Cancellable
}

/** The operating system's clock. */
object SystemClock : AppClock {
    override fun now(): Long = System.currentTimeMillis() / 1000
}

/**
 * A [Scheduler] on one background thread: the app runs every wallet call
 * there (unlocking waits for the biometric prompt, and must not block the UI
 * thread), including the QR refreshes, so wallet calls never overlap.
 *
 * Every task runs inside a catch of [Throwable]: an executor would otherwise
 * swallow it silently (a native-library load failure is an `Error`, not an
 * `Exception`), leaving the screen waiting for ever. [onError] gets it (the
 * app shows it, [WalletController.failedState]) and the thread goes on
 * serving the next task.
 */
class ExecutorScheduler(
    private val onError: (Throwable) -> Unit,
    private val executor: java.util.concurrent.ScheduledExecutorService =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor { task ->
            Thread(task, "hawiya-wallet").apply { isDaemon = true }
        },
) : Scheduler {
    override fun schedule(delaySeconds: Long, task: () -> Unit): Cancellable {
        val future = executor.schedule(Runnable { guarded(task) }, delaySeconds, java.util.concurrent.TimeUnit.SECONDS)
        return Cancellable { future.cancel(false) }
    }

    /**
     * The same thread as a coroutine dispatcher: the wallet screen's live QR
     * waits on it between codes (WalletController).
     */
    val dispatcher: kotlinx.coroutines.CoroutineDispatcher = executor.asCoroutineDispatcher()

    /** Runs [task] on the wallet thread as soon as possible. */
    fun run(task: () -> Unit) {
        executor.execute { guarded(task) }
    }

    private fun guarded(task: () -> Unit) {
        try {
            task()
        } catch (e: Throwable) {
            try {
                onError(e)
            } catch (ignored: Throwable) {
                // Nothing left to tell; keep the thread alive.
            }
        }
    }

    /** Stops the thread (the app is closing). */
    fun shutdown() {
        executor.shutdownNow()
    }
}
