// A plain Kotlin program using the hawiya JVM library (hawiya-jvm-VERSION.jar):
// the Kotlin twin of VerifyCode.java, through the idiomatic wrapper (package
// hawiya). Outside the repository's source sets on purpose:
// scripts/test-jvm-jar.sh copies it to a temporary folder and compiles it with
// `kotlinc -cp hawiya-jvm.jar:jna.jar` alone.
//
//   kotlin -cp verify.jar:hawiya-jvm.jar:jna.jar VerifyCodeKt ROOT_PUB TRUST_LIST STATUS_LIST CODE_FILE
//
// Exit status: 0 accepted, 1 rejected, 2 the inputs could not be read.
import hawiya.ffi.TrustList
import hawiya.ffi.VerifyException
import hawiya.ffi.libraryVersion
import hawiya.verifier
import java.io.File
import java.io.IOException
import kotlin.system.exitProcess

/** The 32 bytes of a root public key: 64 hex digits, bare or as JSON "public_key". */
fun rootKey(text: String): ByteArray {
    val hex = Regex("\\b([0-9a-fA-F]{64})\\b").find(text)?.groupValues?.get(1)
        ?: throw IllegalArgumentException("no 64-hex-digit root public key found")
    return ByteArray(32) { i -> hex.substring(2 * i, 2 * i + 2).toInt(16).toByte() }
}

fun main(args: Array<String>) {
    if (args.size != 4) {
        System.err.println("usage: VerifyCodeKt ROOT_PUB TRUST_LIST STATUS_LIST CODE_FILE")
        exitProcess(2)
    }
    val verdict = try {
        val trust = TrustList.fromSigned(File(args[1]).readBytes(), rootKey(File(args[0]).readText()))
        // The QR text exactly as scanned, one trailing line ending removed (FORMAT.md §6.1).
        val code = File(args[3]).readText().replaceFirst(Regex("\r?\n$"), "")
        verifier(trust).use { v ->
            v.addStatusList(File(args[2]).readBytes())
            v.verify(code, null)
        }
    } catch (e: IOException) {
        System.err.println("VerifyCode.kt: ${e.message}")
        exitProcess(2)
    } catch (e: IllegalArgumentException) {
        System.err.println("VerifyCode.kt: ${e.message}")
        exitProcess(2)
    } catch (e: VerifyException) {
        System.err.println("VerifyCode.kt: ${e.message}")
        exitProcess(2)
    }
    println("hawiya ${libraryVersion()} (Kotlin)")
    if (verdict.accepted) {
        println("ACCEPTED (${verdict.assurance}): ${verdict.documentType}, ${verdict.claims.size} claims")
        exitProcess(0)
    }
    println("REJECTED:" + verdict.failures.joinToString("") { " [${it.code}] ${it.message}" })
    exitProcess(1)
}
