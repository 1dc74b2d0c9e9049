/* ws-compat.h
 * The few places where Wireshark's plugin API differs between the releases
 * amftcp builds against (4.0, 4.4, 4.6; scripts/compile-check.sh checks the
 * last two against their Debian -dev packages).  Every version test of the
 * plugin lives here; the other files use the names below.
 *
 * 4.2 has no Debian package to check against; its side of each test is
 * chosen from what changed when, and is unverified.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef WS_COMPAT_H
#define WS_COMPAT_H

#include <stdbool.h>
#include <glib.h>
#include <ws_version.h>

/* True when building against Wireshark major.minor or newer. */
#define AMFTCP_WS_AT_LEAST(major, minor) \
    (WIRESHARK_VERSION_MAJOR > (major) || \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* Heuristic dissectors return bool from 4.4 on (gboolean before), and
 * boolean preferences are stored in a bool from 4.4 on (gboolean before).
 * The two are separate names because they are separate API promises. */
#if AMFTCP_WS_AT_LEAST(4, 4)
typedef bool amftcp_heur_bool;
typedef bool amftcp_pref_bool;
#else
typedef gboolean amftcp_heur_bool;
typedef gboolean amftcp_pref_bool;
#endif

/* plugin_describe() and its WS_PLUGIN_DESC_* flags (wsutil/plugins.h) came
 * after 4.0, which has no such header.  Tested by presence rather than by
 * version, so a release between the checked ones decides for itself. */
#if defined(__has_include)
#  if __has_include(<wsutil/plugins.h>)
#    include <wsutil/plugins.h>
#  endif
#endif
#ifdef WS_PLUGIN_DESC_DISSECTOR
#  define AMFTCP_HAVE_PLUGIN_DESCRIBE 1
#else
#  define AMFTCP_HAVE_PLUGIN_DESCRIBE 0
#endif

/* format_text() takes the text as const guchar * on 4.0 and as
 * const char * on 4.4 and later; a const void * converts to either
 * without a cast warning. */
#define amftcp_format_text(pool, text, len) \
    format_text((pool), (const void *)(text), (len))

/* Inflating a zlib/deflate payload into a child tvb: 4.4 renamed the call
 * tvb_child_uncompress_zlib and deprecated the old name (still there, so a
 * release between 4.0 and 4.4 can at worst warn). */
#if AMFTCP_WS_AT_LEAST(4, 4)
#  define amftcp_tvb_child_inflate(parent, tvb, offset, length) \
    tvb_child_uncompress_zlib((parent), (tvb), (offset), (length))
#else
#  define amftcp_tvb_child_inflate(parent, tvb, offset, length) \
    tvb_child_uncompress((parent), (tvb), (offset), (length))
#endif

/* The init callback of a `-z` statistic (stat_tap_ui) returns whether it
 * started from 4.6 on, and tshark then stops on false; before, it returns
 * nothing and stops tshark itself on a bad argument, as Wireshark's own
 * statistics do (4.4: void, 4.6: bool, both checked). */
#if AMFTCP_WS_AT_LEAST(4, 6)
typedef bool amftcp_stat_init_result;
#  define AMFTCP_STAT_INIT_DONE   return true
#  define AMFTCP_STAT_INIT_FAILED return false
#else
typedef void amftcp_stat_init_result;
#  define AMFTCP_STAT_INIT_DONE   return
#  define AMFTCP_STAT_INIT_FAILED exit(1)
#endif

/* What TLS hands its heuristic subdissectors as data: on 4.0 the
 * session's app handle itself (dissector_handle_t *), from 4.2 on a struct
 * tlsinfo (epan/dissectors/packet-tls.h) whose app_handle points to it
 * (4.4 and 4.6 checked; 4.2 unverified).  A heuristic that stores its
 * handle there is called for the rest of the session.  NULL: no slot. */
#if AMFTCP_WS_AT_LEAST(4, 2)
#  include <epan/dissectors/packet-tls.h>
#  define amftcp_tls_app_handle_slot(data) \
    ((data) ? ((struct tlsinfo *)(data))->app_handle : (dissector_handle_t *)NULL)
#else
#  define amftcp_tls_app_handle_slot(data) ((dissector_handle_t *)(data))
#endif

/* What a "media_type" dissector is given by HTTP: http_message_info_t
 * (packet-http.h) on 4.0, media_content_info_t (packet-media-type.h) from
 * 4.2 on (4.4 and 4.6 checked).  Tested by presence of the newer header. */
#if defined(__has_include)
#  if __has_include(<epan/dissectors/packet-media-type.h>)
#    define AMFTCP_HAVE_MEDIA_CONTENT_INFO 1
#  endif
#endif
#ifdef AMFTCP_HAVE_MEDIA_CONTENT_INFO
#  include <epan/dissectors/packet-media-type.h>
typedef media_content_info_t amftcp_media_info;
#  define AMFTCP_MEDIA_HTTP_REQUEST  MEDIA_CONTAINER_HTTP_REQUEST
#  define AMFTCP_MEDIA_HTTP_RESPONSE MEDIA_CONTAINER_HTTP_RESPONSE
#else
#  include <epan/dissectors/packet-http.h>
typedef http_message_info_t amftcp_media_info;
#  define AMFTCP_MEDIA_HTTP_REQUEST  HTTP_REQUEST
#  define AMFTCP_MEDIA_HTTP_RESPONSE HTTP_RESPONSE
#endif

/* register_follow_stream() takes two more callbacks from 4.2 on: the
 * number of streams (TCP's own count here) and sub-stream ids (none)
 * (4.4 and 4.6 checked; 4.2 unverified). */
#if AMFTCP_WS_AT_LEAST(4, 2)
#  define AMFTCP_FOLLOW_STREAM_EXTRA_ARGS , get_tcp_stream_count, NULL
#else
#  define AMFTCP_FOLLOW_STREAM_EXTRA_ARGS
#endif

#endif /* WS_COMPAT_H */
