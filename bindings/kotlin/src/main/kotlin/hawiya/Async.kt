// Coroutine versions of every wallet call that touches the disk or runs the
// passphrase KDF, for apps that must not block their main thread.
@file:JvmName("HawiyaAsync")

package hawiya

import hawiya.ffi.Clock
import hawiya.ffi.Disclosure
import hawiya.ffi.ImportOutcome
import hawiya.ffi.KeySource
import hawiya.ffi.Presentation
import hawiya.ffi.RestoredWallet
import hawiya.ffi.TrustList
import hawiya.ffi.UnlockOutcome
import hawiya.ffi.Wallet
import hawiya.ffi.WalletException
import hawiya.ffi.WalletOptions
import hawiya.ffi.defaultWalletOptions
import hawiya.ffi.restoreBackupWithKeySource
import hawiya.ffi.restoreBackupWithPassphrase
import java.io.File
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.asExecutor
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlin.coroutines.resumeWithException

/**
 * A [Wallet] with `suspend` functions: each runs the blocking call on
 * [dispatcher] ([Dispatchers.IO] unless the app or a test passes another)
 * and suspends the caller meanwhile.
 *
 * **Cancellation.** Cancelling the calling coroutine returns to the caller
 * at once with a `CancellationException`. The Rust call itself cannot be
 * interrupted: it runs to its end on the dispatcher's thread and its result
 * is dropped. Every wallet operation commits all of its change or none, so
 * a cancelled call never leaves the wallet half-changed: it is either as
 * before or as after the call (an import, renewal or reset that finished
 * after the cancellation stays done; check with `documents()` if it
 * matters). One exception to "the result is dropped": an unlock that
 * succeeds after its caller was cancelled is locked again at once, so a
 * cancelled unlock never leaves the data key in memory.
 *
 * Calls from several coroutines are safe; the wallet serialises them.
 * [wallet] stays usable for the quick in-memory calls (`documents()`,
 * `isUnlocked()`, `lock()`, …).
 */
class AsyncWallet(
    val wallet: Wallet,
    val dispatcher: CoroutineDispatcher = Dispatchers.IO,
) {
    /** Unlocks with [passphrase] (runs the KDF). */
    suspend fun unlock(passphrase: String): UnlockOutcome =
        offThread(dispatcher, onDropped = { wallet.lock() }) { wallet.unlockWithPassphrase(passphrase) }

    /** Unlocks through [keySource] (waits for the platform's prompt). */
    suspend fun unlock(keySource: KeySource): UnlockOutcome =
        offThread(dispatcher, onDropped = { wallet.lock() }) { wallet.unlockWithKeySource(keySource) }

    /** As `Wallet.importCredential`. */
    suspend fun importCredential(credential: ByteArray, trustList: TrustList): ImportOutcome =
        offThread(dispatcher) { wallet.importCredential(credential, trustList) }

    /** As `Wallet.importCredentialWithPrint`. */
    suspend fun importCredential(credential: ByteArray, printCredential: ByteArray, trustList: TrustList): ImportOutcome =
        offThread(dispatcher) { wallet.importCredentialWithPrint(credential, printCredential, trustList) }

    /** As `Wallet.renew`. */
    suspend fun renew(credential: ByteArray, trustList: TrustList): ImportOutcome =
        offThread(dispatcher) { wallet.renew(credential, trustList) }

    /** As `Wallet.renewWithPrint`. */
    suspend fun renew(credential: ByteArray, printCredential: ByteArray, trustList: TrustList): ImportOutcome =
        offThread(dispatcher) { wallet.renewWithPrint(credential, printCredential, trustList) }

    /** As `Wallet.present` (signs and writes the presentation-log entry). */
    suspend fun present(number: ULong, disclosure: Disclosure, challenge: String? = null): Presentation =
        offThread(dispatcher) { wallet.present(number, disclosure, challenge) }

    /** As `Wallet.presentStatic`. */
    suspend fun presentStatic(number: ULong, disclosure: Disclosure): Presentation =
        offThread(dispatcher) { wallet.presentStatic(number, disclosure) }

    /** As `Wallet.exportBackup` (runs the KDF for [passphrase]). */
    suspend fun exportBackup(passphrase: String): ByteArray =
        offThread(dispatcher) { wallet.exportBackup(passphrase) }

    /** As `Wallet.changePassphrase` (runs the KDF). */
    suspend fun changePassphrase(newPassphrase: String) =
        offThread(dispatcher) { wallet.changePassphrase(newPassphrase) }

    /** As `Wallet.changeToKeySource`. */
    suspend fun changeToKeySource(keySource: KeySource) =
        offThread(dispatcher) { wallet.changeToKeySource(keySource) }

    /** As [Wallet.reset]: destroys everything; ask the holder to confirm first. */
    suspend fun reset(passphrase: String) =
        offThread(dispatcher) { wallet.resetWithPassphrase(passphrase) }

    /** As [Wallet.reset] with the platform key store. */
    suspend fun reset(keySource: KeySource) =
        offThread(dispatcher) { wallet.resetWithKeySource(keySource) }

    /** As `Wallet.clearPresentationLog`. */
    suspend fun clearPresentationLog(): ULong =
        offThread(dispatcher) { wallet.clearPresentationLog() }

    companion object {
        /** Creates a wallet file protected by [passphrase] (runs the KDF), unlocked. */
        suspend fun create(
            file: File,
            passphrase: String,
            options: WalletOptions = defaultWalletOptions(),
            clock: Clock? = null,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): AsyncWallet = AsyncWallet(
            offThread(dispatcher, onDropped = { it.close() }) { Wallet.create(file, passphrase, options, clock) },
            dispatcher,
        )

        /** Creates a wallet file whose data key [keySource] wraps, unlocked. */
        suspend fun create(
            file: File,
            keySource: KeySource,
            options: WalletOptions = defaultWalletOptions(),
            clock: Clock? = null,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): AsyncWallet = AsyncWallet(
            offThread(dispatcher, onDropped = { it.close() }) { Wallet.create(file, keySource, options, clock) },
            dispatcher,
        )

        /** Opens an existing wallet file, locked. */
        suspend fun open(
            file: File,
            options: WalletOptions = defaultWalletOptions(),
            clock: Clock? = null,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): AsyncWallet = AsyncWallet(
            offThread(dispatcher, onDropped = { it.close() }) { Wallet.open(file, options, clock) },
            dispatcher,
        )

        /**
         * Restores [backup] into a new wallet file protected by [newPassphrase]
         * (as `restoreBackupWithPassphrase`). A restore that finishes after
         * the caller was cancelled closes the wallet it opened; its file stays.
         */
        suspend fun restore(
            file: File,
            backup: ByteArray,
            backupPassphrase: String,
            newPassphrase: String,
            trustList: TrustList,
            options: WalletOptions = defaultWalletOptions(),
            clock: Clock? = null,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): RestoredWallet = offThread(dispatcher, onDropped = { it.wallet.close() }) {
            restoreBackupWithPassphrase(file.path, backup, backupPassphrase, newPassphrase, trustList, options, clock)
        }

        /** As [restore], protecting the restored wallet with [keySource]. */
        suspend fun restore(
            file: File,
            backup: ByteArray,
            backupPassphrase: String,
            keySource: KeySource,
            trustList: TrustList,
            options: WalletOptions = defaultWalletOptions(),
            clock: Clock? = null,
            dispatcher: CoroutineDispatcher = Dispatchers.IO,
        ): RestoredWallet = offThread(dispatcher, onDropped = { it.wallet.close() }) {
            restoreBackupWithKeySource(file.path, backup, backupPassphrase, keySource, trustList, options, clock)
        }
    }
}

/** This wallet with `suspend` functions on [dispatcher]. */
fun Wallet.async(dispatcher: CoroutineDispatcher = Dispatchers.IO): AsyncWallet = AsyncWallet(this, dispatcher)

/**
 * Runs [block] on [dispatcher] and suspends until it ends. Cancelling the
 * caller resumes it at once; [block] still runs to its end, and a result
 * that arrives after the cancellation goes to [onDropped] instead.
 */
internal suspend fun <T> offThread(
    dispatcher: CoroutineDispatcher,
    onDropped: (T) -> Unit = {},
    block: () -> T,
): T = suspendCancellableCoroutine { continuation ->
    dispatcher.asExecutor().execute {
        val result = try {
            block()
        } catch (e: Throwable) {
            // Ignored by a cancelled continuation: nothing to undo after a failure.
            continuation.resumeWithException(e)
            return@execute
        }
        if (continuation.isActive) {
            continuation.resume(result) { _ -> onDropped(result) }
        } else {
            onDropped(result)
        }
    }
}
