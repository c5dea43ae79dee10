package org.hawiya.demo.logic

import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

/** A code made at a time, expiring at another. */
private data class FakeCode(val madeAt: Long, val expiresAt: Long?)

class QrRefresherTests : Suite() {
    private class Rig(lifetime: Long? = 120, var failing: Boolean = false) {
        val clock = ManualClock(1_000)
        val scheduler = VirtualScheduler(clock)
        val shown = mutableListOf<FakeCode>()
        val errors = mutableListOf<Throwable>()
        val refresher = QrRefresher(
            clock = clock,
            scheduler = scheduler,
            make = { now ->
                if (failing) throw IllegalStateException("locked")
                FakeCode(now, lifetime?.let { now + it })
            },
            expiresAt = { it.expiresAt },
            onCode = { shown += it },
            onError = { errors += it },
        )
    }

    init {
        test("start shows a code at once and schedules the next 30 s later") {
            val rig = Rig()
            rig.refresher.start()
            assertEquals(listOf(FakeCode(1_000, 1_120)), rig.shown)
            assertEquals(1_030, rig.refresher.nextRefreshAt)
            assertEquals(30, rig.refresher.secondsLeft())
            assertEquals(1, rig.scheduler.pending)
        }

        test("a new code every 30 seconds while running") {
            val rig = Rig()
            rig.refresher.start()
            rig.scheduler.advance(300)
            assertEquals((0..10).map { 1_000L + 30 * it }, rig.shown.map { it.madeAt })
            assertEquals(rig.shown.last(), rig.refresher.current)
        }

        test("the countdown goes down with the clock") {
            val rig = Rig()
            rig.refresher.start()
            rig.scheduler.advance(12)
            assertEquals(18, rig.refresher.secondsLeft())
        }

        test("a code that expires before the period is replaced before it expires") {
            val rig = Rig(lifetime = 20)
            rig.refresher.start()
            // 20 s lifetime minus the 5 s margin for the scan.
            assertEquals(1_015, rig.refresher.nextRefreshAt)
            rig.scheduler.advance(45)
            assertEquals(listOf(1_000L, 1_015L, 1_030L, 1_045L), rig.shown.map { it.madeAt })
            assertTrue(rig.shown.zipWithNext().all { (a, b) -> b.madeAt < a.expiresAt!! })
        }

        test("a code without expiry (printable) is renewed on the period") {
            val rig = Rig(lifetime = null)
            rig.refresher.start()
            assertEquals(1_030, rig.refresher.nextRefreshAt)
        }

        test("an already expired code never makes the refresher spin") {
            val rig = Rig(lifetime = 0)
            rig.refresher.start()
            rig.scheduler.advance(10)
            assertEquals(11, rig.shown.size, "one code per second at most")
        }

        test("stop cancels the next refresh and forgets the code") {
            val rig = Rig()
            rig.refresher.start()
            rig.refresher.stop()
            rig.scheduler.advance(600)
            assertEquals(1, rig.shown.size)
            assertNull(rig.refresher.current)
            assertNull(rig.refresher.nextRefreshAt)
            assertEquals(0, rig.refresher.secondsLeft())
            assertFalse(rig.refresher.isRunning)
        }

        test("refreshNow replaces the code and restarts the period") {
            val rig = Rig()
            rig.refresher.start()
            rig.scheduler.advance(10)
            rig.refresher.refreshNow()
            assertEquals(listOf(1_000L, 1_010L), rig.shown.map { it.madeAt })
            assertEquals(1_040, rig.refresher.nextRefreshAt)
            assertEquals(1, rig.scheduler.pending, "the old refresh was cancelled")
            rig.scheduler.advance(30)
            assertEquals(listOf(1_000L, 1_010L, 1_040L), rig.shown.map { it.madeAt })
        }

        test("refreshNow does nothing when stopped") {
            val rig = Rig()
            rig.refresher.refreshNow()
            assertTrue(rig.shown.isEmpty())
            assertEquals(0, rig.scheduler.pending)
        }

        test("a failure is reported, the code cleared, and the refresher tries again a period later") {
            val rig = Rig()
            rig.refresher.start()
            rig.failing = true
            rig.scheduler.advance(30)
            assertEquals(1, rig.errors.size)
            assertNull(rig.refresher.current)
            assertTrue(rig.refresher.isRunning)
            rig.failing = false
            rig.scheduler.advance(30)
            assertEquals(listOf(1_000L, 1_060L), rig.shown.map { it.madeAt })
        }

        test("invalid settings are refused") {
            val clock = ManualClock()
            val failure = runCatching {
                QrRefresher<String>(clock, VirtualScheduler(clock), { "x" }, { null }, {}, periodSeconds = 0)
            }
            assertTrue(failure.exceptionOrNull() is IllegalArgumentException)
        }

        test("the executor scheduler runs tasks on its thread and honours cancel") {
            val scheduler = ExecutorScheduler(onError = { throw AssertionError("unexpected", it) })
            try {
                val ran = java.util.concurrent.CountDownLatch(1)
                var thread = ""
                scheduler.schedule(0) {
                    thread = Thread.currentThread().name
                    ran.countDown()
                }
                assertTrue(ran.await(5, java.util.concurrent.TimeUnit.SECONDS))
                assertEquals("hawiya-wallet", thread)
                var cancelledRan = false
                scheduler.schedule(1) { cancelledRan = true }.cancel()
                Thread.sleep(1_300)
                assertFalse(cancelledRan)
            } finally {
                scheduler.shutdown()
            }
        }
    }
}
