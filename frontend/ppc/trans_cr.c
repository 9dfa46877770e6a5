/*
 * Condition register and special-purpose register instructions (Power ISA 2.06
 * Book I 2.5 and 3.3.15): CR logical ops, mcrf, mcrxr, mfcr/mfocrf, mtcrf/mtocrf,
 * and mfspr/mtspr/mftb for the SPRs a user program may use:
 *   1 XER, 8 LR, 9 CTR, 256 VRSAVE (read/write); 259 SPRG3 and 260-263 SPRG4-7
 *   (read only, Book III-E user-readable aliases); 268/269 TBL/TBU (read only).
 * Any other SPR is privileged or absent: an illegal instruction (Linux: SIGILL).
 */
#include "frontend/ppc/internal.h"

#define PPC_SPR_XER    1
#define PPC_SPR_LR     8
#define PPC_SPR_CTR    9
#define PPC_SPR_VRSAVE 256
#define PPC_SPR_USPRG3 259
#define PPC_SPR_USPRG7 263
#define PPC_SPR_TBL    268
#define PPC_SPR_TBU    269

/* --- CR logical (Book I 2.5.1) --- */

bool ppc_trans_crlogic(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp x = ppc_get_crbit(ctx, a->ra), y = ppc_get_crbit(ctx, a->rb), r;

    switch ((PpcLogic)a->param) {
    case PPC_LOGIC_AND: r = ir_and(blk, x, y); break;
    case PPC_LOGIC_ANDC: r = ir_and(blk, x, ir_xor(blk, y, ppc_const(ctx, 1))); break;
    case PPC_LOGIC_OR: r = ir_or(blk, x, y); break;
    case PPC_LOGIC_ORC: r = ir_or(blk, x, ir_xor(blk, y, ppc_const(ctx, 1))); break;
    case PPC_LOGIC_XOR: r = ir_xor(blk, x, y); break;
    case PPC_LOGIC_NAND: r = ir_xor(blk, ir_and(blk, x, y), ppc_const(ctx, 1)); break;
    case PPC_LOGIC_NOR: r = ir_xor(blk, ir_or(blk, x, y), ppc_const(ctx, 1)); break;
    case PPC_LOGIC_EQV: r = ir_xor(blk, ir_xor(blk, x, y), ppc_const(ctx, 1)); break;
    default: g_assert_not_reached();
    }
    ppc_set_crbit(ctx, a->rt, r);
    return true;
}

bool ppc_trans_mcrf(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_set32(ctx, PPC_OFF_CR(a->crfd), ppc_get32(ctx, PPC_OFF_CR(a->crfs)));
    return true;
}

/* mcrxr: CR field = SO OV CA 0, and those XER bits are cleared (Book E; dropped in 2.06 Server). */
bool ppc_trans_mcrxr(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp v = ir_or(blk, ir_shl(blk, ppc_get32(ctx, PPC_OFF(xer_so)), ppc_const(ctx, 3)),
                     ir_or(blk, ir_shl(blk, ppc_get32(ctx, PPC_OFF(xer_ov)), ppc_const(ctx, 2)),
                           ir_shl(blk, ppc_get32(ctx, PPC_OFF(xer_ca)), ppc_const(ctx, 1))));

    ppc_set32(ctx, PPC_OFF_CR(a->crfd), v);
    ppc_set32(ctx, PPC_OFF(xer_so), ppc_const(ctx, 0));
    ppc_set32(ctx, PPC_OFF(xer_ov), ppc_const(ctx, 0));
    ppc_set32(ctx, PPC_OFF(xer_ca), ppc_const(ctx, 0));
    return true;
}

/*
 * mfcr assembles all eight fields; mfocrf (bit 11 set, one FXM bit) copies just its
 * field and leaves the others 0 (the ISA says undefined; zero is what POWER cores give).
 */
bool ppc_trans_mfcr(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp r = IR_TEMP_NONE;

    if (a->l && (a->fxm == 0 || (a->fxm & (a->fxm - 1)) != 0)) {
        return false;           /* mfocrf needs exactly one field */
    }
    if (!a->l && a->fxm != 0) {
        return false;
    }
    for (int f = 0; f < 8; f++) {
        IrTemp v;

        if (a->l && !(a->fxm & (0x80u >> f))) {
            continue;
        }
        v = ir_shl(blk, ppc_get32(ctx, PPC_OFF_CR(f)), ppc_const(ctx, (uint32_t)(28 - 4 * f)));
        r = r == IR_TEMP_NONE ? v : ir_or(blk, r, v);
    }
    ppc_set_gpr(ctx, a->rt, r);
    return true;
}

/* mtcrf/mtocrf: each FXM bit (0x80 = CR0) copies the matching nibble of rS. */
bool ppc_trans_mtcrf(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp s = ppc_get_gpr(ctx, a->rt);

    if (a->l && (a->fxm == 0 || (a->fxm & (a->fxm - 1)) != 0)) {
        return false;
    }
    for (int f = 0; f < 8; f++) {
        if (a->fxm & (0x80u >> f)) {
            ppc_set32(ctx, PPC_OFF_CR(f), ir_extract(ctx->blk, s, (unsigned)(28 - 4 * f), 4));
        }
    }
    return true;
}

/* --- SPRs --- */

static IrTemp ppc_gen_read_xer(PpcDisas *ctx)
{
    IrBlock *blk = ctx->blk;
    IrTemp v = ir_shl(blk, ppc_get32(ctx, PPC_OFF(xer_so)), ppc_const(ctx, 31));

    v = ir_or(blk, v, ir_shl(blk, ppc_get32(ctx, PPC_OFF(xer_ov)), ppc_const(ctx, 30)));
    v = ir_or(blk, v, ir_shl(blk, ppc_get32(ctx, PPC_OFF(xer_ca)), ppc_const(ctx, 29)));
    return ir_or(blk, v, ppc_get32(ctx, PPC_OFF(xer_bc)));
}

/* The time base: a 64-bit count at PPC_TB_FREQ from the host clock (like RISC-V's rdtime). */
static IrTemp ppc_gen_read_tb(PpcDisas *ctx, bool upper)
{
    IrBlock *blk = ctx->blk;
    IrTemp tb = ir_call0(blk, &ir_helper_ppc_mftb);

    return ir_trunc(blk, upper ? ir_extract(blk, tb, 32, 32) : tb);
}

bool ppc_trans_mfspr(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp v;

    switch (a->spr) {
    case PPC_SPR_XER:
        v = ppc_gen_read_xer(ctx);
        break;
    case PPC_SPR_LR:
        v = ppc_get32(ctx, PPC_OFF(lr));
        break;
    case PPC_SPR_CTR:
        v = ppc_get32(ctx, PPC_OFF(ctr));
        break;
    case PPC_SPR_VRSAVE:
        v = ppc_get32(ctx, PPC_OFF(vrsave));
        break;
    case PPC_SPR_TBL:
    case PPC_SPR_TBU:
        v = ppc_gen_read_tb(ctx, a->spr == PPC_SPR_TBU);
        break;
    default:
        if (a->spr >= PPC_SPR_USPRG3 && a->spr <= PPC_SPR_USPRG7) {
            v = ppc_get32(ctx, PPC_OFF(sprg[0]) + 4u * (a->spr - 256));
            break;
        }
        return false;
    }
    ppc_set_gpr(ctx, a->rt, v);
    return true;
}

bool ppc_trans_mtspr(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp s = ppc_get_gpr(ctx, a->rt);

    switch (a->spr) {
    case PPC_SPR_XER:
        ppc_set32(ctx, PPC_OFF(xer_so), ir_extract(blk, s, 31, 1));
        ppc_set32(ctx, PPC_OFF(xer_ov), ir_extract(blk, s, 30, 1));
        ppc_set32(ctx, PPC_OFF(xer_ca), ir_extract(blk, s, 29, 1));
        ppc_set32(ctx, PPC_OFF(xer_bc), ir_and(blk, s, ppc_const(ctx, 0x7f)));
        return true;
    case PPC_SPR_LR:
        ppc_set32(ctx, PPC_OFF(lr), s);
        return true;
    case PPC_SPR_CTR:
        ppc_set32(ctx, PPC_OFF(ctr), s);
        return true;
    case PPC_SPR_VRSAVE:
        ppc_set32(ctx, PPC_OFF(vrsave), s);
        return true;
    }
    return false;
}

/* mftb rT, TBR (Book II 5.2): 268 = TBL, 269 = TBU. */
bool ppc_trans_mftb(PpcDisas *ctx, const PpcArgs *a)
{
    if (a->spr != PPC_SPR_TBL && a->spr != PPC_SPR_TBU) {
        return false;
    }
    ppc_set_gpr(ctx, a->rt, ppc_gen_read_tb(ctx, a->spr == PPC_SPR_TBU));
    return true;
}
