package org.hawiya.demo

import android.os.Bundle
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
import org.hawiya.demo.logic.Texts
import org.hawiya.demo.platform.BiometricCipherAuthenticator
import org.hawiya.demo.ui.HawiyaTheme
import org.hawiya.demo.ui.VerifierScreen
import org.hawiya.demo.ui.WalletScreen

/**
 * The one activity: a wallet tab and a verifier tab. A FragmentActivity
 * because BiometricPrompt needs one.
 */
class MainActivity : FragmentActivity() {
    private val model: HawiyaViewModel by viewModels()

    override fun onCreate(savedInstanceState: Bundle?) {
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
                            else -> VerifierScreen(model.verdict, model::scanned, model::scanAgain)
                        }
                    }
                }
            }
        }
    }

    override fun onStart() {
        super.onStart()
        model.authenticator.current = BiometricCipherAuthenticator(this)
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
