package org.hawiya.demo.logic

import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertIs
import kotlin.test.assertTrue

class WalletThreadTests : Suite() {
    init {
        test("an Error on the wallet thread reaches onError, and the thread serves the next task") {
            val errors = mutableListOf<Throwable>()
            val reported = CountDownLatch(2)
            val thread = ExecutorScheduler(onError = { synchronized(errors) { errors += it }; reported.countDown() })
            try {
                // What a missing libhawiya_ffi.so throws when JNA loads it.
                thread.run { throw UnsatisfiedLinkError("Unable to load library 'hawiya_ffi'") }
                thread.schedule(0) { throw IllegalStateException("a bug in a refresh") }
                assertTrue(reported.await(5, TimeUnit.SECONDS), "both failures reported")
                val next = CountDownLatch(1)
                thread.run { next.countDown() }
                assertTrue(next.await(5, TimeUnit.SECONDS), "the thread still runs tasks")
                assertIs<UnsatisfiedLinkError>(errors[0])
                assertIs<IllegalStateException>(errors[1])
            } finally {
                thread.shutdown()
            }
        }

        test("a library load failure shows as a message with Unlock enabled, never a spinner") {
            val state = WalletController.failedState(UnsatisfiedLinkError("Unable to load library 'hawiya_ffi'"))
            assertFalse(state.busy, "Unlock stays enabled to try again")
            assertEquals(Tone.BAD, state.notice?.tone)
            val en = state.notice!!.words.en
            assertTrue(en.contains("wallet library could not be loaded") && en.contains("UnsatisfiedLinkError"), en)
            assertTrue(state.notice!!.words.ar.isNotEmpty())
            // Also a class missing at run time (JNA itself absent).
            assertTrue(WalletController.failedState(NoClassDefFoundError("com/sun/jna/Native")).notice!!.words.en.contains("Reinstall"))
        }
    }
}
