/*
 * ModRM, SIB and displacement decoding (Intel SDM Vol. 2 2.1.5, tables 2-1 to 2-3;
 * 2.2.1.6 RIP-relative addressing).  32/64-bit forms are lifted; the 16-bit forms
 * (67 prefix in 32-bit mode) are decoded for their length only and lift as illegal.
 */
#include <string.h>

#include "frontend/x86/decode_modrm.h"

static int32_t x86_disp32(const uint8_t *p)
{
    int32_t v;

    memcpy(&v, p, 4);
    return v;
}

/* Table 2-1: 16-bit addressing.  Only lengths matter here. */
static size_t x86_modrm16(const uint8_t *p, size_t n, X86Insn *in)
{
    unsigned mod = p[0] >> 6, rm = p[0] & 7;
    size_t need = 1 + (mod == 1 ? 1 : mod == 2 ? 2 : (rm == 6 ? 2 : 0));

    if (need > n) {
        return 0;
    }
    in->addr16 = true;
    return need;
}

size_t x86_decode_modrm_mem(const uint8_t *p, size_t n, X86Insn *in)
{
    unsigned mod = p[0] >> 6, rm = p[0] & 7;
    size_t i = 1;

    if (in->adsz == 2) {
        return x86_modrm16(p, n, in);
    }
    if (rm == 4) {
        unsigned sib, base, index;

        if (i >= n) {
            return 0;
        }
        sib = p[i++];
        base = sib & 7;
        index = ((sib >> 3) & 7) | ((in->rex & 2) ? 8 : 0);
        in->scale = (uint8_t)(sib >> 6);
        in->index = index == 4 ? -1 : (int8_t)index;      /* index 100b without REX.X: none */
        if (base == 5 && mod == 0) {
            in->base = -1;
            if (i + 4 > n) {
                return 0;
            }
            in->disp = x86_disp32(p + i);
            return i + 4;
        }
        in->base = (int8_t)(base | ((in->rex & 1) ? 8 : 0));
    } else if (rm == 5 && mod == 0) {
        if (i + 4 > n) {
            return 0;
        }
        in->disp = x86_disp32(p + i);
        in->rip_rel = in->mode64;
        in->base = -1;
        return i + 4;
    } else {
        in->base = (int8_t)(rm | ((in->rex & 1) ? 8 : 0));
    }
    if (mod == 1) {
        if (i + 1 > n) {
            return 0;
        }
        in->disp = (int8_t)p[i];
        return i + 1;
    }
    if (mod == 2) {
        if (i + 4 > n) {
            return 0;
        }
        in->disp = x86_disp32(p + i);
        return i + 4;
    }
    return i;
}
