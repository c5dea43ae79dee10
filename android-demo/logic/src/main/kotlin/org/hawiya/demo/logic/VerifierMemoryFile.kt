package org.hawiya.demo.logic

import hawiya.ffi.SeenPresentation
import hawiya.ffi.VerifierMemory
import java.io.File
import java.io.IOException

/**
 * Keeps what the verifier remembers (the newest trust list version and the
 * recently accepted codes) in a small file in the app's private folder, so a
 * code scanned before the app was killed is still caught as a replay after
 * it restarts. It holds no personal data: hashes of signatures and times.
 *
 * The format is text, one item a line:
 * ```
 * hawiya-verifier-memory 1
 * trust-list <version>
 * <64 hex digits: SHA-256 of a device signature> <presented at, Unix seconds>
 * ```
 * Saving writes a new file and renames it over the old one, so a crash never
 * leaves half a file.
 */
class VerifierMemoryFile(private val file: File) {
    /** What was saved, or null when there is nothing readable (a first start). */
    fun load(): VerifierMemory? {
        val lines = try {
            if (!file.isFile) return null
            file.readLines(Charsets.UTF_8)
        } catch (e: IOException) {
            return null
        }
        if (lines.firstOrNull() != HEADER) return null
        val version = lines.getOrNull(1)?.removePrefix("trust-list ")?.toULongOrNull() ?: return null
        val recent = lines.drop(2).filter { it.isNotBlank() }.map { line ->
            val parts = line.split(' ')
            if (parts.size != 2 || !HEX.matches(parts[0])) return null
            val at = parts[1].toLongOrNull() ?: return null
            SeenPresentation(parts[0].chunked(2).map { it.toInt(16).toByte() }.toByteArray(), at)
        }
        return VerifierMemory(version, recent)
    }

    /** Replaces the saved memory with [memory]. */
    fun save(memory: VerifierMemory) {
        val text = buildString {
            append(HEADER).append('\n')
            append("trust-list ").append(memory.trustListVersion).append('\n')
            for (seen in memory.recent) {
                seen.signatureHash.joinTo(this, "") { "%02x".format(it) }
                append(' ').append(seen.presentedAt).append('\n')
            }
        }
        val temp = File(file.parentFile, "${file.name}.new")
        temp.writeText(text, Charsets.UTF_8)
        if (!temp.renameTo(file)) {
            temp.delete()
            throw IOException("could not replace ${file.name}")
        }
    }

    private companion object {
        const val HEADER = "hawiya-verifier-memory 1"
        val HEX = Regex("[0-9a-f]{64}")
    }
}
