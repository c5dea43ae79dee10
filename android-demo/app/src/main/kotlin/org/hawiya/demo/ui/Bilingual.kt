package org.hawiya.demo.ui

import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.runtime.CompositionLocalProvider
import androidx.compose.ui.Modifier
import androidx.compose.ui.graphics.Color
import androidx.compose.ui.platform.LocalLayoutDirection
import androidx.compose.ui.text.TextStyle
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.LayoutDirection
import androidx.compose.ui.unit.dp
import org.hawiya.demo.logic.CardField
import org.hawiya.demo.logic.Words

/** Arabic (right-aligned, RTL) above English (left-aligned, LTR). */
@Composable
fun Bilingual(
    words: Words,
    modifier: Modifier = Modifier,
    style: TextStyle = MaterialTheme.typography.bodyLarge,
    color: Color = Color.Unspecified,
) {
    Column(modifier.fillMaxWidth()) {
        CompositionLocalProvider(LocalLayoutDirection provides LayoutDirection.Rtl) {
            Text(words.ar, style = style, color = color, modifier = Modifier.fillMaxWidth(), textAlign = TextAlign.Start)
        }
        CompositionLocalProvider(LocalLayoutDirection provides LayoutDirection.Ltr) {
            Text(words.en, style = style, color = color, modifier = Modifier.fillMaxWidth(), textAlign = TextAlign.Start)
        }
    }
}

/** One card or verdict line: bilingual label, value in its own direction. */
@Composable
fun FieldLine(field: CardField) {
    Row(Modifier.fillMaxWidth().padding(vertical = 4.dp)) {
        Column(Modifier.weight(1f)) {
            Text(field.label.en, style = MaterialTheme.typography.labelMedium)
            Text(field.label.ar, style = MaterialTheme.typography.labelMedium)
        }
        val direction = if (field.rightToLeft) LayoutDirection.Rtl else LayoutDirection.Ltr
        CompositionLocalProvider(LocalLayoutDirection provides direction) {
            Text(field.value, style = MaterialTheme.typography.bodyLarge, modifier = Modifier.weight(1.4f))
        }
    }
}
