package hawiya.keysource

/**
 * The meaning of each error code BiometricPrompt's `onAuthenticationError`
 * reports, as [Authorization] answers. The codes are those of
 * `androidx.biometric.BiometricPrompt` (the same values as
 * `android.hardware.biometrics.BiometricPrompt`); they are repeated here so
 * the mapping is tested on the JVM, and the Android authenticator calls
 * [answerFor] with the code it got.
 *
 * Cancels (holder, system, timeout) are [Authorization.Cancelled]; lockouts,
 * missing enrolment and hardware errors are [Authorization.Unavailable]; no
 * code ever means a wrong secret (see [Authorization]). A code this table
 * does not know is unavailable, never approved and never a wrong secret.
 */
object PromptErrors {
    const val ERROR_HW_UNAVAILABLE = 1
    const val ERROR_UNABLE_TO_PROCESS = 2
    const val ERROR_TIMEOUT = 3
    const val ERROR_NO_SPACE = 4
    const val ERROR_CANCELED = 5
    const val ERROR_LOCKOUT = 7
    const val ERROR_VENDOR = 8
    const val ERROR_LOCKOUT_PERMANENT = 9
    const val ERROR_USER_CANCELED = 10
    const val ERROR_NO_BIOMETRICS = 11
    const val ERROR_HW_NOT_PRESENT = 12
    const val ERROR_NEGATIVE_BUTTON = 13
    const val ERROR_NO_DEVICE_CREDENTIAL = 14
    const val ERROR_SECURITY_UPDATE_REQUIRED = 15

    /** The answer for error [code], with the platform's [message] as the reason. */
    fun answerFor(code: Int, message: String): Authorization = when (code) {
        ERROR_USER_CANCELED, ERROR_NEGATIVE_BUTTON -> Authorization.Cancelled(CancelKind.USER, message)
        ERROR_CANCELED -> Authorization.Cancelled(CancelKind.SYSTEM, message)
        ERROR_TIMEOUT -> Authorization.Cancelled(CancelKind.TIMEOUT, message)
        ERROR_LOCKOUT -> Authorization.Unavailable(UnavailableKind.LOCKOUT, message)
        ERROR_LOCKOUT_PERMANENT -> Authorization.Unavailable(UnavailableKind.LOCKOUT_PERMANENT, message)
        ERROR_NO_BIOMETRICS, ERROR_NO_DEVICE_CREDENTIAL -> Authorization.Unavailable(UnavailableKind.NOT_ENROLLED, message)
        ERROR_HW_UNAVAILABLE, ERROR_HW_NOT_PRESENT, ERROR_UNABLE_TO_PROCESS, ERROR_NO_SPACE ->
            Authorization.Unavailable(UnavailableKind.HARDWARE, message)
        ERROR_SECURITY_UPDATE_REQUIRED -> Authorization.Unavailable(UnavailableKind.SECURITY_UPDATE, message)
        else -> Authorization.Unavailable(UnavailableKind.OTHER, "$message (error $code)")
    }
}

/**
 * What the prompt's host (on Android the FragmentActivity) can do at the
 * moment a prompt is to be shown. Read on the main thread.
 */
interface PromptHost {
    /** The host still exists (Android: not destroyed, not finishing). */
    val isAlive: Boolean

    /** Its lifecycle is at least STARTED: it is visible. */
    val isStarted: Boolean

    /**
     * Its instance state was saved (Android: `FragmentManager.isStateSaved`).
     * BiometricPrompt adds a fragment; after `onSaveInstanceState` that
     * commit is refused or silently dropped, and the caller would wait for
     * an answer that never comes.
     */
    val isStateSaved: Boolean
}

/** Whether a prompt may be shown now, decided by [PromptGate.decide]. */
sealed class PromptDecision {
    /** Show it. */
    data object Show : PromptDecision()

    /** Do not show it; answer the key source with [answer] at once. */
    data class Refuse(val answer: Authorization) : PromptDecision()
}

/**
 * The lifecycle rule of the Android authenticator: a prompt is shown only
 * when its host is alive, started and has not saved its state; otherwise the
 * wrap or unwrap ends at once with [CancelKind.NOT_IN_FOREGROUND] (not
 * counted, the holder tries again when the app is in front) instead of
 * waiting for a prompt that would never appear.
 */
object PromptGate {
    fun decide(host: PromptHost?): PromptDecision = when {
        host == null || !host.isAlive ->
            PromptDecision.Refuse(Authorization.Cancelled(CancelKind.NOT_IN_FOREGROUND, "the app has no screen to ask on"))
        host.isStateSaved ->
            PromptDecision.Refuse(Authorization.Cancelled(CancelKind.NOT_IN_FOREGROUND, "the app's screen has saved its state"))
        !host.isStarted ->
            PromptDecision.Refuse(Authorization.Cancelled(CancelKind.NOT_IN_FOREGROUND, "the app is not in the foreground"))
        else -> PromptDecision.Show
    }
}
