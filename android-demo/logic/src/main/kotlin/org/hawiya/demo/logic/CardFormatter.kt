package org.hawiya.demo.logic

import hawiya.ffi.Claim
import hawiya.ffi.ClaimKey
import hawiya.ffi.ClaimValue
import hawiya.ffi.DocumentDetails
import hawiya.ffi.DocumentSummary
import hawiya.ffi.Sex
import java.util.TimeZone

/** Turns the wallet's documents into the card and list rows the screens draw. */
class CardFormatter(private val timeZone: TimeZone) {
    /**
     * The card for one document: names large, then every other claim in
     * card order, dates in both calendars, and a notice when the document
     * has expired (by [now]) or waits to be bound to this phone again.
     */
    fun card(details: DocumentDetails, now: Long): CardView {
        val byKey = details.claims.associateBy { it.key }
        val fields = DisclosureChoice.claimsOf(details.summary.documentType)
            .filter { it != ClaimKey.NAME_AR && it != ClaimKey.NAME_EN && it != ClaimKey.PORTRAIT }
            .mapNotNull { key -> byKey[key]?.let(::field) }
        val portrait = (byKey[ClaimKey.PORTRAIT]?.value as? ClaimValue.Bytes)?.v1
        return CardView(
            title = Texts.documentType(details.summary.documentType),
            nameAr = details.summary.nameAr,
            nameEn = details.summary.nameEn,
            fields = fields,
            portrait = portrait,
            notice = notice(details.summary, now),
        )
    }

    /** One claim as a card line, or null for a claim the document lacks. */
    fun field(claim: Claim): CardField? {
        val label = Texts.claim(claim.key)
        val value = value(claim.value, claim.display) ?: return null
        return CardField(label, value, rightToLeft = isArabic(value))
    }

    /** A claim value as text: dates in both calendars, yes/no and sex in both languages. */
    fun value(value: ClaimValue, display: String): String? = when (value) {
        is ClaimValue.Absent -> null
        is ClaimValue.Bool -> (if (value.v1) Texts.yes else Texts.no).let { "${it.ar} / ${it.en}" }
        is ClaimValue.Bytes -> display
        is ClaimValue.Date -> Formatting.local(value.v1)?.let(Formatting::bothCalendars) ?: display
        is ClaimValue.Number -> value.v1.toString()
        is ClaimValue.Sex -> when (value.v1) {
            Sex.MALE -> Texts.male
            Sex.FEMALE -> Texts.female
        }.let { "${it.ar} / ${it.en}" }
        is ClaimValue.Text -> value.v1
    }

    /** A document in the people list. */
    fun row(doc: DocumentSummary, now: Long): DocumentRow {
        val type = Texts.documentType(doc.documentType)
        val until = Formatting.bothCalendars(Formatting.day(doc.expiresAt, timeZone))
        return DocumentRow(
            number = doc.number.toLong(),
            title = Words("${type.ar} ${doc.number}", "${type.en} ${doc.number}"),
            subtitle = Words(
                "الإصدار ${doc.version} · صالحة حتى $until",
                "Version ${doc.version} · valid until $until",
            ),
            needsRebinding = doc.needsRebinding,
            expired = doc.expiresAt <= now,
        )
    }

    private fun notice(doc: DocumentSummary, now: Long): Notice? = when {
        doc.expiresAt <= now -> Notice(
            Tone.BAD,
            Words("انتهت صلاحية هذه الوثيقة: جدّدها لدى جهة الإصدار", "This document has expired: renew it with the issuer"),
        )
        doc.needsRebinding -> Notice(
            Tone.CAUTION,
            Words(
                "مستعادة من نسخة احتياطية: رمز مطبوع فقط حتى تُربط بهذا الهاتف من جديد",
                "Restored from a backup: printable code only until it is bound to this phone again",
            ),
        )
        else -> null
    }

    companion object {
        /** Whether a text is mainly Arabic script (shown right to left). */
        fun isArabic(text: String): Boolean {
            var arabic = 0
            var latin = 0
            for (ch in text) {
                when (Character.UnicodeBlock.of(ch)) {
                    Character.UnicodeBlock.ARABIC,
                    Character.UnicodeBlock.ARABIC_PRESENTATION_FORMS_A,
                    Character.UnicodeBlock.ARABIC_PRESENTATION_FORMS_B,
                    Character.UnicodeBlock.ARABIC_SUPPLEMENT,
                    -> arabic++
                    else -> if (ch.isLetter()) latin++
                }
            }
            return arabic > latin
        }
    }
}
