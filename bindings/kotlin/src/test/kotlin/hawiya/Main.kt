// Runs the Kotlin tests without a test framework beyond kotlin-test's
// assertions (no JUnit on this machine): each test is a function, a failure
// is any Throwable. Ends with "kotlin: N passed, M failed"; exits 1 on failure.
@file:JvmName("KotlinTestMain")

package hawiya

import kotlin.system.exitProcess

fun main(args: Array<String>) {
    val filter = args.firstOrNull()
    var passed = 0
    var failed = 0
    for ((name, test) in walletTests + keySourceTests + keySourceHandOverTests + asyncTests + liveTests) {
        if (filter != null && !name.contains(filter)) continue
        val started = System.nanoTime()
        try {
            test()
            passed++
            println("ok     $name (${(System.nanoTime() - started) / 1_000_000} ms)")
        } catch (e: Throwable) {
            failed++
            println("FAILED $name")
            println("       ${e::class.qualifiedName}: ${e.message}")
            e.stackTrace.take(6).forEach { println("         at $it") }
        }
    }
    println("kotlin: $passed passed, $failed failed")
    if (failed > 0) exitProcess(1)
}
