package org.hawiya.demo.logic

/**
 * A text in both of the app's languages. The screens show Arabic (right to
 * left) and English (left to right) together, as the printed ID card does.
 */
data class Words(val ar: String, val en: String) {
    /** The text in one language. */
    fun of(language: Language): String = when (language) {
        Language.AR -> ar
        Language.EN -> en
    }

    /** Both, Arabic first, for one-line places (notifications, logs). */
    override fun toString(): String = "$ar / $en"
}

/** The two display languages. */
enum class Language { AR, EN }

/** How a verdict or a message should look: colour and icon in the UI. */
enum class Tone {
    /** Accepted, nothing to add. */
    GOOD,

    /** Accepted with a warning the clerk should read, or a holder-side notice. */
    CAUTION,

    /** Rejected, or an error. */
    BAD,
}

/** A message for the holder or the clerk, with how to show it. */
data class Notice(val tone: Tone, val words: Words)

/** One line of the card: a label and a value, with the value's direction. */
data class CardField(val label: Words, val value: String, val rightToLeft: Boolean)

/** The card as the wallet screen draws it. */
data class CardView(
    /** "National ID" / "Resident permit", bilingual. */
    val title: Words,
    /** The holder's name in Arabic, shown large. */
    val nameAr: String,
    /** The holder's name in English. */
    val nameEn: String,
    /** Ordered fields below the name. */
    val fields: List<CardField>,
    /** Portrait image bytes (JPEG/PNG) if the document has one. */
    val portrait: ByteArray?,
    /** A notice to show on the card (expired, needs re-binding), or null. */
    val notice: Notice?,
) {
    override fun equals(other: Any?): Boolean = other is CardView && title == other.title &&
        nameAr == other.nameAr && nameEn == other.nameEn && fields == other.fields &&
        notice == other.notice && (portrait?.contentEquals(other.portrait) ?: (other.portrait == null))

    override fun hashCode(): Int = listOf(title, nameAr, nameEn, fields, notice).hashCode()
}

/** A QR code ready to draw: the square module grid (true = dark), row by row. */
data class QrView(
    /** The QR text (`HW2:` + Base45, or `HWC:` and six digits for a challenge), for accessibility and copy. */
    val text: String,
    /** Modules per side, without the quiet zone. */
    val size: Int,
    /** size × size modules, row-major; true is dark. */
    val dark: List<Boolean>,
    /** What this code shows, in words ("Name, ID number, expiry"). */
    val shows: Words,
    /** When a verifier stops accepting it (Unix seconds), null for a static code. */
    val expiresAt: Long?,
) {
    /** Whether the module at [row], [column] is dark (outside = light). */
    fun isDark(row: Int, column: Int): Boolean =
        row in 0 until size && column in 0 until size && dark[row * size + column]
}

/** One document in the wallet's lists. */
data class DocumentRow(
    /** Its document number (ID or iqama number). */
    val number: Long,
    /** "National ID 1234567890", bilingual. */
    val title: Words,
    /** Version and validity, bilingual. */
    val subtitle: Words,
    /** True until a restored document is bound to this phone again. */
    val needsRebinding: Boolean,
    /** True when its validity has ended. */
    val expired: Boolean,
)

/** A person whose documents the wallet holds. */
data class PersonView(
    val name: Words,
    /** For a dependent: "Dependent of <guardian>"; null for the holder. */
    val relation: Words?,
    val documents: List<DocumentRow>,
)

/** The holder first, then each dependent under the guardian's documents. */
data class PeopleView(
    val holders: List<PersonView>,
    val dependents: List<PersonView>,
) {
    /** Every document, holders' first, in display order. */
    val allDocuments: List<DocumentRow> get() = (holders + dependents).flatMap { it.documents }

    /** Whether the wallet holds no document. */
    val isEmpty: Boolean get() = holders.isEmpty() && dependents.isEmpty()
}

/** One line of the presentation log, newest first on screen. */
data class LogRow(
    /** Local date and time, "2026-11-26 14:05". */
    val at: String,
    /** Which document was shown. */
    val document: Words,
    /** What was shown. */
    val shown: Words,
    /** On this phone (device-bound) or as a printable code. */
    val mode: Words,
)

/** The verifier screen's verdict, in plain words. */
data class VerdictView(
    val tone: Tone,
    /** "Valid ID" / "Not valid", bilingual, large. */
    val headline: Words,
    /** Why it was rejected, or warnings for an accepted code. */
    val reasons: List<Words>,
    /** The disclosed claims: label and value (empty unless accepted). */
    val claims: List<CardField>,
    /** Issuer, document type, when presented, guardian. */
    val details: List<CardField>,
)
