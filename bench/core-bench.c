/* core-bench.c
 * Microbenchmark of the AMF core alone (no Wireshark): decodes the
 * benchmark's AMF3 game/chat traffic (typed objects, from traffic.h) from
 * memory, message by message, as the plugin does after framing:
 *
 *   measure   amf_decode with no sink (what framing of bare values costs)
 *   events    amf_decode with an event sink that only counts events
 *   json      amf_decode feeding amf_json (the amf.json field), finished
 *             and freed per message
 *
 * and the same three on one large leaderboard message (many small typed
 * objects in one value).  Prints key=value lines; MB/s counts AMF value
 * bytes, 10^6 bytes per MB, per second of this process's CPU time.
 *
 *   core-bench [--mb N] [--seconds S] [--seed N] [--only MODE] [--input traffic|large]
 *
 * --only and --input restrict the run to one measurement (for profiling).
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "amf.h"
#include "amf_json.h"
#include "amf3_writer.h"
#include "traffic.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct corpus {
    amf3_writer w;               /* the values, back to back */
    size_t     *offsets;         /* n + 1 entries */
    size_t      n, cap;
} corpus;

typedef enum mode { MODE_MEASURE, MODE_EVENTS, MODE_JSON } mode;

/* CPU time of this process: a busy machine inflates wall time, not this. */
static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void add_offset(corpus *c, size_t off)
{
    if (c->n + 1 >= c->cap) {
        c->cap = c->cap ? c->cap * 2 : 4096;
        c->offsets = realloc(c->offsets, c->cap * sizeof *c->offsets);
        if (!c->offsets) {
            fprintf(stderr, "core-bench: out of memory\n");
            exit(2);
        }
    }
    c->offsets[c->n++] = off;
}

/* The traffic of the captures without their large messages. */
static void build_traffic(corpus *c, uint64_t seed, size_t bytes)
{
    traffic_model m;
    traffic_plan(&m, seed, bytes);
    m.n_large = 0;
    amf3w_init(&c->w);
    for (uint64_t k = 0; c->w.len < bytes; k++) {
        traffic_exchange ex;
        traffic_exchange_get(&m, k, &ex);
        for (uint32_t v = 0; v <= ex.n_answer; v++) {
            add_offset(c, c->w.len);
            traffic_write_value(&ex, v, &c->w);
        }
    }
    c->offsets[c->n] = c->w.len;
}

typedef struct counter {
    uint64_t events;
} counter;

static void count_event(void *user, const amf_event *ev)
{
    (void)ev;
    ((counter *)user)->events++;
}

typedef struct run_result {
    double   mb_s;
    double   msgs_s;
    uint64_t events;
    uint64_t failures;
    uint64_t msgs;               /* messages decoded */
} run_result;

static run_result run(const corpus *c, mode md, double seconds)
{
    run_result r;
    memset(&r, 0, sizeof r);
    amf_config cfg;
    amf_config_init(&cfg);
    counter cnt = { 0 };
    uint64_t bytes = 0, msgs = 0;
    double t0 = now(), t = t0;
    size_t json_bytes = 0;
    do {
        for (size_t i = 0; i < c->n; i++) {
            const uint8_t *p = c->w.buf + c->offsets[i];
            size_t len = c->offsets[i + 1] - c->offsets[i];
            amf_result res;
            if (md == MODE_JSON) {
                amf_json j;
                amf_json_init(&j, &cfg.alloc, len);
                cfg.sink = amf_json_event;
                cfg.user = &j;
                amf_decode(&cfg, AMF_VERSION_3, p, len, true, &res);
                size_t jlen;
                amf_json_finish(&j, &jlen);
                json_bytes += jlen;
                amf_json_free(&j);
            } else {
                cfg.sink = md == MODE_EVENTS ? count_event : NULL;
                cfg.user = &cnt;
                amf_decode(&cfg, AMF_VERSION_3, p, len, true, &res);
            }
            if (res.status != AMF_OK || res.length != len)
                r.failures++;
            bytes += len;
            msgs++;
        }
        t = now();
    } while (t - t0 < seconds);
    r.mb_s = (double)bytes / 1e6 / (t - t0);
    r.msgs_s = (double)msgs / (t - t0);
    r.events = cnt.events;
    r.msgs = msgs;
    (void)json_bytes;
    return r;
}

int main(int argc, char **argv)
{
    size_t mb = 32;
    double seconds = 2.0;
    uint64_t seed = 1;
    const char *only = NULL, *input = NULL;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            argc = -1;
            break;
        }
        if (!strcmp(argv[i], "--mb")) mb = strtoul(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--seconds")) seconds = strtod(argv[i + 1], NULL);
        else if (!strcmp(argv[i], "--seed")) seed = strtoull(argv[i + 1], NULL, 0);
        else if (!strcmp(argv[i], "--only")) only = argv[i + 1];
        else if (!strcmp(argv[i], "--input")) input = argv[i + 1];
        else {
            argc = -1;
            break;
        }
    }
    if (argc < 0) {
        fprintf(stderr, "usage: core-bench [--mb N] [--seconds S] [--seed N] "
                        "[--only measure|events|json] [--input traffic|large]\n");
        return 2;
    }

    bool want_traffic = !input || !strcmp(input, "traffic");
    bool want_large = !input || !strcmp(input, "large");
    corpus traffic, large;
    memset(&traffic, 0, sizeof traffic);
    memset(&large, 0, sizeof large);
    if (want_traffic) {
        build_traffic(&traffic, seed, mb * 1000000);
        printf("core.traffic_bytes=%zu\n", traffic.w.len);
        printf("core.traffic_messages=%zu\n", traffic.n);
        printf("core.traffic_mean_message=%.0f\n", (double)traffic.w.len / (double)traffic.n);
    }
    if (want_large) {
        amf3w_init(&large.w);
        add_offset(&large, 0);
        traffic_write_large(seed, TRAFFIC_LARGE_RECORDS, 16u << 20, &large.w);
        large.offsets[large.n] = large.w.len;
        printf("core.large_bytes=%zu\n", large.w.len);
    }

    static const char *const names[] = { "measure", "events", "json" };
    int failed = 0;
    for (int md = MODE_MEASURE; md <= MODE_JSON; md++) {
        if ((only && strcmp(only, names[md])) || !want_traffic)
            continue;
        run_result r = run(&traffic, (mode)md, seconds);
        printf("core.traffic.%s_mb_s=%.1f\n", names[md], r.mb_s);
        printf("core.traffic.%s_msgs_s=%.0f\n", names[md], r.msgs_s);
        if (md == MODE_EVENTS && r.msgs)
            printf("core.traffic.events_per_msg=%.1f\n", (double)r.events / (double)r.msgs);
        if (r.failures) {
            printf("core.traffic.%s_failures=%" PRIu64 "\n", names[md], r.failures);
            failed = 1;
        }
    }
    for (int md = MODE_MEASURE; md <= MODE_JSON; md++) {
        if ((only && strcmp(only, names[md])) || !want_large)
            continue;
        run_result r = run(&large, (mode)md, seconds);
        printf("core.large.%s_mb_s=%.1f\n", names[md], r.mb_s);
        if (r.failures) {
            printf("core.large.%s_failures=%" PRIu64 "\n", names[md], r.failures);
            failed = 1;
        }
    }
    if (want_traffic)
        amf3w_free(&traffic.w);
    if (want_large)
        amf3w_free(&large.w);
    free(traffic.offsets);
    free(large.offsets);
    return failed;
}
