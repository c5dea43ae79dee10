package org.hawiya.demo

import android.os.Build
import android.os.Bundle
import android.view.WindowManager
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.viewModels
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.NavigationBar
import androidx.compose.material3.NavigationBarItem
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableIntStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.fragment.app.FragmentActivity
import hawiya.android.BiometricCipherAuthenticator
import hawiya.android.PromptText
import org.hawiya.demo.logic.Texts
import org.hawiya.demo.ui.HawiyaTheme
import org.hawiya.demo.ui.VerifierScreen
import org.hawiya.demo.ui.WalletScreen

/**
 * The one activity: a wallet tab and a verifier tab. A FragmentActivity
 * because BiometricPrompt needs one.
 *
 * Both tabs show ID data (the card and QR code; the verified claims), so the
 * whole window is FLAG_SECURE: no screenshots, no screen recording, no
 * casting, and a blank thumbnail in the recent-apps list, which API 33+ also
 * gets from setRecentsScreenshotEnabled(false).
 */
class MainActivity : FragmentActivity() {
    private val model: HawiyaViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
        window.setFlags(WindowManager.LayoutParams.FLAG_SECURE, WindowManager.LayoutParams.FLAG_SECURE)
        if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.TIRAMISU) {
            setRecentsScreenshotEnabled(false)
        }
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent {
            HawiyaTheme {
                var tab by rememberSaveable { mutableIntStateOf(0) }
                Scaffold(
                    bottomBar = {
                        NavigationBar {
                            NavigationBarItem(
                                selected = tab == 0,
                                onClick = { tab = 0 },
                                icon = {},
                                label = { Text("${Texts.walletTab.en} · ${Texts.walletTab.ar}") },
                            )
                            NavigationBarItem(
                                selected = tab == 1,
                                onClick = { tab = 1 },
                                icon = {},
                                label = { Text("${Texts.verifierTab.en} · ${Texts.verifierTab.ar}") },
                            )
                        }
                    },
                ) { padding ->
                    Box(Modifier.padding(padding)) {
                        when (tab) {
                            0 -> WalletScreen(model.walletState, model)
                            else -> VerifierScreen(
                                model.verdict,
                                model.challenge,
                                model::scanned,
                                model::scanAgain,
                                model::showChallenge,
                                model::hideChallenge,
                            )
                        }
                    }
                }
            }
        }
    }

    override fun onStart() {
        super.onStart()
        model.authenticator.current = BiometricCipherAuthenticator(
            this,
            PromptText { use -> Texts.unlockPrompt(use).let { it.en to it.ar } },
        )
    }

    override fun onStop() {
        // Leaving the app forgets the wallet's data key: the next look needs
        // the fingerprint again. Not on rotation, and not while the system's
        // PIN screen (part of the prompt) covers the app.
        if (!isChangingConfigurations && !model.authenticator.prompting) {
            model.lock()
            model.authenticator.current = null
        }
        super.onStop()
    }
}
