package org.hawiya.demo.logic

import java.io.File
import kotlin.test.assertContentEquals
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertTrue

class RootKeyFileTests : Suite() {
    /** The key of the test vectors' root secret 01…01, as docs/FORMAT.md §2.1 shows it. */
    private val vectorsRootHex = "8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c"

    private fun hexBytes(hex: String) = ByteArray(hex.length / 2) { hex.substring(2 * it, 2 * it + 2).toInt(16).toByte() }

    private fun refused(text: String) = refused(text.toByteArray(Charsets.UTF_8))

    private fun refused(bytes: ByteArray) {
        assertFailsWith<RootKeyFileException>(bytes.toString(Charsets.UTF_8)) { RootKeyFile.read(bytes) }
    }

    init {
        test("the demo keeps root.pub in the one root key file form and its verifier reads it") {
            val fx = DemoFixture()
            val text = File(fx.folder, "root.pub").readText()
            val compact = text.filterNot { it.isWhitespace() }
            assertTrue(Regex("""\{"kind":"root","public_key":"[0-9a-f]{64}"\}""").matches(compact), text)
            assertEquals(32, RootKeyFile.read(text.toByteArray()).size)
            val phone = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), hawiya.ffi.Disclosure.Full, null)
            assertTrue(fx.demo.verifier().verify(phone.qrText, null).accepted)
        }

        test("reads the example of docs/FORMAT.md §2.1, and writes what it reads") {
            val format = repoFile("docs/FORMAT.md").readText()
            val section = format.substringAfter("### 2.1 The root public key file")
            val example = section.substringAfter("```json\n").substringBefore("```")
            assertContentEquals(hexBytes(vectorsRootHex), RootKeyFile.read(example.toByteArray()))
            val written = RootKeyFile.write(hexBytes(vectorsRootHex))
            assertEquals(example, written.toString(Charsets.UTF_8))
            assertContentEquals(hexBytes(vectorsRootHex), RootKeyFile.read(written))
        }

        test("any JSON spelling of the same object is read: member order, whitespace, escapes") {
            val key = hexBytes(vectorsRootHex)
            for (text in listOf(
                """{"public_key":"$vectorsRootHex","kind":"root"}""",
                " \t\r\n{ \"kind\" : \"root\" ,\n\"public_key\":\"$vectorsRootHex\" } \n",
                """{"\u006bind":"r\u006f\u006Ft","public_\u006bey":"$vectorsRootHex"}""",
            )) {
                assertContentEquals(key, RootKeyFile.read(text.toByteArray()), text)
            }
        }

        test("anything else is refused") {
            val hex = vectorsRootHex
            refused(hexBytes(hex)) // the 32 raw bytes earlier demos wrote
            refused(hex)
            refused("""{"kind":"root","public_key":"${hex.uppercase()}"}""")
            refused("""{"kind":"root","public_key":"${hex.dropLast(2)}"}""")
            refused("""{"kind":"root","public_key":"${hex}00"}""")
            refused("""{"kind":"issuer","public_key":"$hex"}""")
            refused("""{"kind":"device","public_key":"$hex"}""")
            refused("""{"kind":"issuer","public_key":"$hex","issuer":{"kid":"01","name":"x","status_uri":"y"}}""")
            refused("""{"kind":"root","public_key":"$hex","note":"x"}""")
            refused("""{"kind":"root","kind":"root","public_key":"$hex"}""")
            refused("""{"kind":"root"}""")
            refused("""{"public_key":"$hex"}""")
            refused("{}")
            refused("")
            refused("""{"kind":"root","public_key":"$hex"}{}""")
            refused("""{"kind":"root","public_key":"$hex"} x""")
            refused("""{"kind":"root","public_key":"$hex",}""")
            refused("""{"kind":"root","public_key":"$hex"""")
            refused("""["root","$hex"]""")
            refused("""{"kind":"root","public_key":["$hex"]}""")
            refused("""{'kind':'root','public_key':'$hex'}""")
            refused("""{"kind":"\ud800","public_key":"$hex"}""")
            refused("\uFEFF{\"kind\":\"root\",\"public_key\":\"$hex\"}")
            refused(byteArrayOf(0xC3.toByte(), 0x28) + """{"kind":"root","public_key":"$hex"}""".toByteArray())
            val padded = """{"kind":"root","public_key":"$hex"}""" + " ".repeat(4096)
            refused(padded)
            assertContentEquals(hexBytes(hex), RootKeyFile.read(padded.take(4096).toByteArray()))
        }

        test("a demo folder from an earlier version, with root.pub as raw bytes, is upgraded on open") {
            val fx = DemoFixture()
            val root = File(fx.folder, "root.pub")
            val key = RootKeyFile.read(root.readBytes())
            fx.demo.wallet.close()
            root.writeBytes(key)
            val again = DemoData.openOrCreate(fx.folder, fx.keySource, fx.clock)
            assertContentEquals(RootKeyFile.write(key), root.readBytes())
            again.wallet.unlockWithKeySource(fx.keySource)
            val text = again.wallet.present(DemoData.HOLDER_NUMBER.toULong(), hawiya.ffi.Disclosure.Full, null).qrText
            assertTrue(again.verifier().verify(text, null).accepted)
            again.wallet.close()
        }

        test("a root.pub in another form is refused by the verifier, not pinned") {
            val fx = DemoFixture()
            val root = File(fx.folder, "root.pub")
            root.writeText(RootKeyFile.read(root.readBytes()).joinToString("") { "%02x".format(it) })
            assertFailsWith<RootKeyFileException> { fx.demo.verifier() }
        }
    }
}
