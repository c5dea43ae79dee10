// Idiomatic Kotlin on top of the generated bindings (package hawiya.ffi).
// Thin on purpose: files instead of path strings, default arguments,
// java.time conversions, lambdas for the platform traits, a scoped unlock,
// and the human sentence for every error. Everything else is the generated
// API, which apps use directly.
@file:JvmName("Hawiya")

package hawiya

import hawiya.ffi.Clock
import hawiya.ffi.ClockException
import hawiya.ffi.CalendarDate
import hawiya.ffi.KeySource
import hawiya.ffi.KeySourceException
import hawiya.ffi.Presentation
import hawiya.ffi.QrCode
import hawiya.ffi.QrException
import hawiya.ffi.TrustList
import hawiya.ffi.Verifier
import hawiya.ffi.VerifyException
import hawiya.ffi.Wallet
import hawiya.ffi.WalletException
import hawiya.ffi.WalletOptions
import hawiya.ffi.defaultPolicy
import hawiya.ffi.defaultWalletOptions
import hawiya.ffi.SignerException
import hawiya.ffi.describeClockError
import hawiya.ffi.describeKeySourceError
import hawiya.ffi.describeSignerError
import hawiya.ffi.describeQrError
import hawiya.ffi.describeVerifyError
import hawiya.ffi.describeWalletError
import hawiya.ffi.Policy
import java.io.File
import java.time.Instant
import java.time.LocalDate

// ---------------------------------------------------------------- wallets

/** Creates a wallet file protected by a PIN or passphrase, unlocked. */
@Throws(WalletException::class)
fun Wallet.Companion.create(
    file: File,
    passphrase: String,
    options: WalletOptions = defaultWalletOptions(),
    clock: Clock? = null,
): Wallet = createWithPassphrase(file.path, passphrase, options, clock)

/** Creates a wallet file whose data key the platform key store wraps, unlocked. */
@Throws(WalletException::class)
fun Wallet.Companion.create(
    file: File,
    keySource: KeySource,
    options: WalletOptions = defaultWalletOptions(),
    clock: Clock? = null,
): Wallet = createWithKeySource(file.path, keySource, options, clock)

/** Opens an existing wallet file, locked. */
@Throws(WalletException::class)
fun Wallet.Companion.open(
    file: File,
    options: WalletOptions = defaultWalletOptions(),
    clock: Clock? = null,
): Wallet = open(file.path, options, clock)

/**
 * Destroys everything in the wallet (documents, device keys, the log, the
 * data key) and makes it a fresh, empty wallet protected by [passphrase],
 * unlocked: the way out of a lockout. Ask the holder to confirm first.
 */
@Throws(WalletException::class)
fun Wallet.reset(passphrase: String) = resetWithPassphrase(passphrase)

/** As [reset], protecting the fresh wallet with the platform key store. */
@Throws(WalletException::class)
fun Wallet.reset(keySource: KeySource) = resetWithKeySource(keySource)

/**
 * Unlocks with [passphrase], runs [block], and locks again however [block]
 * ends, so the data key is held only while needed.
 */
@Throws(WalletException::class)
inline fun <T> Wallet.unlocked(passphrase: String, block: (Wallet) -> T): T {
    unlockWithPassphrase(passphrase)
    try {
        return block(this)
    } finally {
        lock()
    }
}

/** As [unlocked], with the platform key store. */
@Throws(WalletException::class)
inline fun <T> Wallet.unlocked(keySource: KeySource, block: (Wallet) -> T): T {
    unlockWithKeySource(keySource)
    try {
        return block(this)
    } finally {
        lock()
    }
}

// --------------------------------------------------------------- verifier

/** A verifier with the default policy (a clerk scanning a phone). */
fun verifier(trustList: TrustList, policy: Policy = defaultPolicy(), clock: Clock? = null): Verifier =
    Verifier(trustList, policy, clock)

// ---------------------------------------------------------- platform traits

/** A [Clock] from a function returning seconds since 1970 (tests, trusted time). */
fun clock(nowUnixSeconds: () -> Long): Clock = object : Clock {
    override fun nowUnixSeconds(): Long = nowUnixSeconds()
}

/** A [Clock] on a [java.time.Clock]. */
fun java.time.Clock.asHawiyaClock(): Clock = clock { instant().epochSecond }

/**
 * A [KeySource] from two functions. Only a wrong secret counts as a failed
 * unlock, so from [unwrap] throw [hawiya.ffi.KeySourceException.Rejected]
 * when the holder presented a wrong secret,
 * [hawiya.ffi.KeySourceException.Cancelled] when the prompt ended without an
 * answer (the holder cancelled, the system cancelled it, it timed out), and
 * [hawiya.ffi.KeySourceException.Unavailable] when the key is gone or the
 * platform is throttling its prompt; any other exception is reported as
 * unavailable too.
 */
fun keySource(wrap: (ByteArray) -> ByteArray, unwrap: (ByteArray) -> ByteArray): KeySource =
    object : KeySource {
        override fun wrap(dataKey: ByteArray): ByteArray = wrap(dataKey)
        override fun unwrap(wrapped: ByteArray): ByteArray = unwrap(wrapped)
    }

// ------------------------------------------------------------ dates, times

/** This date as a [LocalDate]. */
fun CalendarDate.toLocalDate(): LocalDate = LocalDate.of(year, month.toInt(), day.toInt())

/** A [LocalDate] as a hawiya [CalendarDate]. */
fun LocalDate.toCalendarDate(): CalendarDate = CalendarDate(year, monthValue.toUInt(), dayOfMonth.toUInt())

/** When this presentation was made. */
val Presentation.createdInstant: Instant get() = Instant.ofEpochSecond(createdAt)

/** When verifiers with the default policy stop accepting it: refresh before. */
val Presentation.expiresInstant: Instant get() = Instant.ofEpochSecond(expiresAt)

// ---------------------------------------------------------------- QR codes

/** Whether the module at column [x], row [y] is dark (0-based, no quiet zone). */
fun QrCode.isDark(x: Int, y: Int): Boolean = modules[y * size.toInt() + x]

// ------------------------------------------------------------------ errors

/**
 * The sentence for this error, to show or log. The generated `message` of a
 * hawiya exception lists only its fields; this is the full explanation. It
 * never contains a passphrase, key, name or document number. (The test
 * issuer's IssueException, only in a library built with `test-issuer`, has
 * `describeIssueError`.)
 */
val Throwable.explanation: String
    get() = when (this) {
        is WalletException -> describeWalletError(this)
        is VerifyException -> describeVerifyError(this)
        is QrException -> describeQrError(this)
        is KeySourceException -> describeKeySourceError(this)
        is SignerException -> describeSignerError(this)
        is ClockException -> describeClockError(this)
        else -> message ?: javaClass.simpleName
    }
