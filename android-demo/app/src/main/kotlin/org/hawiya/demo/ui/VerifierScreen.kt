package org.hawiya.demo.ui

import android.Manifest
import android.content.pm.PackageManager
import androidx.activity.compose.rememberLauncherForActivityResult
import androidx.activity.result.contract.ActivityResultContracts
import androidx.camera.core.CameraSelector
import androidx.camera.core.ImageAnalysis
import androidx.camera.core.Preview
import androidx.camera.lifecycle.ProcessCameraProvider
import androidx.camera.view.PreviewView
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.DisposableEffect
import androidx.compose.runtime.LaunchedEffect
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.remember
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.LocalContext
import androidx.compose.ui.unit.dp
import androidx.compose.ui.viewinterop.AndroidView
import androidx.core.content.ContextCompat
import androidx.lifecycle.compose.LocalLifecycleOwner
import com.google.mlkit.vision.barcode.BarcodeScannerOptions
import com.google.mlkit.vision.barcode.BarcodeScanning
import com.google.mlkit.vision.barcode.common.Barcode
import com.google.mlkit.vision.common.InputImage
import java.util.concurrent.Executors
import org.hawiya.demo.logic.ChallengeView
import org.hawiya.demo.logic.Texts
import org.hawiya.demo.logic.VerdictView

/**
 * The clerk's screen: camera preview, and the verdict in plain words once a
 * hawiya code is read. Which codes to look at and what the verdict says are
 * decided in :logic (ScanFilter, VerifierController); this only wires CameraX
 * and ML Kit.
 */
@Composable
fun VerifierScreen(
    verdict: VerdictView?,
    challenge: ChallengeView?,
    onScanned: (String) -> Unit,
    onScanAgain: () -> Unit,
    onShowChallenge: () -> Unit,
    onHideChallenge: () -> Unit,
) {
    val context = LocalContext.current
    var permitted by remember {
        mutableStateOf(
            ContextCompat.checkSelfPermission(context, Manifest.permission.CAMERA) ==
                PackageManager.PERMISSION_GRANTED,
        )
    }
    val askCamera = rememberLauncherForActivityResult(ActivityResultContracts.RequestPermission()) {
        permitted = it
    }
    LaunchedEffect(Unit) { if (!permitted) askCamera.launch(Manifest.permission.CAMERA) }

    Column(
        Modifier.fillMaxSize().padding(16.dp).verticalScroll(rememberScrollState()),
        verticalArrangement = Arrangement.spacedBy(12.dp),
    ) {
        when {
            verdict != null -> {
                VerdictCard(verdict)
                Button(onClick = onScanAgain, Modifier.fillMaxWidth()) {
                    Text("${Texts.scanAgain.en} · ${Texts.scanAgain.ar}")
                }
            }
            permitted -> {
                // "Show challenge": six digits and their QR code for the
                // holder's phone to answer; the next scan is checked against it.
                if (challenge != null) {
                    ChallengeCard(challenge)
                    Row(verticalAlignment = Alignment.CenterVertically) {
                        OutlinedButton(onClick = onShowChallenge, Modifier.weight(1f)) { Text(Texts.showChallenge.en) }
                        OutlinedButton(onClick = onHideChallenge, Modifier.weight(1f)) { Text(Texts.hideChallenge.en) }
                    }
                } else {
                    OutlinedButton(onClick = onShowChallenge, Modifier.fillMaxWidth()) {
                        Text("${Texts.showChallenge.en} · ${Texts.showChallenge.ar}")
                    }
                }
                Bilingual(Texts.pointAtCode)
                QrScanner(onScanned, Modifier.fillMaxWidth().aspectRatio(3f / 4f))
            }
            else -> {
                Bilingual(Texts.cameraNeeded)
                Button(onClick = { askCamera.launch(Manifest.permission.CAMERA) }) {
                    Text("${Texts.allowCamera.en} · ${Texts.allowCamera.ar}")
                }
            }
        }
    }
}

@Composable
private fun ChallengeCard(challenge: ChallengeView) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp), horizontalAlignment = Alignment.CenterHorizontally) {
            Text(challenge.digits, style = MaterialTheme.typography.displayMedium)
            QrImage(challenge.qr, description = challenge.qr.shows.en, modifier = Modifier.padding(8.dp))
            Bilingual(Texts.challengeInstructions, style = MaterialTheme.typography.bodyMedium)
        }
    }
}

@Composable
private fun VerdictCard(verdict: VerdictView) {
    Card(Modifier.fillMaxWidth()) {
        Column(Modifier.padding(16.dp)) {
            Bilingual(verdict.headline, style = MaterialTheme.typography.headlineMedium, color = verdict.tone.color())
            verdict.reasons.forEach { Bilingual(it, Modifier.padding(top = 6.dp)) }
            if (verdict.claims.isNotEmpty()) {
                HorizontalDivider(Modifier.padding(vertical = 8.dp))
                verdict.claims.forEach { FieldLine(it) }
            }
            if (verdict.details.isNotEmpty()) {
                HorizontalDivider(Modifier.padding(vertical = 8.dp))
                verdict.details.forEach { FieldLine(it) }
            }
        }
    }
}

/** CameraX preview plus an ML Kit QR analyzer; calls [onText] for each QR it reads. */
@androidx.annotation.OptIn(androidx.camera.core.ExperimentalGetImage::class)
@Composable
internal fun QrScanner(onText: (String) -> Unit, modifier: Modifier) {
    val context = LocalContext.current
    val lifecycleOwner = LocalLifecycleOwner.current
    val analysisExecutor = remember { Executors.newSingleThreadExecutor() }
    val scanner = remember {
        BarcodeScanning.getClient(
            BarcodeScannerOptions.Builder().setBarcodeFormats(Barcode.FORMAT_QR_CODE).build(),
        )
    }
    DisposableEffect(Unit) {
        onDispose {
            scanner.close()
            analysisExecutor.shutdown()
        }
    }
    AndroidView(
        modifier = modifier,
        factory = { viewContext ->
            val previewView = PreviewView(viewContext)
            val providerFuture = ProcessCameraProvider.getInstance(viewContext)
            providerFuture.addListener({
                val provider = providerFuture.get()
                val preview = Preview.Builder().build().also { it.setSurfaceProvider(previewView.surfaceProvider) }
                val analysis = ImageAnalysis.Builder()
                    .setBackpressureStrategy(ImageAnalysis.STRATEGY_KEEP_ONLY_LATEST)
                    .build()
                analysis.setAnalyzer(analysisExecutor) { proxy ->
                    val media = proxy.image
                    if (media == null) {
                        proxy.close()
                        return@setAnalyzer
                    }
                    val image = InputImage.fromMediaImage(media, proxy.imageInfo.rotationDegrees)
                    scanner.process(image)
                        .addOnSuccessListener { codes -> codes.firstNotNullOfOrNull { it.rawValue }?.let(onText) }
                        .addOnCompleteListener { proxy.close() }
                }
                provider.unbindAll()
                provider.bindToLifecycle(lifecycleOwner, CameraSelector.DEFAULT_BACK_CAMERA, preview, analysis)
            }, ContextCompat.getMainExecutor(context))
            previewView
        },
        onRelease = {
            ProcessCameraProvider.getInstance(context).addListener(
                { ProcessCameraProvider.getInstance(context).get().unbindAll() },
                ContextCompat.getMainExecutor(context),
            )
        },
    )
}
