/*
 * Instruction decoding for 32- and 64-bit mode (Intel SDM Vol. 2 ch. 2: instruction
 * format): legacy prefixes, REX, the opcode maps, group tables and immediates.
 * decode_modrm.c reads ModRM, SIB and displacements.
 *
 * Operand size (SDM Vol. 1 3.6, Vol. 2 2.2.1.2): byte rows are 8-bit; otherwise 32
 * bits, 16 with 66, 64 with REX.W (which beats 66); in 64-bit mode, default-64 rows
 * (push, pop, leave...) are 64 unless 66 makes them 16, and forced-64 rows (near
 * branches) are 64 whatever the prefixes.  Address size: 64 (32 with 67) in 64-bit
 * mode, 32 (16 with 67) in 32-bit mode.  A REX byte only counts right before the
 * opcode: a legacy prefix after it cancels it.
 */
#include <string.h>

#include "frontend/x86/internal.h"
#include "frontend/x86/decode_modrm.h"

#define X86_MAX_LEN 15

/* --- The tables --- */

#define X86_GR(name_, fmt_, flags_, fn_, param_) \
    { .name = #name_, .fmt = X86_FMT_##fmt_, .flags = (flags_), .param = (param_), .trans = x86_trans_##fn_ }
#define X86_GNONE { .name = NULL }
#define X86_GROUP(gname, ...) static const X86OpDesc gname[8] = { __VA_ARGS__ };
#include "frontend/x86/group.def"
#undef X86_GROUP
#undef X86_GNONE
#undef X86_GR

#define X86_OP(op_, name_, fmt_, flags_, fn_, param_) \
    [op_] = { .name = #name_, .fmt = X86_FMT_##fmt_, .flags = (flags_), .param = (param_), \
              .trans = x86_trans_##fn_ },
#define X86_OP8(op_, name_, fmt_, flags_, fn_, param_) \
    X86_OP((op_) + 0, name_, fmt_, flags_, fn_, param_) X86_OP((op_) + 1, name_, fmt_, flags_, fn_, param_) \
    X86_OP((op_) + 2, name_, fmt_, flags_, fn_, param_) X86_OP((op_) + 3, name_, fmt_, flags_, fn_, param_) \
    X86_OP((op_) + 4, name_, fmt_, flags_, fn_, param_) X86_OP((op_) + 5, name_, fmt_, flags_, fn_, param_) \
    X86_OP((op_) + 6, name_, fmt_, flags_, fn_, param_) X86_OP((op_) + 7, name_, fmt_, flags_, fn_, param_)
#define X86_GRP(op_, name_, flags_, group_) \
    [op_] = { .name = #name_, .fmt = X86_FMT_M, .flags = (flags_), .group = group_ },
static const X86OpDesc x86_map1[256] = {
#include "frontend/x86/map_1.def"
};
static const X86OpDesc x86_map0f[256] = {
#include "frontend/x86/map_0f.def"
};
static const X86OpDesc x86_map0f38[256] = {
#include "frontend/x86/map_0f38.def"
};
static const X86OpDesc x86_map0f3a[256] = {
#include "frontend/x86/map_0f3a.def"
};
#undef X86_GRP
#undef X86_OP8
#undef X86_OP

static const X86OpDesc *const x86_maps[4] = { x86_map1, x86_map0f, x86_map0f38, x86_map0f3a };

void x86_for_each_row(void (*fn)(const X86OpDesc *d, X86Map map, unsigned op, int reg, void *opaque),
                      void *opaque)
{
    for (unsigned m = 0; m < 4; m++) {
        for (unsigned op = 0; op < 256; op++) {
            const X86OpDesc *d = &x86_maps[m][op];

            if (d->group) {
                for (int r = 0; r < 8; r++) {
                    if (d->group[r].trans) {
                        fn(&d->group[r], (X86Map)m, op, r, opaque);
                    }
                }
            } else if (d->trans) {
                fn(d, (X86Map)m, op, -1, opaque);
            }
        }
    }
}

/* --- Decoding --- */

static unsigned x86_imm_size(X86Format fmt, const X86Insn *in)
{
    switch (fmt) {
    case X86_FMT_NONE:
    case X86_FMT_M:
        return 0;
    case X86_FMT_M_IB:
    case X86_FMT_IB:
    case X86_FMT_J8:
        return 1;
    case X86_FMT_IW:
        return 2;
    case X86_FMT_M_IZ:
    case X86_FMT_IZ:
        return in->opsz == 2 ? 2 : 4;
    case X86_FMT_IV:
        return in->opsz;
    case X86_FMT_JZ:
        return in->opsz == 2 ? 2 : 4;
    case X86_FMT_MOFFS:
        return in->adsz;
    case X86_FMT_IW_IB:
        return 3;
    case X86_FMT_COUNT:
        break;
    }
    g_assert_not_reached();
}

static int64_t x86_read_imm(const uint8_t *p, unsigned size)
{
    switch (size) {
    case 1:
        return (int8_t)p[0];
    case 2: {
        int16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    case 4: {
        int32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    case 8: {
        int64_t v;
        memcpy(&v, p, 8);
        return v;
    }
    default:
        g_assert_not_reached();
    }
}

static bool x86_fmt_has_modrm(X86Format fmt)
{
    return fmt == X86_FMT_M || fmt == X86_FMT_M_IB || fmt == X86_FMT_M_IZ;
}

unsigned x86_decode(const uint8_t *bytes, size_t len, bool mode64, uint64_t pc, X86Insn *in)
{
    size_t n = len < X86_MAX_LEN ? len : X86_MAX_LEN;
    size_t i = 0;
    const X86OpDesc *d;
    unsigned flags;
    X86Format fmt;
    unsigned isz;

    memset(in, 0, sizeof(*in));
    in->pc = pc;
    in->mode64 = mode64;
    in->seg = X86_SEG_NONE;
    in->base = in->index = -1;

    /* Legacy prefixes (SDM Vol. 2 2.1.1), then an optional REX (2.2.1). */
    for (;; i++) {
        if (i >= n) {
            return 0;
        }
        switch (bytes[i]) {
        case 0xf0: in->lock = true; in->rex = 0; continue;
        case 0xf2: in->repne = true; in->rep = false; in->rex = 0; continue;
        case 0xf3: in->rep = true; in->repne = false; in->rex = 0; continue;
        case 0x26: in->seg = X86_SEG_ES; in->rex = 0; continue;
        case 0x2e: in->seg = X86_SEG_CS; in->rex = 0; continue;
        case 0x36: in->seg = X86_SEG_SS; in->rex = 0; continue;
        case 0x3e: in->seg = X86_SEG_DS; in->rex = 0; continue;
        case 0x64: in->seg = X86_SEG_FS; in->rex = 0; continue;
        case 0x65: in->seg = X86_SEG_GS; in->rex = 0; continue;
        case 0x66: in->p66 = true; in->rex = 0; continue;
        case 0x67: in->p67 = true; in->rex = 0; continue;
        default:
            break;
        }
        if (mode64 && (bytes[i] & 0xf0) == 0x40) {
            in->rex = bytes[i];
            continue;
        }
        break;
    }

    /* Opcode (SDM Vol. 2 2.1.2). */
    in->map = X86_MAP_1;
    if (bytes[i] == 0x0f) {
        if (++i >= n) {
            return 0;
        }
        in->map = X86_MAP_0F;
        if (bytes[i] == 0x38 || bytes[i] == 0x3a) {
            in->map = bytes[i] == 0x38 ? X86_MAP_0F38 : X86_MAP_0F3A;
            if (++i >= n) {
                return 0;
            }
        }
    }
    in->opcode = bytes[i++];
    d = &x86_maps[in->map][in->opcode];
    if (!d->trans && !d->group) {
        return 0;
    }
    flags = d->flags;
    fmt = (X86Format)d->fmt;

    in->adsz = mode64 ? (in->p67 ? 4 : 8) : (in->p67 ? 2 : 4);

    if (x86_fmt_has_modrm(fmt) || d->group) {
        if (i >= n) {
            return 0;
        }
        in->has_modrm = true;
        in->modrm = bytes[i];
        in->mod = bytes[i] >> 6;
        in->reg = ((bytes[i] >> 3) & 7) | ((in->rex & 4) ? 8 : 0);
        in->rm = (bytes[i] & 7) | ((in->rex & 1) ? 8 : 0);
        if (d->group) {
            const X86OpDesc *g = &d->group[(bytes[i] >> 3) & 7];

            if (!g->trans) {
                return 0;
            }
            flags |= g->flags;
            fmt = (X86Format)g->fmt;
            d = g;
        }
        i++;
    }
    in->desc = d;
    if (((flags & X86_F_I64) && mode64) || ((flags & X86_F_O64) && !mode64)) {
        return 0;
    }
    if (flags & X86_F_REGOP) {
        in->reg = (in->opcode & 7) | ((in->rex & 1) ? 8 : 0);
    }

    /* Operand size. */
    if (flags & X86_F_B) {
        in->opsz = 1;
    } else if (flags & X86_F_W16) {
        in->opsz = 2;
    } else if (mode64 && (flags & X86_F_F64)) {
        in->opsz = 8;
    } else if (in->rex & 8) {
        in->opsz = 8;
    } else if (in->p66) {
        in->opsz = 2;
    } else {
        in->opsz = (mode64 && (flags & X86_F_D64)) ? 8 : 4;
    }

    if (in->has_modrm) {
        if (in->mod != 3) {
            size_t used = x86_decode_modrm_mem(bytes + i - 1, n - i + 1, in);

            if (used == 0) {
                return 0;
            }
            i += used - 1;      /* the ModRM byte itself was counted above */
        } else if (flags & X86_F_MEM) {
            return 0;
        }
        if (in->mod != 3 && (flags & X86_F_REG)) {
            return 0;
        }
    }
    if (in->lock && (!(flags & X86_F_LOCK) || !in->has_modrm || in->mod == 3)) {
        return 0;               /* #UD (SDM Vol. 2 LOCK) */
    }

    isz = x86_imm_size(fmt, in);
    if (i + isz > n) {
        return 0;
    }
    if (fmt == X86_FMT_IW_IB) {
        in->imm = (uint16_t)x86_read_imm(bytes + i, 2);
        in->imm2 = bytes[i + 2];
    } else if (fmt == X86_FMT_MOFFS) {
        uint64_t v = 0;

        memcpy(&v, bytes + i, isz);
        in->imm = (int64_t)v;
    } else if (isz) {
        in->imm = x86_read_imm(bytes + i, isz);
    }
    i += isz;
    in->len = (unsigned)i;
    return in->len;
}
