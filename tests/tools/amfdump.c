/* amfdump.c
 * Decode one AMF value from a file with the core alone and print its events
 * and JSON: a tool for writing and checking the core's tests.
 *   amfdump [-0|-3] [-e] FILE [OFFSET]
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf.h"
#include "amf_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = { "SCALAR", "BEGIN", "END", "REF", "TRAITS", "FLAGS", "WARN", "ERROR" };

static void print_event(void *user, const amf_event *ev)
{
    amf_json_event(user, ev);
    printf("%*s%s %s off=%u len=%u", (int)ev->depth * 2, "", kinds[ev->kind],
           amf_type_name(ev->type), ev->offset, ev->length);
    if (ev->name.ptr)
        printf(" name=%.*s", (int)ev->name.len, ev->name.ptr);
    if (ev->class_name.len)
        printf(" class=%.*s", (int)ev->class_name.len, ev->class_name.ptr);
    if (ev->kind == AMF_EV_ERROR || ev->kind == AMF_EV_WARNING)
        printf(" [%s] %s", amf_error_name(ev->error), ev->message);
    printf(" flags=0x%x\n", ev->flags);
}

int main(int argc, char **argv)
{
    amf_version version = AMF_VERSION_3;
    bool events = false, packet = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-0")) version = AMF_VERSION_0;
        else if (!strcmp(argv[i], "-3")) version = AMF_VERSION_3;
        else if (!strcmp(argv[i], "-e")) events = true;
        else if (!strcmp(argv[i], "-p")) packet = true;
    }
    if (i >= argc) {
        fprintf(stderr, "usage: amfdump [-0|-3] [-e] FILE [OFFSET]\n");
        return 2;
    }
    FILE *f = fopen(argv[i], "rb");
    if (!f) { perror(argv[i]); return 2; }
    static uint8_t buf[64 << 20];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t off = i + 1 < argc ? strtoul(argv[i + 1], NULL, 0) : 0;
    if (off > len) off = len;

    amf_config cfg;
    amf_config_init(&cfg);
    amf_json json;
    amf_json_init(&json, &cfg.alloc, len - off);
    cfg.sink = events ? print_event : amf_json_event;
    cfg.user = &json;
    amf_result res;
    if (packet) amf_decode_packet(&cfg, buf + off, len - off, true, &res);
    else amf_decode(&cfg, version, buf + off, len - off, true, &res);
    size_t jlen;
    printf("%s\n", amf_json_finish(&json, &jlen));
    printf("status=%d length=%u need=%u values=%u %s\n", res.status, res.length, res.need, res.values, res.message);
    amf_json_free(&json);
    return res.status == AMF_OK ? 0 : 1;
}
