package org.hawiya.demo

import android.app.Application
import android.os.Handler
import android.os.Looper
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.setValue
import androidx.lifecycle.AndroidViewModel
import hawiya.android.KeystoreWrappingKey
import hawiya.keysource.DataKeyWrapper
import hawiya.keysource.DelegatingAuthenticator
import hawiya.keysource.PlatformKeySource
import java.io.File
import java.util.TimeZone
import org.hawiya.demo.logic.ChallengeView
import org.hawiya.demo.logic.DemoData
import org.hawiya.demo.logic.DisclosureChoice
import org.hawiya.demo.logic.ExecutorScheduler
import org.hawiya.demo.logic.SystemClock
import org.hawiya.demo.logic.VerdictView
import org.hawiya.demo.logic.VerifierController
import org.hawiya.demo.logic.WalletController
import org.hawiya.demo.logic.WalletState
import org.hawiya.demo.ui.WalletActions

/**
 * Holds the wallet and the verifier for the life of the app process and
 * turns their state into Compose state. Every wallet call runs on one
 * background thread ([walletThread]): unlocking waits for the biometric
 * prompt, which must not block the UI thread. New states are posted to the
 * main thread. Anything thrown there (even an Error, such as the native
 * library failing to load) ends on the wallet screen as a message, with
 * Unlock enabled to try again.
 */
class HawiyaViewModel(application: Application) : AndroidViewModel(application), WalletActions {
    /** The activity on screen plugs its BiometricPrompt in here. */
    val authenticator = DelegatingAuthenticator()

    private val walletThread = ExecutorScheduler(onError = { e ->
        val failed = WalletController.failedState(e)
        main.post { walletState = failed }
    })

    /** Compose state is written on the main thread only. */
    private val main = Handler(Looper.getMainLooper())
    private val wrappingKey = KeystoreWrappingKey()
    private val keySource = PlatformKeySource(DataKeyWrapper(wrappingKey, authenticator))
    private val folder: File = application.filesDir

    /** The wallet screen's state. */
    var walletState: WalletState by mutableStateOf(WalletState.Locked(notice = null, busy = true))
        private set

    /** The verifier screen's verdict, null while scanning. */
    var verdict: VerdictView? by mutableStateOf(null)
        private set

    /** The challenge on the verifier screen, null when none is shown. */
    var challenge: ChallengeView? by mutableStateOf(null)
        private set

    @Volatile private var wallet: WalletController? = null
    @Volatile private var verifier: VerifierController? = null

    init {
        walletThread.run { setUp() }
    }

    /**
     * Opens the demo wallet, or on first start makes it (one biometric prompt
     * to wrap its data key) with a national ID and a dependent's ID from a
     * test issuer, and the verifier's trust list. Runs on the wallet thread.
     */
    private fun setUp() {
        val demo = try {
            DemoData.openOrCreate(folder, keySource, SystemClock)
        } catch (e: Throwable) {
            val failed = WalletController.failedState(e)
            main.post { walletState = failed }
            return
        }
        val controller = WalletController(
            wallet = demo.wallet,
            keySource = keySource,
            clock = SystemClock,
            dispatcher = walletThread.dispatcher,
            timeZone = TimeZone.getDefault(),
        )
        controller.onChange = { next -> main.post { walletState = next } }
        wallet = controller
        val first = controller.state
        main.post { walletState = first }
        verifier = VerifierController(demo.verifier(), SystemClock, TimeZone.getDefault(), demo.verifierMemory).also { v ->
            v.onChange = { next ->
                val shown = v.challenge
                main.post {
                    verdict = next
                    challenge = shown
                }
            }
        }
    }

    override fun unlock() = walletThread.run { wallet?.unlock() ?: setUp() }
    override fun lock() = onWallet { it.lock() }
    override fun select(documentNumber: Long) = onWallet { it.select(documentNumber) }
    override fun choose(choice: DisclosureChoice) = onWallet { it.choose(choice) }
    override fun startQr() = onWallet { it.startQr() }
    override fun stopQr() = onWallet { it.stopQr() }
    override fun clearLog() = onWallet { it.clearLog() }
    override fun requestReset() = onWallet { it.requestReset() }
    override fun cancelReset() = onWallet { it.cancelReset() }
    override fun confirmReset() = onWallet { it.confirmReset() }
    override fun secondsUntilNewCode(): Long = wallet?.secondsUntilNewCode() ?: 0L

    /** A QR text from the camera; repeated and foreign codes are ignored there. */
    fun scanned(text: String) = walletThread.run { verifier?.scan(text) }

    /** Back to the camera. */
    fun scanAgain() = walletThread.run { verifier?.reset() }

    /** "Show challenge": a fresh challenge for the next holder. */
    fun showChallenge() = walletThread.run {
        val v = verifier ?: return@run
        val shown = v.showChallenge()
        main.post { challenge = shown }
    }

    /** Takes the challenge off the verifier screen. */
    fun hideChallenge() = walletThread.run {
        verifier?.cancelChallenge()
        main.post { challenge = null }
    }

    override fun answerChallenge(text: String) = onWallet { it.answerChallenge(text) }
    override fun clearChallenge() = onWallet { it.clearChallenge() }

    private fun onWallet(action: (WalletController) -> Unit) = walletThread.run { wallet?.let(action) }

    override fun onCleared() {
        walletThread.run { wallet?.close() }
        walletThread.shutdown()
    }
}
