package org.hawiya.demo.logic

import hawiya.ffi.Assurance
import hawiya.ffi.Mode
import hawiya.ffi.Reason
import hawiya.ffi.Verdict
import java.util.TimeZone

/**
 * A verifier's verdict in plain words for the clerk, in Arabic and English:
 * a headline that says whether to accept the ID, each reason as a short
 * sentence with what to do, the disclosed claims, and the facts that matter
 * (how far the code can be trusted: answered this device's challenge, from
 * the holder's phone, or a printed card; issuer, document, when the phone
 * made the code, a guardian presenting for a dependent). Reasons are chosen
 * by their stable code; a code this app does not know is shown with the
 * library's English sentence.
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
        "assurance_below_minimum" -> Words(
            "هذا الرمز لا يكفي هنا: اعرض رمز تحقق واطلب من حامل الهوية رمزاً جديداً يجيب عليه.",
            "This kind of code is not enough here: show a challenge and ask for a new code that answers it.",
        )
        "challenge_expired" -> Words(
            "جاء الرد على رمز التحقق متأخراً. اعرض رمز تحقق جديداً.",
            "The answer to the challenge came too late. Show a new challenge.",
        )
        "challenge_mismatch" -> Words(
            "الرمز يجيب على رمز تحقق آخر (خطأ في الكتابة؟). اطلب إدخال الأرقام من جديد.",
            "The code answers another challenge (a typo?). Ask the holder to enter the digits again.",
        )
        "challenge_not_answered" -> Words(
            "الرمز لا يجيب على رمز التحقق المعروض. اطلب من حامل الهوية إدخاله في تطبيق المحفظة.",
            "The code does not answer the challenge on screen. Ask the holder to enter it in the wallet app.",
        )
        "device_signature_required" -> Words(
            "رمز هاتف حُذف منه توقيع الهاتف (لقطة مقصوصة؟). اطلب الرمز الحي من هاتف حامل الهوية.",
            "A phone's code with its phone signature cut off (a cropped screenshot?). Ask for the live code from the holder's phone.",
        )
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

    /** How far an accepted code can be trusted, in words. */
    fun assurance(level: Assurance): Words = when (level) {
        Assurance.CHALLENGED -> Words(
            "من هاتف حامل الهوية، ردّاً على رمز التحقق المعروض الآن",
            "From the holder's phone, answering the challenge shown just now",
        )
        Assurance.TIMED -> Words(
            "من هاتف حامل الهوية بتوقيت الهاتف، دون رمز تحقق",
            "From the holder's phone, by the phone's clock, without a challenge",
        )
        Assurance.PRINTED -> Words(
            "بطاقة مطبوعة: غير مرتبطة بهاتف؛ طابق الصورة",
            "Printed card: not tied to a phone; compare the photo",
        )
    }

    private fun details(verdict: Verdict): List<CardField> {
        val out = mutableListOf<CardField>()
        verdict.documentType?.let { type ->
            val name = Texts.documentType(type)
            val version = verdict.documentVersion?.let { " · v$it" } ?: ""
            out += CardField(Words("الوثيقة", "Document"), "${name.ar} / ${name.en}$version", false)
        }
        verdict.issuer?.let { out += CardField(Words("جهة الإصدار", "Issuer"), it, CardFormatter.isArabic(it)) }
        // An accepted verdict says how far to trust it; a rejected one only
        // what the code claims to be.
        val code = verdict.assurance?.let(::assurance) ?: verdict.mode?.let { mode ->
            when (mode) {
                Mode.DEVICE_BOUND -> Words("يدّعي أنه من هاتف", "Claims to be from a phone")
                Mode.STATIC -> Words("يدّعي أنه مطبوع", "Claims to be printed")
            }
        }
        code?.let { out += CardField(Words("الرمز", "Code"), "${it.ar} / ${it.en}", false) }
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
