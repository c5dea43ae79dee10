package org.hawiya.demo.logic

import java.nio.ByteBuffer
import java.nio.charset.CharacterCodingException
import java.nio.charset.CodingErrorAction

/** A root public key file that is not in the one accepted form (docs/FORMAT.md §2.1). */
class RootKeyFileException(message: String) :
    Exception("not a root public key file: $message (see docs/FORMAT.md §2.1)")

/**
 * The root public key file of docs/FORMAT.md §2.1, the one form in which a
 * verifier's pinned root key is kept on disk, the same form
 * `hawiya issuer root-key` writes and `hawiya verify --root-key` reads:
 *
 * ```json
 * {
 *   "kind": "root",
 *   "public_key": "<64 lowercase hexadecimal digits>"
 * }
 * ```
 *
 * [read] accepts exactly that and refuses everything else: raw key bytes,
 * bare or upper-case hex, a byte order mark, another kind, missing, extra
 * or repeated members, anything after the object, more than [MAX_BYTES].
 * The key's curve checks (§1) are made by the library when the key is
 * pinned (`TrustList.fromSigned`).
 */
object RootKeyFile {
    /** The most bytes a root public key file may have. */
    const val MAX_BYTES = 4096

    /** The length of an Ed25519 public key, in bytes. */
    const val KEY_BYTES = 32

    /** [key] (32 bytes) as a root public key file, UTF-8. */
    fun write(key: ByteArray): ByteArray {
        require(key.size == KEY_BYTES) { "a root public key has $KEY_BYTES bytes, not ${key.size}" }
        val hex = key.joinToString("") { "%02x".format(it.toInt() and 0xff) }
        return "{\n  \"kind\": \"root\",\n  \"public_key\": \"$hex\"\n}\n".toByteArray(Charsets.UTF_8)
    }

    /** The 32-byte key a root public key file holds; throws [RootKeyFileException] for anything else. */
    fun read(bytes: ByteArray): ByteArray {
        if (bytes.size > MAX_BYTES) throw RootKeyFileException("${bytes.size} bytes, more than $MAX_BYTES")
        val text = try {
            Charsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes))
                .toString()
        } catch (e: CharacterCodingException) {
            throw RootKeyFileException("not UTF-8 text")
        }
        val members = JsonObjectReader(text).readStringMembers()
        val unknown = members.keys - setOf("kind", "public_key")
        if (unknown.isNotEmpty()) throw RootKeyFileException("unexpected member ${unknown.first()}")
        val kind = members["kind"] ?: throw RootKeyFileException("no \"kind\" member")
        if (kind != "root") throw RootKeyFileException("kind is \"$kind\", not \"root\"")
        val hex = members["public_key"] ?: throw RootKeyFileException("no \"public_key\" member")
        if (hex.length != 2 * KEY_BYTES || !hex.all { it in '0'..'9' || it in 'a'..'f' }) {
            throw RootKeyFileException("public_key must be ${2 * KEY_BYTES} lowercase hex digits")
        }
        return ByteArray(KEY_BYTES) { hex.substring(2 * it, 2 * it + 2).toInt(16).toByte() }
    }
}

/**
 * Reads one JSON object (RFC 8259) whose members all have string values,
 * with nothing around it but JSON whitespace; refuses repeated members and
 * any other JSON.
 */
private class JsonObjectReader(private val text: String) {
    private var at = 0

    fun readStringMembers(): Map<String, String> {
        val members = LinkedHashMap<String, String>()
        skipSpace()
        expect('{')
        skipSpace()
        if (peek() == '}') {
            at++
        } else {
            while (true) {
                skipSpace()
                val name = readString()
                skipSpace()
                expect(':')
                skipSpace()
                if (peek() != '"') throw RootKeyFileException("the value of \"$name\" is not a string")
                val value = readString()
                if (members.put(name, value) != null) throw RootKeyFileException("member \"$name\" repeated")
                skipSpace()
                when (next()) {
                    ',' -> continue
                    '}' -> break
                    else -> fail("expected , or } at character ${at - 1}")
                }
            }
        }
        skipSpace()
        if (at != text.length) fail("text after the object at character $at")
        return members
    }

    private fun readString(): String {
        expect('"')
        val out = StringBuilder()
        while (true) {
            val c = next()
            when {
                c == '"' -> return out.toString()
                c == '\\' -> out.append(readEscape())
                c < ' ' -> fail("control character in a string at character ${at - 1}")
                else -> out.append(c)
            }
        }
    }

    private fun readEscape(): String = when (val c = next()) {
        '"', '\\', '/' -> c.toString()
        'b' -> "\b"
        'f' -> "\u000c"
        'n' -> "\n"
        'r' -> "\r"
        't' -> "\t"
        'u' -> {
            val unit = readHex4()
            when {
                Character.isHighSurrogate(unit) -> {
                    if (next() != '\\' || next() != 'u') fail("lone surrogate escape")
                    val low = readHex4()
                    if (!Character.isLowSurrogate(low)) fail("lone surrogate escape")
                    String(charArrayOf(unit, low))
                }
                Character.isLowSurrogate(unit) -> fail("lone surrogate escape")
                else -> unit.toString()
            }
        }
        else -> fail("bad escape \\$c")
    }

    private fun readHex4(): Char {
        var value = 0
        repeat(4) {
            val digit = Character.digit(next(), 16)
            if (digit < 0) fail("bad \\u escape")
            value = value * 16 + digit
        }
        return value.toChar()
    }

    private fun skipSpace() {
        while (at < text.length && text[at] in " \t\n\r") at++
    }

    private fun peek(): Char? = text.getOrNull(at)

    private fun next(): Char = text.getOrNull(at++) ?: fail("the text ends early")

    private fun expect(c: Char) {
        if (next() != c) fail("expected $c at character ${at - 1}")
    }

    private fun fail(message: String): Nothing = throw RootKeyFileException("not one JSON object: $message")
}
