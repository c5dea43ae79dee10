package org.hawiya.demo.logic

import hawiya.clock
import hawiya.create
import hawiya.ffi.Clock
import hawiya.ffi.CalendarDate
import hawiya.ffi.DocumentClaims
import hawiya.ffi.DocumentType
import hawiya.ffi.KeySource
import hawiya.ffi.Sex
import hawiya.ffi.TestIssuer
import hawiya.ffi.TrustList
import hawiya.ffi.Verifier
import hawiya.ffi.Wallet
import hawiya.ffi.defaultPolicy
import hawiya.open
import hawiya.toCalendarDate
import java.io.File
import java.time.LocalDate
import java.util.TimeZone

/**
 * The demo's data on the phone: the wallet file, and what a verifier needs
 * (the root key it pins, the signed trust list, a signed status list).
 *
 * On first start there is no issuing authority to ask, so the demo plays
 * one: a test issuer (fresh keys, in memory, gone afterwards) issues the
 * holder's national ID and a dependent child's ID to the wallet's binding
 * requests, each with the print credential of its printed card, exactly as
 * a real issuer would, and publishes its trust list.
 * A real app gets its credentials from the authority and pins the
 * authority's root key instead.
 */
class DemoData private constructor(
    /** The wallet (unlocked right after creation, locked after [open]). */
    val wallet: Wallet,
    private val folder: File,
    private val clock: AppClock,
) {
    /** Where the demo verifier keeps its memory across restarts. */
    val verifierMemory = VerifierMemoryFile(File(folder, VERIFIER_MEMORY))

    /**
     * A verifier over the demo authority's trust list and status list that
     * resumes what it remembered before the app last stopped, so a code
     * accepted then is still refused as a replay.
     */
    fun verifier(): Verifier {
        val trust = TrustList.fromSigned(read(TRUST_LIST), RootKeyFile.read(read(ROOT_KEY)))
        val remembered = verifierMemory.load()
        val verifier = if (remembered == null) {
            Verifier(trust, defaultPolicy(), clock.asBindingClock())
        } else {
            Verifier.withMemory(trust, defaultPolicy(), remembered, clock.asBindingClock())
        }
        verifier.addStatusList(read(STATUS_LIST))
        return verifier
    }

    private fun read(name: String) = File(folder, name).readBytes()

    companion object {
        /** The wallet file's name in the app's private folder. */
        const val WALLET_FILE = "wallet.db"
        private const val TRUST_LIST = "trust-list.cbor"
        private const val STATUS_LIST = "status-list.cbor"
        private const val ROOT_KEY = "root.pub"
        private const val VERIFIER_MEMORY = "verifier-memory.txt"

        /** The demo holder's national ID number. */
        const val HOLDER_NUMBER = 1_098_765_432L

        /** The demo dependent's national ID number. */
        const val CHILD_NUMBER = 1_123_456_789L

        private const val DAY = 86_400L
        private const val YEAR = 365 * DAY

        /**
         * Opens the demo wallet in [folder] (locked), or creates it with its
         * documents (unlocked; [keySource] wraps the new data key).
         */
        fun openOrCreate(folder: File, keySource: KeySource, clock: AppClock): DemoData {
            val walletFile = File(folder, WALLET_FILE)
            val ready = listOf(TRUST_LIST, STATUS_LIST, ROOT_KEY).all { File(folder, it).isFile }
            if (walletFile.isFile && ready) {
                upgradeRawRootKey(File(folder, ROOT_KEY))
                val wallet = Wallet.open(walletFile, clock = clock.asBindingClock())
                return DemoData(wallet, folder, clock)
            }
            // A half-made demo (killed during the first start) starts over.
            deleteAll(folder)
            folder.mkdirs()
            var wallet: Wallet? = null
            try {
                wallet = Wallet.create(walletFile, keySource, clock = clock.asBindingClock())
                issueDemoDocuments(wallet, folder, clock)
                return DemoData(wallet, folder, clock)
            } catch (e: Exception) {
                wallet?.close()
                deleteAll(folder)
                throw e
            }
        }

        /**
         * Earlier versions of the demo kept the root key as its 32 raw bytes;
         * such a file is rewritten once in the form of docs/FORMAT.md §2.1,
         * the only form [verifier] reads.
         */
        private fun upgradeRawRootKey(file: File) {
            if (file.length() != RootKeyFile.KEY_BYTES.toLong()) return
            val fresh = File(file.parentFile, "${file.name}.new")
            fresh.writeBytes(RootKeyFile.write(file.readBytes()))
            if (!fresh.renameTo(file)) {
                fresh.delete()
                throw java.io.IOException("could not rewrite ${file.path} in the root key file form")
            }
        }

        private fun deleteAll(folder: File) {
            listOf(WALLET_FILE, "$WALLET_FILE-wal", "$WALLET_FILE-shm", "$WALLET_FILE-reserve", TRUST_LIST, STATUS_LIST, ROOT_KEY, VERIFIER_MEMORY)
                .forEach { File(folder, it).delete() }
        }

        private fun issueDemoDocuments(wallet: Wallet, folder: File, clock: AppClock) {
            val now = clock.now()
            TestIssuer("هيئة الهوية (تجريبي) / ID Authority (demo)", "demo-1", "hawiya-demo:status/1", now - DAY, now + 10 * YEAR)
                .use { issuer ->
                    val trust = issuer.trustList(1uL, now)
                    val deviceKey = wallet.createDeviceKey()
                    val today = Formatting.day(now, TimeZone.getTimeZone("UTC"))

                    var nonce = issuer.bindingNonce()
                    val holder = issuer.issue(
                        holderClaims(today),
                        wallet.bindingRequest(deviceKey, nonce),
                        nonce,
                        1uL,
                        now,
                    )
                    val holderCard = issuer.issuePrint(holderClaims(today), null, 3uL, now)
                    wallet.importCredentialWithPrint(holder, holderCard, trust)

                    nonce = issuer.bindingNonce()
                    val child = issuer.issueToGuardian(
                        childClaims(today),
                        wallet.bindingRequest(deviceKey, nonce),
                        nonce,
                        HOLDER_NUMBER.toULong(),
                        2uL,
                        now,
                    )
                    val childCard = issuer.issuePrint(childClaims(today), HOLDER_NUMBER.toULong(), 4uL, now)
                    wallet.importCredentialWithPrint(child, childCard, trust)

                    File(folder, ROOT_KEY).writeBytes(RootKeyFile.write(issuer.rootPublicKey()))
                    File(folder, TRUST_LIST).writeBytes(issuer.signedTrustList(1uL, now))
                    File(folder, STATUS_LIST).writeBytes(issuer.signedStatusList(now, (30 * DAY).toULong()))
                }
        }

        private fun date(d: LocalDate) = d.toCalendarDate()

        private fun holderClaims(today: LocalDate) = DocumentClaims(
            documentType = DocumentType.NATIONAL_ID,
            documentNumber = HOLDER_NUMBER.toULong(),
            documentVersion = 1u,
            nameAr = "محمد عبدالله القحطاني",
            nameEn = "Mohammed Abdullah Alqahtani",
            birthDate = CalendarDate(1988, 3u, 14u),
            sex = Sex.MALE,
            nationality = "SAU",
            placeOfBirth = "الرياض",
            occupation = null,
            employer = null,
            issueDate = date(today.minusYears(1)),
            expiryDate = date(today.plusYears(4)),
            portrait = null,
        )

        private fun childClaims(today: LocalDate) = DocumentClaims(
            documentType = DocumentType.NATIONAL_ID,
            documentNumber = CHILD_NUMBER.toULong(),
            documentVersion = 1u,
            nameAr = "سارة محمد القحطاني",
            nameEn = "Sara Mohammed Alqahtani",
            birthDate = CalendarDate(2015, 9u, 2u),
            sex = Sex.FEMALE,
            nationality = "SAU",
            placeOfBirth = "جدة",
            occupation = null,
            employer = null,
            issueDate = date(today.minusMonths(6)),
            expiryDate = date(today.plusYears(5)),
            portrait = null,
        )
    }
}

/** This clock as the library's [Clock], so wallet and verifier agree with the screen's timer. */
fun AppClock.asBindingClock(): Clock = clock(::now)
