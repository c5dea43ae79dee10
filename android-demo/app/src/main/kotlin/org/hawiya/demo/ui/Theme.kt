package org.hawiya.demo.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color
import org.hawiya.demo.logic.Tone

private val Green = Color(0xFF0B6E4F)
private val Amber = Color(0xFFB26A00)
private val Red = Color(0xFFB3261E)

/** The app's colours; the verdict colours do not change with dark mode. */
@Composable
fun HawiyaTheme(content: @Composable () -> Unit) {
    val scheme = if (isSystemInDarkTheme()) {
        darkColorScheme(primary = Color(0xFF6FD3A8))
    } else {
        lightColorScheme(primary = Green)
    }
    MaterialTheme(colorScheme = scheme, content = content)
}

/** The colour of a verdict or notice. */
fun Tone.color(): Color = when (this) {
    Tone.GOOD -> Green
    Tone.CAUTION -> Amber
    Tone.BAD -> Red
}
