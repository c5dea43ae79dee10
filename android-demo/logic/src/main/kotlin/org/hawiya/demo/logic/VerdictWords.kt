package org.hawiya.demo.logic

import hawiya.ffi.Mode
import hawiya.ffi.Reason
import hawiya.ffi.Verdict
import java.util.TimeZone

/**
 * A verifier's verdict in plain words for the clerk, in Arabic and English:
 * a headline that says whether to accept the ID, each reason as a short
 * sentence with what to do, the disclosed claims, and the facts that matter
 * (issuer, document, when the phone made the code, a guardian presenting for
 * a dependent). Reasons are chosen by their stable code; a code this app
 * does not know is shown with the library's English sentence.
 */
class VerdictWords(private val timeZone: TimeZone, private val cards: CardFormatter = CardFormatter(timeZone)) {
    /** The verdict as the verifier screen shows it, [now] being when it was checked. */
    fun view(verdict: Verdict, now: Long): VerdictView {
        val tone = when {
            !verdict.accepted -> Tone.BAD
            verdict.warnings.isNotEmpty() -> Tone.CAUTION
            else -> Tone.GOOD
        }
        val headline = when (tone) {
            Tone.GOOD -> Words("هوية صالحة", "Valid ID")
            Tone.CAUTION -> Words("هوية صالحة — اقرأ التنبيه", "Valid ID — read the note")
            Tone.BAD -> Words("غير صالحة — لا تقبلها", "Not valid — do not accept")
        }
        val reasons = if (verdict.accepted) {
            verdict.warnings.map(::warning)
        } else {
            verdict.failures.map { failure(it, verdict, now) }
        }
        return VerdictView(
            tone = tone,
            headline = headline,
            reasons = reasons,
            claims = if (verdict.accepted) verdict.claims.mapNotNull(cards::field) else emptyList(),
            details = details(verdict),
        )
    }

    /** A reason that rejects, with what to do. */
    fun failure(reason: Reason, verdict: Verdict? = null, now: Long? = null): Words = when (reason.code) {
        "bad_device_signature" -> Words(
            "الرمز ليس من الهاتف الذي صدرت له الهوية: معدّل أو منسوخ.",
            "Not from the phone this ID was issued to: the code was altered or copied.",
        )
        "bad_issuer_signature" -> Words(
            "بيانات الهوية معدّلة أو مزوّرة.",
            "The ID data was changed or forged.",
        )
        "credential_expired" -> Words("انتهت صلاحية هذه الهوية.", "This ID has expired.")
        "credential_not_yet_valid" -> Words("هذه الهوية غير سارية بعد.", "This ID is not valid yet.")
        "issuer_key_not_valid" -> Words(
            "موقّعة بمفتاح لجهة الإصدار خارج فترة صلاحيته.",
            "Signed with an issuer key outside its valid period.",
        )
        "malformed" -> Words("هذا ليس رمز هوية مقروءاً.", "This is not a readable ID code.")
        "nonce_mismatch" -> Words(
            "هذا الرمز صُنع لعملية تحقق أخرى. اطلب رمزاً جديداً.",
            "This code was made for another check. Ask for a new code.",
        )
        "presentation_from_future" -> Words(
            "وقت الرمز متقدم على وقت هذا الجهاز: تحقق من ساعة الجهازين.",
            "The code's time is ahead of this device: check both clocks.",
        )
        "presentation_stale" -> {
            val age = verdict?.presentedAt?.let { at -> now?.let { it - at } }?.takeIf { it >= 0 }
            val ar = age?.let { " (عمره $it ثانية)" } ?: ""
            val en = age?.let { " ($it s old)" } ?: ""
            Words(
                "الرمز قديم$ar، ربما لقطة شاشة. اطلب من حامل الهوية رمزاً جديداً من هاتفه.",
                "The code is too old$en, maybe a screenshot. Ask the holder for a fresh code from their phone.",
            )
        }
        "replayed" -> Words(
            "هذا الرمز نفسه مُسح من قبل. اطلب رمزاً جديداً.",
            "This exact code was already scanned. Ask for a fresh code.",
        )
        "revoked" -> Words(
            "هذه الهوية ملغاة أو استُبدلت بنسخة أحدث.",
            "This ID was cancelled or replaced by a newer version.",
        )
        "static_not_accepted" -> Words(
            "الرموز المطبوعة غير مقبولة هنا. اطلب الرمز من هاتف حامل الهوية.",
            "Printed codes are not accepted here. Ask for the code on the holder's phone.",
        )
        "status_stale" -> Words(
            "قائمة الإلغاء على هذا الجهاز قديمة: حدّثها ثم أعد المسح.",
            "This device's cancellation list is out of date: update it and scan again.",
        )
        "status_unknown" -> Words(
            "لا يُعرف إن كانت الهوية ملغاة: حمّل قائمة جهة الإصدار ثم أعد المسح.",
            "Cannot tell whether this ID was cancelled: load the issuer's list and scan again.",
        )
        "unknown_issuer_key" -> Words(
            "صادرة عن جهة لا يثق بها هذا الجهاز.",
            "Issued by an authority this device does not trust.",
        )
        "unsupported_version" -> Words(
            "الرمز بصيغة أحدث من هذا التطبيق: حدّث التطبيق.",
            "The code uses a newer format than this app: update the app.",
        )
        else -> Words("تعذّر قبول الرمز.", reason.message)
    }

    /** A note on an accepted verdict. */
    fun warning(reason: Reason): Words = when (reason.code) {
        "static_lower_assurance" -> Words(
            "رمز مطبوع: غير مرتبط بهاتف حامله. طابق الصورة والهوية.",
            "Printed code: not tied to the holder's phone. Compare the photo ID.",
        )
        "status_stale" -> Words(
            "قائمة الإلغاء قديمة: قد لا يظهر إلغاء حديث.",
            "The cancellation list is old: a recent cancellation may not show.",
        )
        "status_unknown" -> Words(
            "لم يُتحقق من الإلغاء: لا توجد قائمة لهذه الجهة على الجهاز.",
            "Cancellation not checked: no list for this issuer on this device.",
        )
        else -> Words("تنبيه.", reason.message)
    }

    private fun details(verdict: Verdict): List<CardField> {
        val out = mutableListOf<CardField>()
        verdict.documentType?.let { type ->
            val name = Texts.documentType(type)
            val version = verdict.documentVersion?.let { " · v$it" } ?: ""
            out += CardField(Words("الوثيقة", "Document"), "${name.ar} / ${name.en}$version", false)
        }
        verdict.issuer?.let { out += CardField(Words("جهة الإصدار", "Issuer"), it, CardFormatter.isArabic(it)) }
        verdict.mode?.let { mode ->
            val words = when (mode) {
                Mode.DEVICE_BOUND -> Words("من هاتف حامل الهوية", "From the holder's phone")
                Mode.STATIC -> Words("رمز مطبوع", "Printed code")
            }
            out += CardField(Words("الرمز", "Code"), "${words.ar} / ${words.en}", false)
        }
        verdict.presentedAt?.let {
            out += CardField(Words("وقت إنشاء الرمز", "Code made at"), Formatting.minute(it, timeZone), false)
        }
        verdict.guardian?.let {
            out += CardField(
                Words("قدّمها ولي الأمر", "Shown by the guardian"),
                Words("صاحب الهوية $it", "holder of ID $it").let { w -> "${w.ar} / ${w.en}" },
                false,
            )
        }
        return out
    }
}
