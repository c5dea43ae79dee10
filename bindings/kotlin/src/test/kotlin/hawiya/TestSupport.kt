// Shared pieces of the Kotlin tests: a fixed-but-movable clock, a key source
// on a JCA AES-GCM key (as an app would write one over Android Keystore), an
// Ed25519 device signer on the JCA, sample claims and a wallet factory.
package hawiya

import hawiya.ffi.Clock
import hawiya.ffi.DeviceSigner
import hawiya.ffi.DocumentClaims
import hawiya.ffi.DocumentType
import hawiya.ffi.KeySource
import hawiya.ffi.KeySourceException
import hawiya.ffi.Sex
import hawiya.ffi.SignerException
import hawiya.ffi.TestIssuer
import hawiya.ffi.Wallet
import java.io.File
import java.nio.file.Files
import java.security.KeyPairGenerator
import java.security.SecureRandom
import java.security.Signature
import java.time.LocalDate
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicLong
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/** 2024-06-10T06:13:20Z: inside every validity window of the sample data. */
const val NOW: Long = 1_718_000_000L
const val NUMBER: ULong = 1_234_567_890UL
const val CHILD_NUMBER: ULong = 1_098_765_432UL

/** A clock the test moves by hand. */
class TestClock(start: Long = NOW) : Clock {
    private val now = AtomicLong(start)
    override fun nowUnixSeconds(): Long = now.get()
    fun advance(seconds: Long) { now.addAndGet(seconds) }
}

/**
 * A key source over an AES-256-GCM key, the shape of an Android Keystore
 * implementation; switches make it refuse (a wrong finger), cancel (the holder
 * dismissed the prompt) or throw something undeclared (a bug in the app).
 */
class AesKeySource : KeySource {
    private val key: SecretKey = KeyGenerator.getInstance("AES").apply { init(256) }.generateKey()
    @Volatile var reject = false
    @Volatile var cancel = false
    @Volatile var explode = false
    val unwraps = AtomicInteger()

    override fun wrap(dataKey: ByteArray): ByteArray {
        val iv = ByteArray(12).also { SecureRandom().nextBytes(it) }
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.ENCRYPT_MODE, key, GCMParameterSpec(128, iv))
        return iv + cipher.doFinal(dataKey)
    }

    override fun unwrap(wrapped: ByteArray): ByteArray {
        unwraps.incrementAndGet()
        if (explode) throw IllegalStateException("keystore exploded")
        if (reject) throw KeySourceException.Rejected()
        if (cancel) throw KeySourceException.Cancelled()
        val cipher = Cipher.getInstance("AES/GCM/NoPadding")
        cipher.init(Cipher.DECRYPT_MODE, key, GCMParameterSpec(128, wrapped.copyOfRange(0, 12)))
        return try {
            cipher.doFinal(wrapped, 12, wrapped.size - 12)
        } catch (e: javax.crypto.AEADBadTagException) {
            throw KeySourceException.Unavailable("the wrapped key does not open with this key")
        }
    }
}

/** An Ed25519 device key held by the JCA, standing in for a hardware signer. */
class JcaSigner : DeviceSigner {
    private val pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair()
    @Volatile var refuse = false

    // X.509 SubjectPublicKeyInfo of Ed25519 ends with the 32 raw key bytes.
    override fun publicKey(): ByteArray = pair.public.encoded.takeLast(32).toByteArray()

    override fun sign(message: ByteArray): ByteArray {
        if (refuse) throw SignerException.Rejected()
        return Signature.getInstance("Ed25519").run {
            initSign(pair.private)
            update(message)
            sign()
        }
    }
}

fun tempWalletFile(name: String): File =
    Files.createTempDirectory("hawiya-kotlin-$name-").toFile().resolve("wallet.db")

fun testIssuer(): TestIssuer =
    TestIssuer("Test Civil Registry", "test-1", "https://status.example/1", 1_700_000_000L, 2_000_000_000L)

fun nationalId(version: UInt = 1u) = DocumentClaims(
    documentType = DocumentType.NATIONAL_ID,
    documentNumber = NUMBER,
    documentVersion = version,
    nameAr = "محمد عبدالله الأحمد",
    nameEn = "Mohammed Abdullah Alahmad",
    birthDate = LocalDate.of(1990, 5, 17).toCalendarDate(),
    sex = Sex.MALE,
    nationality = "SAU",
    placeOfBirth = "Riyadh",
    occupation = null,
    employer = null,
    issueDate = LocalDate.of(2024, 1, 10).toCalendarDate(),
    expiryDate = LocalDate.of(2034, 1, 9).toCalendarDate(),
    portrait = null,
)

fun childId() = nationalId().copy(
    documentNumber = CHILD_NUMBER,
    nameAr = "سارة محمد الأحمد",
    nameEn = "Sara Mohammed Alahmad",
    birthDate = LocalDate.of(2016, 9, 3).toCalendarDate(),
    sex = Sex.FEMALE,
    expiryDate = LocalDate.of(2029, 1, 9).toCalendarDate(),
)

/** Makes a device key, binds it over the issuer's nonce, issues [claims] to it. */
fun issueTo(wallet: Wallet, issuer: TestIssuer, claims: DocumentClaims = nationalId(), statusIndex: ULong = 7UL): ByteArray {
    val key = wallet.createDeviceKey()
    val nonce = issuer.bindingNonce()
    return issuer.issue(claims, wallet.bindingRequest(key, nonce), nonce, statusIndex, NOW)
}

/** A wallet on an AES key source (no Argon2id cost), unlocked. */
fun keySourceWallet(name: String, source: KeySource = AesKeySource(), clock: Clock = TestClock()): Wallet =
    Wallet.create(tempWalletFile(name), source, clock = clock)
