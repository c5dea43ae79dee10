package org.hawiya.demo.ui

import androidx.compose.foundation.Canvas
import androidx.compose.foundation.background
import androidx.compose.foundation.layout.aspectRatio
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.runtime.Composable
import androidx.compose.ui.Modifier
import androidx.compose.ui.geometry.Offset
import androidx.compose.ui.geometry.Size
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.semantics
import org.hawiya.demo.logic.QrView

/**
 * Draws the module grid the Rust core computed (no QR encoder in the app),
 * black on white with the 4-module quiet zone scanners need, whatever the
 * theme.
 */
@Composable
fun QrImage(qr: QrView, description: String, modifier: Modifier = Modifier) {
    val quiet = 4
    Canvas(
        modifier
            .fillMaxWidth()
            .aspectRatio(1f)
            .background(Color.White)
            .semantics { contentDescription = description },
    ) {
        val cells = qr.size + 2 * quiet
        val cell = size.minDimension / cells
        for (row in 0 until qr.size) {
            for (column in 0 until qr.size) {
                if (qr.isDark(row, column)) {
                    drawRect(
                        color = Color.Black,
                        topLeft = Offset((column + quiet) * cell, (row + quiet) * cell),
                        // A hair wider than the cell so no seams show between modules.
                        size = Size(cell + 0.5f, cell + 0.5f),
                    )
                }
            }
        }
    }
}
