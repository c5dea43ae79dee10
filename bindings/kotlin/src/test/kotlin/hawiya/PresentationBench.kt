// The bindings' overhead: N presentations made from Kotlin through the
// bindings against the same N made inside Rust (rustPresentationBenchmark,
// the same code path without crossing the FFI), interleaved in rounds in one
// process so both see the same machine state. Prints the ratio.
@file:JvmName("PresentationBench")

package hawiya

import hawiya.ffi.Disclosure
import hawiya.ffi.rustPresentationBenchmark

fun main(args: Array<String>) {
    val perRound = args.getOrNull(0)?.toInt() ?: 200
    val rounds = args.getOrNull(1)?.toInt() ?: 5
    val issuer = testIssuer()
    val trust = issuer.trustList(1UL, NOW)
    keySourceWallet("bench").use { wallet ->
        wallet.importCredential(issueTo(wallet, issuer), trust)
        val disclosure = Disclosure.Identity
        // Warm-up: JIT, SQLite page cache.
        repeat(50) { wallet.present(NUMBER, disclosure, null) }
        rustPresentationBenchmark(wallet, NUMBER, disclosure, 50u)
        wallet.clearPresentationLog()
        val ratios = mutableListOf<Double>()
        var kotlinTotal = 0L
        var rustTotal = 0L
        repeat(rounds) {
            val start = System.nanoTime()
            repeat(perRound) { wallet.present(NUMBER, disclosure, null) }
            val kotlin = System.nanoTime() - start
            val rust = rustPresentationBenchmark(wallet, NUMBER, disclosure, perRound.toUInt()).totalNanos.toLong()
            wallet.clearPresentationLog()
            kotlinTotal += kotlin
            rustTotal += rust
            ratios += kotlin.toDouble() / rust.toDouble()
        }
        val n = perRound * rounds
        val median = ratios.sorted()[ratios.size / 2]
        println("presentations: $rounds rounds x $perRound (Identity disclosure, QR matrix + SVG included)")
        println("kotlin: %.1f us per presentation".format(kotlinTotal / 1_000.0 / n))
        println("rust:   %.1f us per presentation".format(rustTotal / 1_000.0 / n))
        println("difference: %.1f us per presentation".format((kotlinTotal - rustTotal) / 1_000.0 / n))
        println("overhead ratio kotlin/rust: %.3f (median of rounds: %.3f; rounds: %s)".format(
            kotlinTotal.toDouble() / rustTotal, median, ratios.joinToString { "%.3f".format(it) }))
    }
    trust.close()
    issuer.close()
}
