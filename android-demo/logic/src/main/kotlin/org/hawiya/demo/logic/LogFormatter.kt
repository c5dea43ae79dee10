package org.hawiya.demo.logic

import hawiya.ffi.LogEntry
import java.util.TimeZone

/**
 * The presentation log as the holder reads it: newest first, local time, the
 * document and what it showed in words.
 *
 * The wallet records every code it makes, and the screen makes a new one
 * every 30 seconds while it is open, so one showing at a counter leaves a
 * run of entries. Entries of the same document, same claims and same mode
 * less than [runGapSeconds] apart are shown as one line ("3 codes,
 * 14:05–14:06"); nothing is dropped, the count says how many.
 */
class LogFormatter(
    private val timeZone: TimeZone,
    private val runGapSeconds: Long = DEFAULT_RUN_GAP_SECONDS,
) {
    /** The log's lines, newest first. [entries] may come in any order. */
    fun rows(entries: List<LogEntry>): List<LogRow> {
        val runs = mutableListOf<MutableList<LogEntry>>()
        for (entry in entries.sortedWith(compareBy({ it.at }, { it.id }))) {
            val run = runs.lastOrNull()
            val last = run?.last()
            if (last != null && sameShowing(last, entry) && entry.at - last.at < runGapSeconds) {
                run.add(entry)
            } else {
                runs.add(mutableListOf(entry))
            }
        }
        return runs.asReversed().map(::row)
    }

    private fun sameShowing(a: LogEntry, b: LogEntry) =
        a.documentNumber == b.documentNumber && a.disclosed.toSet() == b.disclosed.toSet() && a.mode == b.mode

    private fun row(run: List<LogEntry>): LogRow {
        val first = run.first()
        val last = run.last()
        val type = Texts.documentType(first.documentType)
        val at = if (run.size == 1) {
            Formatting.minute(first.at, timeZone)
        } else {
            val end = Formatting.minute(last.at, timeZone)
            val sameDay = end.substring(0, 10) == Formatting.minute(first.at, timeZone).substring(0, 10)
            "${Formatting.minute(first.at, timeZone)}–${if (sameDay) end.substring(11) else end}"
        }
        val mode = Texts.mode(first.mode)
        return LogRow(
            at = at,
            document = Words("${type.ar} ${first.documentNumber}", "${type.en} ${first.documentNumber}"),
            shown = Texts.claims(first.disclosed),
            mode = if (run.size == 1) {
                mode
            } else {
                Words("${mode.ar} · ${run.size} رموز", "${mode.en} · ${run.size} codes")
            },
        )
    }

    companion object {
        /** Two codes less than this far apart belong to one showing. */
        const val DEFAULT_RUN_GAP_SECONDS = 90L
    }
}
