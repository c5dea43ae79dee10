package org.hawiya.demo.logic

import hawiya.ffi.CalendarDate
import hawiya.toLocalDate
import java.time.DateTimeException
import java.time.Instant
import java.time.LocalDate
import java.time.ZoneId
import java.time.chrono.HijrahDate
import java.time.format.DateTimeFormatter
import java.time.temporal.ChronoField
import java.util.Locale
import java.util.TimeZone

/**
 * Dates and times as the screens show them: ISO digits (the same in both
 * languages), Gregorian with the Umm al-Qura Hijri date beside it, local
 * time for the log. The Hijri date comes from the platform's own Umm al-Qura
 * calendar (java.time's HijrahChronology, on Android since API 26).
 */
object Formatting {
    private val minute = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT)

    /** "1990-05-14". */
    fun gregorian(date: LocalDate): String = "%04d-%02d-%02d".format(Locale.ROOT, date.year, date.monthValue, date.dayOfMonth)

    /** "1410-10-19", or null outside the Umm al-Qura table (before 1300 AH or after 1600 AH). */
    fun hijri(date: LocalDate): String? = try {
        val h = HijrahDate.from(date)
        "%04d-%02d-%02d".format(
            Locale.ROOT,
            h.get(ChronoField.YEAR),
            h.get(ChronoField.MONTH_OF_YEAR),
            h.get(ChronoField.DAY_OF_MONTH),
        )
    } catch (e: DateTimeException) {
        null
    }

    /** "1990-05-14 · 1410-10-19 هـ", Gregorian then Hijri when known. */
    fun bothCalendars(date: LocalDate): String {
        val h = hijri(date) ?: return gregorian(date)
        return "${gregorian(date)} · $h هـ"
    }

    /** A binding date as a [LocalDate], or null if it is not a calendar date. */
    fun local(date: CalendarDate): LocalDate? = try {
        date.toLocalDate()
    } catch (e: DateTimeException) {
        null
    }

    /** The calendar day of a Unix time in [zone]. */
    fun day(unixSeconds: Long, zone: TimeZone): LocalDate =
        Instant.ofEpochSecond(unixSeconds).atZone(zone.toZoneId()).toLocalDate()

    /** "2026-11-26 14:05" in [zone]. */
    fun minute(unixSeconds: Long, zone: TimeZone): String =
        minute.format(Instant.ofEpochSecond(unixSeconds).atZone(zone.toZoneId()))

    /** The same zone for tests and servers: UTC. */
    val utc: TimeZone = TimeZone.getTimeZone(ZoneId.of("UTC"))
}
