package org.hawiya.demo.logic

import hawiya.ffi.ClaimKey
import hawiya.ffi.Disclosure
import hawiya.ffi.DocumentType
import kotlin.test.assertEquals
import kotlin.test.assertFailsWith
import kotlin.test.assertNotNull
import kotlin.test.assertNull
import kotlin.test.assertTrue

class DisclosureTests : Suite() {
    init {
        test("the first choice is name, number and expiry") {
            val c = DisclosureChoice.initial(DocumentType.NATIONAL_ID)
            assertEquals(Preset.IDENTITY, c.preset)
            assertEquals(listOf(ClaimKey.NAME_AR, ClaimKey.NAME_EN, ClaimKey.DOCUMENT_NUMBER, ClaimKey.EXPIRY_DATE), c.shown)
            assertEquals(Disclosure.Identity, c.toDisclosure())
            assertNull(c.problem)
        }

        test("ticking an item starts a custom choice from what the preset showed") {
            val c = DisclosureChoice.initial(DocumentType.NATIONAL_ID).toggled(ClaimKey.BIRTH_DATE)
            assertEquals(Preset.CUSTOM, c.preset)
            assertEquals(
                listOf(ClaimKey.NAME_AR, ClaimKey.NAME_EN, ClaimKey.DOCUMENT_NUMBER, ClaimKey.BIRTH_DATE, ClaimKey.EXPIRY_DATE),
                c.shown,
            )
            assertEquals(Disclosure.Only(c.shown), c.toDisclosure())
            assertEquals(c.shown.toSet(), c.toggles.filter { it.shown }.map { it.claim }.toSet())
            assertEquals(DisclosureChoice.initial(DocumentType.NATIONAL_ID).shown, c.toggled(ClaimKey.BIRTH_DATE).shown)
        }

        test("unticking everything is refused with a reason") {
            var c = DisclosureChoice.initial(DocumentType.NATIONAL_ID).withPreset(Preset.AGE_18)
            c = c.toggled(ClaimKey.AGE_OVER18)
            assertTrue(c.shown.isEmpty())
            assertEquals(Texts.chooseAtLeastOne, c.problem)
            assertFailsWith<IllegalStateException> { c.toDisclosure() }
        }

        test("a national ID offers no occupation or employer; switching documents drops them") {
            val permit = DisclosureChoice.initial(DocumentType.RESIDENT_PERMIT).toggled(ClaimKey.OCCUPATION)
            assertTrue(ClaimKey.OCCUPATION in permit.shown)
            val id = permit.forDocument(DocumentType.NATIONAL_ID)
            assertTrue(ClaimKey.OCCUPATION !in id.shown)
            assertTrue(ClaimKey.EMPLOYER !in id.available)
            assertEquals(id, id.toggled(ClaimKey.OCCUPATION), "an item the document lacks cannot be ticked")
        }

        test("the sheet lists four presets with what each shows, in both languages") {
            val presets = DisclosureChoice.initial(DocumentType.NATIONAL_ID).presets
            assertEquals(listOf(Preset.FULL, Preset.IDENTITY, Preset.AGE_18, Preset.AGE_21), presets.map { it.preset })
            assertEquals(Words("العمر 18 فأكثر", "Age 18 or over"), presets[2].shows)
            assertTrue(presets.all { it.name.ar.isNotBlank() && it.name.en.isNotBlank() })
        }

        test("each preset shows exactly what the wallet discloses for it") {
            val fx = DemoFixture()
            for (preset in listOf(Preset.FULL, Preset.IDENTITY, Preset.AGE_18, Preset.AGE_21)) {
                val choice = DisclosureChoice.initial(DocumentType.NATIONAL_ID).withPreset(preset)
                val p = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), choice.toDisclosure(), null)
                assertEquals(choice.shown.toSet(), p.disclosed.toSet(), "preset $preset")
            }
        }

        test("a custom choice reaches the verifier as exactly those claims") {
            val fx = DemoFixture()
            val choice = DisclosureChoice.initial(DocumentType.NATIONAL_ID).withPreset(Preset.AGE_21)
                .toggled(ClaimKey.NATIONALITY)
            val p = fx.demo.wallet.present(DemoData.HOLDER_NUMBER.toULong(), choice.toDisclosure(), null)
            val verdict = fx.demo.verifier().verify(p.qrText, null)
            assertTrue(verdict.accepted, verdict.failures.toString())
            assertEquals(setOf(ClaimKey.AGE_OVER21, ClaimKey.NATIONALITY), verdict.claims.map { it.key }.toSet())
        }

        test("claim labels are the library's own, in both languages") {
            val fx = DemoFixture()
            val claims = fx.demo.wallet.show(DemoData.HOLDER_NUMBER.toULong()).claims
            assertTrue(claims.size >= 10)
            for (claim in claims) {
                assertEquals(Words(claim.labelAr, claim.labelEn), Texts.claim(claim.key), "label of ${claim.key}")
            }
            assertNotNull(Texts.claim(ClaimKey.OCCUPATION))
        }
    }
}
