package org.hawiya.demo.logic

import hawiya.ffi.Person
import java.time.LocalDate
import kotlin.test.assertEquals
import kotlin.test.assertFalse
import kotlin.test.assertNull
import kotlin.test.assertTrue

class FormattingTests : Suite() {
    init {
        test("Hijri dates match the Umm al-Qura vectors, month ends included") {
            val text = repoFile("docs/hijri-vectors.json").readText()
            val pairs = Regex("""\["(\d{4}-\d{2}-\d{2})",\s*"(\d{4}-\d{2}-\d{2})",\s*(true|false)]""").findAll(text)
                .map { it.groupValues[1] to it.groupValues[2] }.toList()
            assertTrue(pairs.size >= 200, "read ${pairs.size} pairs")
            val wrong = pairs.filter { (hijri, greg) -> Formatting.hijri(LocalDate.parse(greg)) != hijri }
            assertEquals(emptyList(), wrong)
        }

        test("both calendars side by side; Gregorian only outside the Hijri table") {
            assertEquals("2019-08-31 · 1441-01-01 هـ", Formatting.bothCalendars(LocalDate.of(2019, 8, 31)))
            assertNull(Formatting.hijri(LocalDate.of(1800, 1, 1)))
            assertEquals("1800-01-01", Formatting.bothCalendars(LocalDate.of(1800, 1, 1)))
        }

        test("log times are local to the phone's time zone") {
            val riyadh = java.util.TimeZone.getTimeZone("Asia/Riyadh")
            assertEquals("2025-11-26 03:00", Formatting.minute(1_764_115_200, riyadh))
            assertEquals("2025-11-26 00:00", Formatting.minute(1_764_115_200, Formatting.utc))
        }

        test("Arabic text is recognised for right-to-left display") {
            assertTrue(CardFormatter.isArabic("الرياض"))
            assertFalse(CardFormatter.isArabic("Riyadh"))
            assertFalse(CardFormatter.isArabic("1098765432"))
        }

        test("the holder's card: names, fields in card order, dates in both calendars") {
            val fx = DemoFixture()
            val details = fx.demo.wallet.show(DemoData.HOLDER_NUMBER.toULong())
            val card = CardFormatter(Formatting.utc).card(details, fx.clock.now())
            assertEquals(Words("الهوية الوطنية", "National ID"), card.title)
            assertEquals("محمد عبدالله القحطاني", card.nameAr)
            assertEquals("Mohammed Abdullah Alqahtani", card.nameEn)
            assertEquals(
                listOf("ID number", "Date of birth", "Sex", "Nationality", "Place of birth", "Issue date", "Expiry date", "Age 18 or over", "Age 21 or over"),
                card.fields.map { it.label.en },
            )
            val byLabel = card.fields.associateBy { it.label.en }
            // The conversion itself is checked against the Umm al-Qura vectors above.
            val hijri = Formatting.hijri(java.time.LocalDate.of(1988, 3, 14))
            assertTrue(hijri != null && hijri.startsWith("1408-07-"))
            assertEquals("1988-03-14 · $hijri هـ", byLabel.getValue("Date of birth").value)
            assertEquals("ذكر / Male", byLabel.getValue("Sex").value)
            assertEquals("1098765432", byLabel.getValue("ID number").value)
            assertTrue(byLabel.getValue("Place of birth").rightToLeft)
            assertFalse(byLabel.getValue("ID number").rightToLeft)
            assertNull(card.notice)
            assertNull(card.portrait)
        }

        test("an expired document says so on its card and in the list") {
            val fx = DemoFixture()
            val details = fx.demo.wallet.show(DemoData.HOLDER_NUMBER.toULong())
            val later = details.summary.expiresAt + 1
            val cards = CardFormatter(Formatting.utc)
            assertEquals(Tone.BAD, cards.card(details, later).notice?.tone)
            assertTrue(cards.row(details.summary, later).expired)
            assertFalse(cards.row(details.summary, fx.clock.now()).expired)
        }

        test("people: the holder first, the dependent named under the guardian") {
            val fx = DemoFixture()
            val people = PeopleGrouping(CardFormatter(Formatting.utc)).group(fx.demo.wallet.people(), fx.clock.now())
            assertEquals(listOf(Words("محمد عبدالله القحطاني", "Mohammed Abdullah Alqahtani")), people.holders.map { it.name })
            assertNull(people.holders[0].relation)
            assertEquals(1, people.dependents.size)
            val child = people.dependents[0]
            assertEquals("Sara Mohammed Alqahtani", child.name.en)
            assertEquals(Words("تابع لـ محمد عبدالله القحطاني", "Dependent of Mohammed Abdullah Alqahtani"), child.relation)
            assertEquals(listOf(DemoData.HOLDER_NUMBER, DemoData.CHILD_NUMBER), people.allDocuments.map { it.number })
            assertEquals("National ID 1123456789", child.documents[0].title.en)
        }

        test("a dependent whose guardian's document is not in the wallet is named by the guardian's number") {
            val fx = DemoFixture()
            val child = fx.demo.wallet.people().single { it.isDependent }
            val alone: List<Person> = listOf(child)
            val people = PeopleGrouping(CardFormatter(Formatting.utc)).group(alone, fx.clock.now())
            assertTrue(people.holders.isEmpty())
            assertEquals("Dependent of the holder of ID ${DemoData.HOLDER_NUMBER}", people.dependents[0].relation?.en)
        }
    }
}
