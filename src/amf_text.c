/* amf_text.c
 * Numbers and dates as text, the same in amf.json and the tree: the shortest
 * text that reads back as the same double, and ISO 8601 UTC dates.
 * Locale-independent (Wireshark runs with the user's locale).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf.h"

#include <glib.h>
#include <math.h>
#include <stdio.h>

void amf_format_number(double v, char *buf, size_t n)
{
    if (isnan(v)) {
        snprintf(buf, n, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, n, v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
    for (size_t i = 0; i < 3; i++) {
        g_ascii_formatd(buf, (gint)n, formats[i], v);
        if (g_ascii_strtod(buf, NULL) == v)
            return;
    }
}

bool amf_format_date(double ms, char *buf, size_t n)
{
    /* AS3 dates are within +-8.64e15 ms (so the seconds fit in 64 bits);
     * GDateTime refuses what is outside years 1 to 9999. */
    if (!isfinite(ms) || fabs(ms) > 8.64e15) {
        buf[0] = '\0';
        return false;
    }
    double secs = floor(ms / 1000.0);
    GDateTime *dt = g_date_time_new_from_unix_utc((gint64)secs);
    if (!dt) {
        buf[0] = '\0';
        return false;
    }
    int millis = (int)(ms - secs * 1000.0);
    if (millis < 0 || millis > 999)
        millis = 0;
    /* Four-digit years (ISO 8601), also before the year 1000. */
    gint year, month, day;
    g_date_time_get_ymd(dt, &year, &month, &day);
    snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, month, day,
             g_date_time_get_hour(dt), g_date_time_get_minute(dt), g_date_time_get_second(dt),
             millis);
    g_date_time_unref(dt);
    return true;
}
