/* test_core.c
 * The core's unit tests: test_core VECTORS-DIR (the shared RocketAMF
 * fixtures).  Exit status 0 only when every check passed.
 *
 * The fixtures live outside the repository (../shared/vectors beside a
 * clone).  Without them the checks that read them are skipped, and say so;
 * when the environment variable CI is set (CI has them), a missing fixture
 * directory is a failure instead.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

typedef struct suite {
    const char *name;
    void (*run)(void);
} suite;

static const char *vectors_dir;
static bool have_vectors;
static unsigned skipped;

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Are RocketAMF's fixtures (VECTORS-DIR/rocketamf/objects and request)
 * there?  Says what is missing otherwise. */
static bool find_vectors(const char *dir)
{
    static const char *const subs[] = { "objects", "request" };
    bool ok = true;
    for (size_t i = 0; i < sizeof subs / sizeof *subs; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/rocketamf/%s", dir, subs[i]);
        if (!is_dir(path)) {
            printf("no fixture directory %s\n", path);
            ok = false;
        }
    }
    return ok;
}

/* Without the fixtures: a skip, or under CI a failure. */
static bool fixtures_or_skip(const char *what)
{
    if (have_vectors)
        return true;
    const char *ci = getenv("CI");
    test_context("%s", what);
    if (ci && *ci) {
        CHECK(!"RocketAMF fixtures missing while CI is set");
    } else {
        skipped++;
        printf("  SKIPPED %s: RocketAMF's fixtures are not at %s/rocketamf (they come from "
               "../shared/vectors beside the clone; with CI set this is a failure)\n",
               what, vectors_dir);
    }
    return false;
}

static void run_fixtures(void)
{
    if (fixtures_or_skip("every fixture file's decode"))
        test_fixtures(vectors_dir);
}

static void run_truncation(void)
{
    /* the built-in messages are cut everywhere in any case */
    test_truncation(fixtures_or_skip("cutting the fixture files everywhere") ? vectors_dir : NULL);
}

static const suite suites[] = {
    { "json validator and writer", test_json_unit },
    { "RocketAMF fixtures", run_fixtures },
    { "AMF3 specification", test_amf3_spec },
    { "AMF0 specification", test_amf0_spec },
    { "externalizable classes", test_external },
    { "packet envelope", test_packet },
    { "envelope pairing", test_envelope },
    { "event spans", test_spans },
    { "truncation", run_truncation },
    { "hostile input", test_hostile },
    { "framing", test_frame },
    { "framing evidence", test_evidence },
    { "fuzzing regressions", test_regressions },
    { "fast measuring path", test_measure },
    { "number, date and string text", test_text },
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_core VECTORS-DIR [SUITE-SUBSTRING]\n");
        return 2;
    }
    vectors_dir = argv[1];
    have_vectors = find_vectors(vectors_dir);
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
    printf("total: %lu checks, %lu failed", test_checks, test_failures);
    if (skipped)
        printf(", %u group(s) of fixture checks SKIPPED (no RocketAMF fixtures)", skipped);
    printf("\n");
    return test_failures ? 1 : 0;
}
