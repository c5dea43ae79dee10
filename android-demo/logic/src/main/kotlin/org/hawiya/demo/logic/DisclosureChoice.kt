package org.hawiya.demo.logic

import hawiya.ffi.ClaimKey
import hawiya.ffi.Disclosure
import hawiya.ffi.DocumentType

/** The ready-made choices in the "choose what to share" sheet. */
enum class Preset {
    /** Everything on the card except the photo. */
    FULL,

    /** Names, ID number and expiry: a bank or a hotel. */
    IDENTITY,

    /** Only "18 or over": a shop. */
    AGE_18,

    /** Only "21 or over". */
    AGE_21,

    /** Exactly the items the holder ticked. */
    CUSTOM,
}

/** One ready-made choice as the sheet lists it. */
data class PresetOption(val preset: Preset, val name: Words, val shows: Words)

/** One tickable item in the sheet. */
data class ClaimToggle(val claim: ClaimKey, val label: Words, val shown: Boolean)

/**
 * What the holder chose to show, for one document type. Immutable: every
 * change returns a new choice, so the sheet can offer "cancel".
 *
 * Ticking an item switches to [Preset.CUSTOM] starting from what the current
 * preset shows; choosing a preset replaces the ticks. The photo is never part
 * of a preset (it makes the QR too large to scan) but can be ticked.
 */
class DisclosureChoice private constructor(
    /** The document type the choice is for (decides which items exist). */
    val documentType: DocumentType,
    /** The preset in force. */
    val preset: Preset,
    private val custom: Set<ClaimKey>,
) {
    /** The claims this choice shows, in card order. */
    val shown: List<ClaimKey>
        get() = when (preset) {
            Preset.CUSTOM -> available.filter { it in custom }
            else -> presetClaims(preset, documentType)
        }

    /** Items the sheet offers for this document type, in card order. */
    val available: List<ClaimKey> get() = claimsOf(documentType)

    /** The sheet's presets with what each shows. */
    val presets: List<PresetOption>
        get() = listOf(Preset.FULL, Preset.IDENTITY, Preset.AGE_18, Preset.AGE_21).map { p ->
            PresetOption(p, presetName(p), Texts.claims(presetClaims(p, documentType)))
        }

    /** The sheet's tick boxes. */
    val toggles: List<ClaimToggle>
        get() {
            val on = shown.toSet()
            return available.map { ClaimToggle(it, Texts.claim(it), it in on) }
        }

    /** Why the choice cannot be used (nothing ticked), or null. */
    val problem: Words? get() = if (shown.isEmpty()) Texts.chooseAtLeastOne else null

    /** What the choice shows, in words (under the QR and in the sheet). */
    val summary: Words get() = Texts.claims(shown)

    /** The same choice with [preset] in force. */
    fun withPreset(preset: Preset): DisclosureChoice =
        DisclosureChoice(documentType, preset, if (preset == Preset.CUSTOM) shown.toSet() else custom)

    /** The same choice with [claim] ticked or unticked. */
    fun toggled(claim: ClaimKey): DisclosureChoice {
        if (claim !in available) return this
        val now = shown.toMutableSet()
        if (!now.add(claim)) now.remove(claim)
        return DisclosureChoice(documentType, Preset.CUSTOM, now)
    }

    /** The same choice for another document type (the holder picked another document). */
    fun forDocument(type: DocumentType): DisclosureChoice =
        if (type == documentType) this else DisclosureChoice(type, preset, custom.filter { it in claimsOf(type) }.toSet())

    /**
     * What the wallet is asked to present.
     * @throws IllegalStateException when nothing is chosen ([problem] is set).
     */
    fun toDisclosure(): Disclosure {
        check(problem == null) { "nothing chosen to share" }
        return when (preset) {
            Preset.FULL -> Disclosure.Full
            Preset.IDENTITY -> Disclosure.Identity
            Preset.AGE_18 -> Disclosure.AgeOver18
            Preset.AGE_21 -> Disclosure.AgeOver21
            Preset.CUSTOM -> Disclosure.Only(shown)
        }
    }

    override fun equals(other: Any?): Boolean =
        other is DisclosureChoice && other.documentType == documentType && other.shown == shown &&
            other.preset == preset

    override fun hashCode(): Int = listOf(documentType, preset, shown).hashCode()

    override fun toString(): String = "DisclosureChoice($preset, $shown)"

    companion object {
        /** The default: names, number and expiry, the least most counters need. */
        fun initial(type: DocumentType): DisclosureChoice = DisclosureChoice(type, Preset.IDENTITY, emptySet())

        /** The items a document type carries, in card order. */
        fun claimsOf(type: DocumentType): List<ClaimKey> {
            val common = listOf(
                ClaimKey.NAME_AR, ClaimKey.NAME_EN, ClaimKey.DOCUMENT_NUMBER, ClaimKey.BIRTH_DATE,
                ClaimKey.SEX, ClaimKey.NATIONALITY, ClaimKey.PLACE_OF_BIRTH,
            )
            val permit = if (type == DocumentType.RESIDENT_PERMIT) {
                listOf(ClaimKey.OCCUPATION, ClaimKey.EMPLOYER)
            } else {
                emptyList()
            }
            return common + permit + listOf(
                ClaimKey.ISSUE_DATE, ClaimKey.EXPIRY_DATE, ClaimKey.AGE_OVER18, ClaimKey.AGE_OVER21,
                ClaimKey.PORTRAIT,
            )
        }

        /** What a preset shows on a document type, in card order (the core's rule). */
        fun presetClaims(preset: Preset, type: DocumentType): List<ClaimKey> = when (preset) {
            Preset.FULL -> claimsOf(type).filter { it != ClaimKey.PORTRAIT }
            Preset.IDENTITY -> listOf(ClaimKey.NAME_AR, ClaimKey.NAME_EN, ClaimKey.DOCUMENT_NUMBER, ClaimKey.EXPIRY_DATE)
            Preset.AGE_18 -> listOf(ClaimKey.AGE_OVER18)
            Preset.AGE_21 -> listOf(ClaimKey.AGE_OVER21)
            Preset.CUSTOM -> emptyList()
        }

        private fun presetName(preset: Preset): Words = when (preset) {
            Preset.FULL -> Words("كل البيانات", "Everything")
            Preset.IDENTITY -> Words("الاسم ورقم الهوية والانتهاء", "Name, ID number and expiry")
            Preset.AGE_18 -> Words("العمر 18 فأكثر فقط", "Only: 18 or over")
            Preset.AGE_21 -> Words("العمر 21 فأكثر فقط", "Only: 21 or over")
            Preset.CUSTOM -> Words("اختيار مخصص", "My own choice")
        }
    }
}
