package org.hawiya.demo.logic

import hawiya.ffi.ClaimKey
import hawiya.ffi.Disclosure
import hawiya.ffi.DocumentType
import hawiya.ffi.LogEntry
import hawiya.ffi.Mode
import kotlin.test.assertEquals
import kotlin.test.assertTrue

class LogFormatterTests : Suite() {
    private val identity = listOf(ClaimKey.DOCUMENT_NUMBER, ClaimKey.NAME_AR, ClaimKey.NAME_EN, ClaimKey.EXPIRY_DATE)
    private var nextId = 1L

    private fun entry(at: Long, keys: List<ClaimKey> = identity, number: ULong = 1_098_765_432uL, mode: Mode = Mode.DEVICE_BOUND) =
        LogEntry(nextId++, number, DocumentType.NATIONAL_ID, keys, at, mode)

    private val t0 = 1_764_115_200L // 2025-11-26 00:00 UTC

    init {
        test("one entry: time, document, what was shown, how") {
            val rows = LogFormatter(Formatting.utc).rows(listOf(entry(t0 + 5 * 3600 + 7 * 60)))
            assertEquals(1, rows.size)
            val row = rows[0]
            assertEquals("2025-11-26 05:07", row.at)
            assertEquals(Words("الهوية الوطنية 1098765432", "National ID 1098765432"), row.document)
            assertEquals("ID number, Name (Arabic), Name, Expiry date", row.shown.en)
            assertEquals("رقم الهوية، الاسم، الاسم (بالإنجليزية)، تاريخ الانتهاء", row.shown.ar)
            assertEquals(Texts.mode(Mode.DEVICE_BOUND), row.mode)
        }

        test("codes refreshed during one showing become one line with their count") {
            val entries = (0 until 4).map { entry(t0 + 30L * it) }
            val rows = LogFormatter(Formatting.utc).rows(entries)
            assertEquals(1, rows.size)
            assertEquals("2025-11-26 00:00–00:01", rows[0].at)
            assertEquals("From this phone (live code) · 4 codes", rows[0].mode.en)
        }

        test("another document, other claims, another mode or a long pause start a new line; newest first") {
            val entries = listOf(
                entry(t0),
                entry(t0 + 30, keys = listOf(ClaimKey.AGE_OVER18)),
                entry(t0 + 60, keys = listOf(ClaimKey.AGE_OVER18), number = 1_123_456_789uL),
                entry(t0 + 90, keys = listOf(ClaimKey.AGE_OVER18), number = 1_123_456_789uL, mode = Mode.STATIC),
                entry(t0 + 500, keys = listOf(ClaimKey.AGE_OVER18), number = 1_123_456_789uL, mode = Mode.STATIC),
            )
            val rows = LogFormatter(Formatting.utc).rows(entries.shuffled(java.util.Random(5)))
            assertEquals(listOf("00:08", "00:01", "00:01", "00:00", "00:00"), rows.map { it.at.substring(11) })
            assertEquals("Printed code", rows[0].mode.en)
            assertEquals("Age 18 or over", rows[0].shown.en)
            assertEquals("National ID 1123456789", rows[2].document.en)
            assertEquals("ID number, Name (Arabic), Name, Expiry date", rows[4].shown.en)
        }

        test("a run across midnight shows both dates") {
            val rows = LogFormatter(Formatting.utc).rows(listOf(entry(t0 - 30), entry(t0 + 30)))
            assertEquals("2025-11-25 23:59–2025-11-26 00:00", rows[0].at)
        }

        test("the wallet's real log reads as expected") {
            val fx = DemoFixture()
            val wallet = fx.demo.wallet
            wallet.present(DemoData.HOLDER_NUMBER.toULong(), Disclosure.AgeOver18, null)
            fx.clock.time += 600
            wallet.presentStatic(DemoData.CHILD_NUMBER.toULong(), Disclosure.Full)
            val rows = LogFormatter(Formatting.utc).rows(wallet.presentationLog())
            assertEquals(2, rows.size)
            assertEquals("National ID ${DemoData.CHILD_NUMBER}", rows[0].document.en)
            assertEquals("Printed code", rows[0].mode.en)
            assertTrue(rows[0].shown.en.startsWith("ID number, Name (Arabic), Name, Date of birth"))
            assertEquals("Age 18 or over", rows[1].shown.en)
        }

        test("an empty log has no lines") {
            assertTrue(LogFormatter(Formatting.utc).rows(emptyList()).isEmpty())
        }
    }
}
