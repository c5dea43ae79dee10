package org.hawiya.demo.logic

import hawiya.ffi.ClaimKey
import hawiya.ffi.DocumentType
import hawiya.ffi.Mode
import hawiya.keysource.KeyUse

/**
 * Every sentence the demo shows, in Arabic and English. Kept here (not in
 * Android resources) so the JVM tests check them and the iOS team can read
 * them in one place. Claim labels are the core's own (a test compares them
 * with what the wallet reports).
 */
object Texts {
    val walletTab = Words("المحفظة", "Wallet")
    val verifierTab = Words("التحقق", "Verify")
    val lockedTitle = Words("المحفظة مقفلة", "Your wallet is locked")
    val unlock = Words("فتح المحفظة", "Unlock")
    val lock = Words("قفل المحفظة", "Lock")
    val portrait = Words("الصورة الشخصية", "Portrait")
    val chooseWhatToShare = Words("اختر ما تشاركه", "Choose what to share")
    val noCode = Words("لا يوجد رمز معروض", "No code on screen")
    val logTitle = Words("سجل المشاركة", "What you shared")
    val logEmpty = Words("لم تشارك شيئاً بعد", "Nothing shared yet")
    val clearLog = Words("مسح السجل", "Clear log")
    val scanAgain = Words("مسح رمز آخر", "Scan another code")
    val pointAtCode = Words("وجّه الكاميرا إلى رمز الهوية", "Point the camera at the ID code")
    val cameraNeeded = Words(
        "يحتاج التحقق إلى الكاميرا لقراءة الرمز",
        "Checking an ID needs the camera to read its code",
    )
    val allowCamera = Words("السماح بالكاميرا", "Allow camera")
    val holderSection = Words("أنا", "Me")
    val dependentsSection = Words("التابعون", "Dependents")
    val chooseAtLeastOne = Words("اختر معلومة واحدة على الأقل", "Choose at least one item to share")
    val resetWallet = Words("إعادة ضبط المحفظة", "Reset the wallet")
    val resetWarning = Words(
        "ستُحذف كل وثائقك ومفاتيح هذا الهاتف وسجل المشاركة نهائياً، ولا يمكن استرجاعها إلا من نسخة احتياطية أو بإصدارها من جديد.",
        "Every document, this phone's keys and the sharing log are destroyed for good; only a backup or the issuer can bring your documents back.",
    )
    val resetConfirm = Words("احذف كل شيء", "Destroy everything")
    val resetCancel = Words("إلغاء", "Cancel")
    val resetDone = Words(
        "أُعيد ضبط المحفظة وهي فارغة. استعد نسختك الاحتياطية أو اطلب وثائقك من الجهة المصدرة.",
        "The wallet was reset and is empty. Restore your backup or ask the issuer for your documents again.",
    )

    val keyInvalidated = Words(
        "تغيّرت البصمات أو قفل الشاشة على هذا الهاتف، فأُبطل مفتاح المحفظة ولن تُفتح بعد الآن. أعد ضبط المحفظة ثم أضف وثائقك من جديد.",
        "This phone's fingerprints or screen lock changed, so the wallet's key was invalidated and the wallet cannot open again. Reset it, then add your documents again.",
    )

    // The challenge flow: the verifier shows six digits (and their QR code),
    // the holder's phone answers them.
    val showChallenge = Words("اعرض رمز التحقق", "Show challenge")
    val challengeInstructions = Words(
        "اطلب من حامل الهوية كتابة هذه الأرقام في تطبيق المحفظة أو مسح هذا الرمز، ثم امسح رمزه.",
        "Ask the holder to type these digits into the wallet app or scan this code, then scan their code.",
    )
    val hideChallenge = Words("إخفاء رمز التحقق", "Hide challenge")
    val verifierChallenge = Words("رمز التحقق من جهاز التحقق", "Verifier's challenge")
    val typeChallenge = Words("اكتب الأرقام الستة", "Type the six digits")
    val answerChallenge = Words("أجب", "Answer")
    val scanChallenge = Words("امسح رمز التحقق", "Scan challenge")
    val stopAnswering = Words("توقف عن الإجابة", "Stop answering")

    /** The BiometricPrompt's text for each use of the wallet key. */
    fun unlockPrompt(use: KeyUse): Words = when (use) {
        KeyUse.CREATE -> Words("حماية المحفظة ببصمتك", "Protect your wallet with your fingerprint or screen lock")
        KeyUse.UNLOCK -> Words("افتح محفظة الهوية", "Unlock your ID wallet")
    }

    /** "New code in 12 s". */
    fun newCodeIn(seconds: Long): Words = Words("رمز جديد بعد $seconds ث", "New code in $seconds s")

    /** The name of a document type. */
    fun documentType(type: DocumentType): Words = when (type) {
        DocumentType.NATIONAL_ID -> Words("الهوية الوطنية", "National ID")
        DocumentType.RESIDENT_PERMIT -> Words("هوية مقيم (إقامة)", "Resident permit (iqama)")
    }

    /** How a code was shown. */
    fun mode(mode: Mode): Words = when (mode) {
        Mode.DEVICE_BOUND -> Words("من هذا الهاتف (رمز متجدد)", "From this phone (live code)")
        Mode.STATIC -> Words("رمز مطبوع", "Printed code")
    }

    /** A claim's label, as on the card. */
    fun claim(key: ClaimKey): Words = when (key) {
        ClaimKey.DOCUMENT_NUMBER -> Words("رقم الهوية", "ID number")
        ClaimKey.NAME_AR -> Words("الاسم", "Name (Arabic)")
        ClaimKey.NAME_EN -> Words("الاسم (بالإنجليزية)", "Name")
        ClaimKey.BIRTH_DATE -> Words("تاريخ الميلاد", "Date of birth")
        ClaimKey.SEX -> Words("الجنس", "Sex")
        ClaimKey.NATIONALITY -> Words("الجنسية", "Nationality")
        ClaimKey.PLACE_OF_BIRTH -> Words("مكان الميلاد", "Place of birth")
        ClaimKey.ISSUE_DATE -> Words("تاريخ الإصدار", "Issue date")
        ClaimKey.EXPIRY_DATE -> Words("تاريخ الانتهاء", "Expiry date")
        ClaimKey.AGE_OVER18 -> Words("العمر 18 فأكثر", "Age 18 or over")
        ClaimKey.AGE_OVER21 -> Words("العمر 21 فأكثر", "Age 21 or over")
        ClaimKey.OCCUPATION -> Words("المهنة", "Occupation")
        ClaimKey.EMPLOYER -> Words("صاحب العمل", "Employer")
        ClaimKey.PORTRAIT -> Words("الصورة", "Photo")
    }

    /** A list of claims in words: "Name, ID number, Date of expiry". */
    fun claims(keys: List<ClaimKey>): Words {
        if (keys.isEmpty()) return Words("لا شيء", "Nothing")
        val labels = keys.map(::claim)
        return Words(labels.joinToString("، ") { it.ar }, labels.joinToString(", ") { it.en })
    }

    val yes = Words("نعم", "Yes")
    val no = Words("لا", "No")
    val male = Words("ذكر", "Male")
    val female = Words("أنثى", "Female")
}
