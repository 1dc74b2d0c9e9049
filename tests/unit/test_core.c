/* test_core.c
 * The core's unit tests: test_core VECTORS-DIR (the shared RocketAMF
 * fixtures).  Exit status 0 only when every check passed.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

typedef struct suite {
    const char *name;
    void (*run)(void);
} suite;

static const char *vectors_dir;

static void run_fixtures(void) { test_fixtures(vectors_dir); }
static void run_truncation(void) { test_truncation(vectors_dir); }

static const suite suites[] = {
    { "json validator and writer", test_json_unit },
    { "RocketAMF fixtures", run_fixtures },
    { "AMF3 specification", test_amf3_spec },
    { "AMF0 specification", test_amf0_spec },
    { "externalizable classes", test_external },
    { "packet envelope", test_packet },
    { "event spans", test_spans },
    { "truncation", run_truncation },
    { "hostile input", test_hostile },
    { "framing", test_frame },
    { "framing evidence", test_evidence },
    { "fuzzing regressions", test_regressions },
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_core VECTORS-DIR [SUITE-SUBSTRING]\n");
        return 2;
    }
    vectors_dir = argv[1];
    const char *only = argc > 2 ? argv[2] : NULL;
    for (size_t i = 0; i < sizeof suites / sizeof *suites; i++) {
        if (only && !strstr(suites[i].name, only))
            continue;
        unsigned long checks = test_checks, failures = test_failures;
        clock_t t0 = clock();
        test_context("%s", suites[i].name);
        suites[i].run();
        printf("%-28s %8lu checks, %lu failed (%.2f s)\n", suites[i].name,
               test_checks - checks, test_failures - failures,
               (double)(clock() - t0) / CLOCKS_PER_SEC);
        test_free_all();
    }
    printf("total: %lu checks, %lu failed\n", test_checks, test_failures);
    return test_failures ? 1 : 0;
}
