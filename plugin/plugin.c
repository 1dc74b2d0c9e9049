/* plugin.c
 * Entry points Wireshark looks for when it loads amftcp as a plugin.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include <ws_version.h>

#include "ws-compat.h"

#ifndef AMFTCP_VERSION
#define AMFTCP_VERSION "0.0.0"
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = AMFTCP_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if AMFTCP_HAVE_PLUGIN_DESCRIBE
WS_DLL_PUBLIC uint32_t plugin_describe(void);
#endif

void proto_register_amftcp(void);
void proto_reg_handoff_amftcp(void);
void amftcp_stats_register(void);
void amftcp_jsonl_register(void);

/* Listeners of the "amftcp" tap: the stats tree and JSON Lines. */
static void register_tap_listeners(void)
{
    amftcp_stats_register();
    amftcp_jsonl_register();
}

void plugin_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = proto_register_amftcp;
    plug.register_handoff = proto_reg_handoff_amftcp;
    proto_register_plugin(&plug);

    static tap_plugin tap_plug;
    tap_plug.register_tap_listener = register_tap_listeners;
    tap_register_plugin(&tap_plug);
}

#if AMFTCP_HAVE_PLUGIN_DESCRIBE
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif
