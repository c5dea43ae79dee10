package org.hawiya.demo.logic

import hawiya.ffi.KeySource
import hawiya.ffi.KeySourceException
import hawiya.keysource.Authorization
import hawiya.keysource.CipherAuthenticator
import hawiya.keysource.DataKeyWrapper
import hawiya.keysource.KeyUse
import hawiya.keysource.PlatformKeySource
import hawiya.keysource.WrappingKey
import java.io.File
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.resume
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Delay
import kotlinx.coroutines.InternalCoroutinesApi
import java.nio.file.Files
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import kotlin.system.exitProcess

/**
 * A small test runner (kotlin-test assertions, no JUnit): each suite
 * registers named tests; [main] runs them all, prints one line per test and
 * ends with `android-logic: N passed, M failed`. Exit status 1 on any failure.
 */
abstract class Suite {
    val tests = mutableListOf<Pair<String, () -> Unit>>()

    fun test(name: String, body: () -> Unit) {
        tests += name to body
    }
}

fun main(args: Array<String>) {
    val suites = listOf(
        WalletThreadTests(),
        DisclosureTests(),
        FormattingTests(),
        LogFormatterTests(),
        VerdictWordsTests(),
        WalletControllerTests(),
        VerifierControllerTests(),
        VerifierMemoryTests(),
        DemoDataTests(),
        RootKeyFileTests(),
    )
    val filter = args.firstOrNull()
    var passed = 0
    var failed = 0
    for (suite in suites) {
        for ((name, body) in suite.tests) {
            val full = "${suite.javaClass.simpleName}: $name"
            if (filter != null && !full.contains(filter)) continue
            try {
                body()
                passed++
                println("ok      $full")
            } catch (e: Throwable) {
                failed++
                println("FAILED  $full\n        $e")
                e.stackTrace.take(6).forEach { println("          at $it") }
            }
        }
    }
    println("android-logic: $passed passed, $failed failed")
    exitProcess(if (failed == 0) 0 else 1)
}

/** A clock the test moves by hand. */
class ManualClock(var time: Long = 1_790_000_000L) : AppClock {
    override fun now(): Long = time
}

/**
 * A coroutine dispatcher on virtual time: what is dispatched runs at once on
 * the test's thread (after what is already running); what waits (`delay`)
 * runs when [advance] passes its time, in time order, moving [clock] along.
 * The wallet screen's live QR waits on it, so its timing is tested exactly.
 */
@OptIn(InternalCoroutinesApi::class)
class VirtualScheduler(private val clock: ManualClock) : CoroutineDispatcher(), Delay {
    private class Task(val atMillis: Long, val seq: Long, val body: Runnable) {
        @Volatile var cancelled = false
    }

    private val queue = mutableListOf<Task>()
    private var seq = 0L
    private var millis = 0L // within the clock's current second
    private var running = false

    private fun nowMillis() = clock.time * 1000 + millis

    override fun dispatch(context: CoroutineContext, block: Runnable) {
        queue += Task(nowMillis(), seq++, block)
        runDue(nowMillis())
    }

    override fun scheduleResumeAfterDelay(timeMillis: Long, continuation: CancellableContinuation<Unit>) {
        val task = Task(nowMillis() + timeMillis.coerceAtLeast(0), seq++, Runnable { continuation.resume(Unit) })
        queue += task
        continuation.invokeOnCancellation { task.cancelled = true }
    }

    /** Waits that have not run yet (not cancelled). */
    val pending: Int get() = queue.count { !it.cancelled }

    /** Moves time forward by [seconds], running every task that falls due. */
    fun advance(seconds: Long) {
        val end = nowMillis() + seconds * 1000
        runDue(end)
        clock.time = end / 1000
        millis = end % 1000
    }

    private fun runDue(until: Long) {
        if (running) return
        running = true
        try {
            while (true) {
                val next = queue.filter { !it.cancelled && it.atMillis <= until }
                    .minWithOrNull(compareBy({ it.atMillis }, { it.seq })) ?: break
                queue.remove(next)
                if (next.atMillis > nowMillis()) {
                    clock.time = next.atMillis / 1000
                    millis = next.atMillis % 1000
                }
                next.body.run()
            }
            queue.removeAll { it.cancelled }
        } finally {
            running = false
        }
    }
}

/**
 * An AES key in memory standing in for the Android Keystore key;
 * [invalidated] makes it behave as after a new biometric enrolment.
 */
class MemoryWrappingKey : WrappingKey {
    private var key: SecretKey? = null
    var deleted = false
    @Volatile var invalidated = false

    override fun key(): SecretKey {
        if (invalidated) throw InvalidatedForTest()
        return key ?: KeyGenerator.getInstance("AES").apply { init(256) }.generateKey().also { key = it }
    }

    override fun delete() {
        key = null
        deleted = true
        invalidated = false
    }

    override fun isInvalidation(error: Throwable): Boolean = error is InvalidatedForTest
}

/** The JVM stand-in for KeyPermanentlyInvalidatedException. */
class InvalidatedForTest : java.security.InvalidKeyException("Key permanently invalidated")

/** A biometric prompt that answers what the test says. */
class ScriptedAuthenticator(var answer: Authorization = Authorization.Approved) : CipherAuthenticator {
    var asked = 0
    val uses = mutableListOf<KeyUse>()

    override fun authorize(cipher: Cipher, purpose: KeyUse): Authorization {
        asked++
        uses += purpose
        return answer
    }
}

/**
 * The SDK's key source, with a switch that makes unwraps report a wrong
 * secret: the Keystore key source never does (the platform throttles wrong
 * fingers itself), but other key sources may, and the wallet screen must
 * word the wallet's own throttling and lockout.
 */
class TestKeySource(val platform: PlatformKeySource) : KeySource {
    @Volatile var rejecting = false

    override fun wrap(dataKey: ByteArray): ByteArray = platform.wrap(dataKey)

    override fun unwrap(wrapped: ByteArray): ByteArray {
        if (rejecting) throw KeySourceException.Rejected()
        return platform.unwrap(wrapped)
    }
}

/** A fresh empty folder, deleted when the JVM exits. */
fun tempFolder(): File = Files.createTempDirectory("hawiya-android-logic").toFile().also { dir ->
    Runtime.getRuntime().addShutdownHook(Thread { dir.deleteRecursively() })
}

/** The demo wallet in a fresh folder, with a software key source, at [clock]. */
class DemoFixture(val clock: ManualClock = ManualClock()) {
    val folder = tempFolder()
    val wrappingKey = MemoryWrappingKey()
    val authenticator = ScriptedAuthenticator()
    val platformKeySource = PlatformKeySource(DataKeyWrapper(wrappingKey, authenticator))
    val keySource = TestKeySource(platformKeySource)
    val demo = DemoData.openOrCreate(folder, keySource, clock)
    val scheduler = VirtualScheduler(clock)

    fun controller() = WalletController(demo.wallet, keySource, clock, scheduler, Formatting.utc, platformKeySource)
}

/** The repository's root (tests run from it, or below it). */
fun repoFile(path: String): File {
    var dir: File? = File("").absoluteFile
    while (dir != null) {
        val f = File(dir, path)
        if (f.exists()) return f
        dir = dir.parentFile
    }
    error("$path not found above ${File("").absolutePath}")
}
