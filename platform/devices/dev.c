/*
 * platform/devices/dev.c -- device properties and the common device head.
 */
#include "platform/devices/dev.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

G_DEFINE_QUARK(mimic-dev-error-quark, dev_error)

bool dev_parse_u64(const char *text, uint64_t *out)
{
    if (!text) {
        return false;
    }
    while (g_ascii_isspace(*text)) {
        text++;
    }
    if (*text == '\0' || *text == '-' || *text == '+') {
        return false;
    }
    int base = 10;
    const char *digits = text;
    if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        digits = text + 2;
    } else if (text[0] == '0' && (text[1] == 'o' || text[1] == 'O')) {
        base = 8;
        digits = text + 2;
    }
    if (!g_ascii_isxdigit(*digits)) {
        return false;
    }
    char *end;
    errno = 0;
    uint64_t v = g_ascii_strtoull(digits, &end, base);
    if (errno != 0 || end == digits) {
        return false;
    }
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') {
        shift = 10;
        end++;
    } else if (*end == 'M' || *end == 'm') {
        shift = 20;
        end++;
    } else if (*end == 'G' || *end == 'g') {
        shift = 30;
        end++;
    }
    while (g_ascii_isspace(*end)) {
        end++;
    }
    if (*end != '\0' || (shift && v > (UINT64_MAX >> shift))) {
        return false;
    }
    *out = v << shift;
    return true;
}

bool dev_prop_u64(const DevConfig *cfg, const char *key, uint64_t def, uint64_t *out,
                  GError **error)
{
    if (!cfg->props || !g_key_file_has_key(cfg->props, cfg->group, key, NULL)) {
        *out = def;
        return true;
    }
    g_autofree char *text = g_key_file_get_string(cfg->props, cfg->group, key, NULL);
    if (text && text[0] == '@' && cfg->symbol) {
        if (!cfg->symbol(cfg->symbol_opaque, g_strstrip(text) + 1, out)) {
            g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_CONFIG,
                        "[%s] %s: the loaded program has no symbol '%s'", cfg->group, key,
                        text + 1);
            return false;
        }
        return true;
    }
    if (!dev_parse_u64(text, out)) {
        g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_CONFIG, "[%s] %s: bad number '%s'",
                    cfg->group, key, text ? text : "");
        return false;
    }
    return true;
}

char *dev_prop_str(const DevConfig *cfg, const char *key, const char *def)
{
    if (cfg->props && g_key_file_has_key(cfg->props, cfg->group, key, NULL)) {
        return g_key_file_get_string(cfg->props, cfg->group, key, NULL);
    }
    return g_strdup(def);
}

void dev_init_head(Device *dev, const DevClass *cls, Board *board, const DevConfig *cfg,
                   uint64_t default_size)
{
    dev->cls = cls;
    dev->name = g_strdup(cfg->name);
    dev->board = board;
    dev->base = cfg->base;
    dev->size = cfg->size ? cfg->size : default_size;
}
