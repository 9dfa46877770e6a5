/*
 * Host CPU features the code generator may use (x64_host), found with cpuid, and the
 * MIMIC_HOST_FEATURES environment variable that turns some of them off, so that the
 * fallback code paths (bswap for movbe, a C call for FMA3...) can be tested on a host
 * that has the features: MIMIC_HOST_FEATURES=-movbe,-fma,-avx.  Turning a feature on that
 * the host lacks is not possible; an unknown name is an error.
 */
#include "backend-x86_64/x64_emit.h"

#include <cpuid.h>
#include <glib.h>
#include <string.h>

X64Features x64_host;

G_DEFINE_QUARK(mimic-x64-features-error-quark, x64_features_error)

void x64_detect_features(void)
{
    unsigned a, b, c, d;
    X64Features f = { 0 };

    if (__get_cpuid(1, &a, &b, &c, &d)) {
        f.popcnt = (c >> 23) & 1;
        f.movbe = (c >> 22) & 1;
        /* FMA needs the OS to save AVX state: OSXSAVE, then XCR0 bits 1 (SSE) and 2 (AVX). */
        if (((c >> 12) & 1) && ((c >> 27) & 1) && ((c >> 28) & 1)) {
            unsigned lo, hi;
            __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            f.fma = (lo & 6) == 6;
        }
        /* AVX (VEX-encoded scalar SSE): OSXSAVE, AVX, and the same XCR0 bits. */
        if (((c >> 27) & 1) && ((c >> 28) & 1)) {
            unsigned lo, hi;
            __asm__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
            f.avx = (lo & 6) == 6;
        }
    }
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) {
        f.bmi1 = (b >> 3) & 1;
        f.bmi2 = (b >> 8) & 1;
    }
    if (__get_cpuid(0x80000001, &a, &b, &c, &d)) {
        f.lzcnt = (c >> 5) & 1;       /* ABM */
    }
    x64_host = f;
}

static const struct {
    const char *name;
    size_t offset;
} x64_feature_names[] = {
    { "lzcnt", offsetof(X64Features, lzcnt) },
    { "bmi1", offsetof(X64Features, bmi1) },
    { "bmi2", offsetof(X64Features, bmi2) },
    { "popcnt", offsetof(X64Features, popcnt) },
    { "movbe", offsetof(X64Features, movbe) },
    { "fma", offsetof(X64Features, fma) },
    { "avx", offsetof(X64Features, avx) },
};

bool x64_features_mask(X64Features *f, const char *spec, GError **error)
{
    g_auto(GStrv) items = g_strsplit(spec, ",", -1);

    for (char **it = items; *it; it++) {
        const char *item = g_strstrip(*it);
        bool found = false;

        if (*item == '\0') {
            continue;
        }
        if (item[0] != '-') {
            g_set_error(error, x64_features_error_quark(), 0,
                        "MIMIC_HOST_FEATURES: '%s': features can only be turned off (write -%s)", item, item);
            return false;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(x64_feature_names); i++) {
            if (strcmp(item + 1, x64_feature_names[i].name) == 0) {
                *(bool *)((char *)f + x64_feature_names[i].offset) = false;
                found = true;
            }
        }
        if (!found) {
            g_set_error(error, x64_features_error_quark(), 0,
                        "MIMIC_HOST_FEATURES: unknown feature '%s' (known: lzcnt bmi1 bmi2 popcnt movbe fma avx)",
                        item + 1);
            return false;
        }
    }
    return true;
}

bool x64_features_apply_env(GError **error)
{
    const char *spec = g_getenv("MIMIC_HOST_FEATURES");

    return spec == NULL || x64_features_mask(&x64_host, spec, error);
}
