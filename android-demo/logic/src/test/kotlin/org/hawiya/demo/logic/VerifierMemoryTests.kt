package org.hawiya.demo.logic

import hawiya.ffi.Disclosure
import hawiya.ffi.SeenPresentation
import hawiya.ffi.VerifierMemory
import java.io.File
import kotlin.test.assertEquals
import kotlin.test.assertNull
import kotlin.test.assertTrue

class VerifierMemoryTests : Suite() {
    init {
        test("memory saved to the file reads back the same") {
            val file = VerifierMemoryFile(File(tempFolder(), "m.txt"))
            val memory = VerifierMemory(
                3uL,
                listOf(
                    SeenPresentation(ByteArray(32) { it.toByte() }, 1_790_000_000),
                    SeenPresentation(ByteArray(32) { (255 - it).toByte() }, -5),
                ),
            )
            file.save(memory)
            val back = file.load()!!
            assertEquals(memory.trustListVersion, back.trustListVersion)
            assertEquals(memory.recent.map { it.signatureHash.toList() to it.presentedAt }, back.recent.map { it.signatureHash.toList() to it.presentedAt })
        }

        test("no file, or a damaged one, means starting without memory") {
            val folder = tempFolder()
            val missing = VerifierMemoryFile(File(folder, "none.txt"))
            assertNull(missing.load())
            for (text in listOf("", "something else\n", "hawiya-verifier-memory 1\ntrust-list x\n", "hawiya-verifier-memory 1\ntrust-list 1\nabc 5\n", "hawiya-verifier-memory 1\ntrust-list 1\n${"0".repeat(64)} soon\n")) {
                val f = File(folder, "bad.txt").apply { writeText(text) }
                assertNull(VerifierMemoryFile(f).load(), "accepted: $text")
            }
        }

        test("a code accepted before a restart is refused as a replay after it") {
            val fx = DemoFixture()
            val text = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, null).qrText
            val before = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc, fx.demo.verifierMemory)
            before.scan(text)
            assertEquals(Tone.GOOD, before.verdict?.tone)
            // The app restarts: a new verifier from the saved memory.
            val after = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc, fx.demo.verifierMemory)
            after.scan(text)
            assertEquals(Tone.BAD, after.verdict?.tone)
            assertEquals("This exact code was already scanned. Ask for a fresh code.", after.verdict?.reasons?.single()?.en)
        }

        test("without saved memory a restarted verifier cannot tell (why the file exists)") {
            val fx = DemoFixture()
            val text = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.Identity, null).qrText
            VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc, memory = null).scan(text)
            val after = VerifierController(fx.demo.verifier(), fx.clock, Formatting.utc)
            after.scan(text)
            assertTrue(after.verdict?.tone == Tone.GOOD)
        }
    }
}
