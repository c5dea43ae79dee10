package org.hawiya.demo.ui

import android.graphics.BitmapFactory
import androidx.compose.foundation.Image
import androidx.compose.foundation.clickable
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.Spacer
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.height
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.layout.size
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.Checkbox
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.ModalBottomSheet
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.OutlinedTextField
import androidx.compose.material3.RadioButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableLongStateOf
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.asImageBitmap
import android.Manifest
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.text.KeyboardOptions
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.text.input.KeyboardType
import androidx.core.content.ContextCompat
import org.hawiya.demo.logic.VerifierController
import androidx.compose.ui.unit.dp
import kotlinx.coroutines.delay
import org.hawiya.demo.logic.CardView
import org.hawiya.demo.logic.DisclosureChoice
import org.hawiya.demo.logic.LogRow
import org.hawiya.demo.logic.Notice
import org.hawiya.demo.logic.PeopleView
import org.hawiya.demo.logic.QrView
import org.hawiya.demo.logic.Texts
import org.hawiya.demo.logic.WalletState

/** What the wallet screen can ask for; the view model forwards to the controller. */
interface WalletActions {
    fun unlock()
    fun lock()
    fun select(documentNumber: Long)
    fun choose(choice: DisclosureChoice)
    fun startQr()
    fun stopQr()
    fun secondsUntilNewCode(): Long
    fun clearLog()
    fun requestReset()
    fun cancelReset()
    fun confirmReset()
    /** The verifier's challenge, typed (six digits) or scanned (`HWC:` text). */
    fun answerChallenge(text: String)
    fun clearChallenge()
}

/** The holder's screen: card, live QR, disclosure sheet, dependents, log. */
@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun WalletScreen(state: WalletState, actions: WalletActions) {
    when (state) {
        is WalletState.Locked -> LockedWallet(state, actions)
        is WalletState.Open -> {
            // The QR refreshes only while this screen is on display (the
            // controller itself renews it when another document is selected).
            DisposableEffect(Unit) {
                actions.startQr()
                onDispose { actions.stopQr() }
            }
            var sheetOpen by remember { mutableStateOf(false) }
            LazyColumn(
                Modifier.fillMaxSize().padding(horizontal = 16.dp),
                verticalArrangement = Arrangement.spacedBy(12.dp),
            ) {
                item { state.notice?.let { NoticeLine(it) } }
                item { state.card?.let { IdCard(it) } }
                item { LiveQr(state.qr, state.qrNotice, actions) { sheetOpen = true } }
                item { ChallengeEntry(state.challenge, actions) }
                item { People(state.people, state.selected, actions) }
                item {
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        Bilingual(Texts.logTitle, Modifier.weight(1f), MaterialTheme.typography.titleMedium)
                        TextButton(onClick = actions::clearLog) { Text(Texts.clearLog.en) }
                    }
                }
                if (state.log.isEmpty()) item { Bilingual(Texts.logEmpty) }
                items(state.log) { LogLine(it) }
                item {
                    OutlinedButton(onClick = actions::lock, Modifier.fillMaxWidth()) {
                        Text("${Texts.lock.en} · ${Texts.lock.ar}")
                    }
                    Spacer(Modifier.height(24.dp))
                }
            }
            if (sheetOpen) {
                ModalBottomSheet(onDismissRequest = { sheetOpen = false }) {
                    DisclosureSheet(state.disclosure) {
                        actions.choose(it)
                    }
                }
            }
        }
    }
}

@Composable
private fun LockedWallet(state: WalletState.Locked, actions: WalletActions) {
    Column(
        Modifier.fillMaxSize().padding(32.dp),
        verticalArrangement = Arrangement.Center,
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Bilingual(Texts.lockedTitle, style = MaterialTheme.typography.headlineSmall)
        Spacer(Modifier.height(16.dp))
        state.notice?.let { NoticeLine(it) }
        Spacer(Modifier.height(16.dp))
        Button(onClick = actions::unlock, enabled = !state.busy, modifier = Modifier.fillMaxWidth()) {
            Text("${Texts.unlock.en} · ${Texts.unlock.ar}")
        }
        Spacer(Modifier.height(8.dp))
        TextButton(onClick = actions::requestReset, enabled = !state.busy) {
            Text("${Texts.resetWallet.en} · ${Texts.resetWallet.ar}")
        }
    }
    if (state.confirmingReset) {
        AlertDialog(
            onDismissRequest = actions::cancelReset,
            title = { Bilingual(Texts.resetWallet) },
            text = { Bilingual(Texts.resetWarning) },
            confirmButton = {
                TextButton(onClick = actions::confirmReset) { Text("${Texts.resetConfirm.en} · ${Texts.resetConfirm.ar}") }
            },
            dismissButton = {
                TextButton(onClick = actions::cancelReset) { Text("${Texts.resetCancel.en} · ${Texts.resetCancel.ar}") }
            },
        )
    }
}

@Composable
private fun NoticeLine(notice: Notice) {
    Bilingual(notice.words, color = notice.tone.color())
}

@Composable
private fun IdCard(card: CardView) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp)) {
            Bilingual(card.title, style = MaterialTheme.typography.titleMedium)
            Row(Modifier.padding(vertical = 8.dp), verticalAlignment = Alignment.CenterVertically) {
                val portrait = remember(card.portrait) {
                    card.portrait?.let { BitmapFactory.decodeByteArray(it, 0, it.size)?.asImageBitmap() }
                }
                if (portrait != null) {
                    Image(portrait, contentDescription = Texts.portrait.en, modifier = Modifier.size(72.dp))
                    Spacer(Modifier.size(12.dp))
                }
                Column(Modifier.weight(1f)) {
                    Bilingual(
                        org.hawiya.demo.logic.Words(card.nameAr, card.nameEn),
                        style = MaterialTheme.typography.titleLarge,
                    )
                }
            }
            card.notice?.let { NoticeLine(it) }
            HorizontalDivider()
            card.fields.forEach { FieldLine(it) }
        }
    }
}

@Composable
private fun LiveQr(qr: QrView?, notice: Notice?, actions: WalletActions, onChoose: () -> Unit) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), horizontalAlignment = Alignment.CenterHorizontally) {
            if (qr != null) {
                QrImage(qr, description = qr.shows.en, modifier = Modifier.padding(8.dp))
                Bilingual(qr.shows, style = MaterialTheme.typography.bodyMedium)
                var left by remember(qr.text) { mutableLongStateOf(actions.secondsUntilNewCode()) }
                LaunchedEffect(qr.text) {
                    while (true) {
                        left = actions.secondsUntilNewCode()
                        delay(1_000)
                    }
                }
                Bilingual(Texts.newCodeIn(left), style = MaterialTheme.typography.labelMedium)
            } else {
                Box(Modifier.fillMaxWidth().height(120.dp), contentAlignment = Alignment.Center) {
                    Bilingual(Texts.noCode)
                }
            }
            notice?.let { NoticeLine(it) }
            Button(onClick = onChoose, Modifier.fillMaxWidth()) {
                Text("${Texts.chooseWhatToShare.en} · ${Texts.chooseWhatToShare.ar}")
            }
        }
    }
}

@Composable
private fun DisclosureSheet(choice: DisclosureChoice, onChange: (DisclosureChoice) -> Unit) {
    Column(Modifier.padding(16.dp)) {
        Bilingual(Texts.chooseWhatToShare, style = MaterialTheme.typography.titleMedium)
        choice.presets.forEach { option ->
            Row(
                Modifier.fillMaxWidth().clickable { onChange(choice.withPreset(option.preset)) },
                verticalAlignment = Alignment.CenterVertically,
            ) {
                RadioButton(selected = choice.preset == option.preset, onClick = { onChange(choice.withPreset(option.preset)) })
                Column { Bilingual(option.name); Bilingual(option.shows, style = MaterialTheme.typography.bodySmall) }
            }
        }
        HorizontalDivider(Modifier.padding(vertical = 8.dp))
        choice.toggles.forEach { toggle ->
            Row(
                Modifier.fillMaxWidth().clickable { onChange(choice.toggled(toggle.claim)) },
                verticalAlignment = Alignment.CenterVertically,
            ) {
                Checkbox(checked = toggle.shown, onCheckedChange = { onChange(choice.toggled(toggle.claim)) })
                Bilingual(toggle.label)
            }
        }
        choice.problem?.let { Bilingual(it, color = MaterialTheme.colorScheme.error) }
        Spacer(Modifier.height(24.dp))
    }
}

@Composable
private fun People(people: PeopleView, selected: Long?, actions: WalletActions) {
    Column {
        (people.holders + people.dependents).forEach { person ->
            Bilingual(person.name, style = MaterialTheme.typography.titleMedium)
            person.relation?.let { Bilingual(it, style = MaterialTheme.typography.bodySmall) }
            person.documents.forEach { doc ->
                val chosen = doc.number == selected
                Card(
                    Modifier.fillMaxWidth().padding(vertical = 4.dp).clickable { actions.select(doc.number) },
                ) {
                    Column(Modifier.padding(12.dp)) {
                        Bilingual(
                            doc.title,
                            style = if (chosen) MaterialTheme.typography.titleSmall else MaterialTheme.typography.bodyLarge,
                        )
                        Bilingual(doc.subtitle, style = MaterialTheme.typography.bodySmall)
                    }
                }
            }
        }
    }
}

@Composable
private fun LogLine(row: LogRow) {
    Column(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
        Text(row.at, style = MaterialTheme.typography.labelMedium)
        Bilingual(row.document, style = MaterialTheme.typography.bodyMedium)
        Bilingual(row.shown, style = MaterialTheme.typography.bodySmall)
        Bilingual(row.mode, style = MaterialTheme.typography.bodySmall)
        HorizontalDivider()
    }
}

/**
 * "Scan challenge" / type it: the verifier's six digits, which the codes
 * from now on answer (the rules, and what counts as a challenge, are in
 * WalletController.answerChallenge).
 */
@Composable
private fun ChallengeEntry(answering: String?, actions: WalletActions) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), verticalArrangement = Arrangement.spacedBy(8.dp)) {
            Bilingual(Texts.verifierChallenge, style = MaterialTheme.typography.titleSmall)
            if (answering != null) {
                Text(answering, style = MaterialTheme.typography.headlineSmall)
                TextButton(onClick = actions::clearChallenge) { Text("${Texts.stopAnswering.en} · ${Texts.stopAnswering.ar}") }
                return@Column
            }
            var typed by remember { mutableStateOf("") }
            var scanning by remember { mutableStateOf(false) }
            val context = LocalContext.current
            // The camera is asked for only when the holder wants to scan.
            val askCamera = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) { granted ->
                scanning = granted
            }
            Row(verticalAlignment = Alignment.CenterVertically) {
                OutlinedTextField(
                    value = typed,
                    onValueChange = { typed = it.take(12) },
                    label = { Text("${Texts.typeChallenge.en} · ${Texts.typeChallenge.ar}") },
                    keyboardOptions = KeyboardOptions(keyboardType = KeyboardType.Number),
                    singleLine = true,
                    modifier = Modifier.weight(1f),
                )
                Spacer(Modifier.size(8.dp))
                Button(onClick = { actions.answerChallenge(typed); typed = "" }, enabled = typed.isNotBlank()) {
                    Text(Texts.answerChallenge.en)
                }
            }
            if (scanning) {
                QrScanner(
                    // On the main thread; the camera reads a code many times
                    // a second: the first challenge QR ends the scan, other
                    // codes in view are ignored.
                    onText = { text ->
                        if (scanning && text.startsWith(VerifierController.CHALLENGE_PREFIX)) {
                            scanning = false
                            actions.answerChallenge(text)
                        }
                    },
                    modifier = Modifier.fillMaxWidth().aspectRatio(1f),
                )
            } else {
                OutlinedButton(
                    onClick = {
                        val permitted = ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) ==
                            PackageManager.PERMISSION_GRANTED
                        if (permitted) scanning = true else askCamera.launch(Manifest.permission.CAMERA)
                    },
                    modifier = Modifier.fillMaxWidth(),
                ) {
                    Text("${Texts.scanChallenge.en} · ${Texts.scanChallenge.ar}")
                }
            }
        }
    }
}
