/*
 * Fixed-point instructions (Power ISA 2.06 Book I chapter 3, 32-bit subset):
 * arithmetic with the record (Rc, CR0) and overflow (OE, XER.OV/SO) forms and the
 * carry rules, multiply and divide, logical ops, shifts, rotate-and-mask, isel,
 * compares and traps.  GPRs are i32 temps; carries are computed on i64 sums.
 */
#include "frontend/ppc/internal.h"

/* Finish an instruction whose result goes to GPR r: write it, then CR0 if Rc. */
static void ppc_finish(PpcDisas *ctx, const PpcArgs *a, int r, IrTemp v)
{
    ppc_set_gpr(ctx, r, v);
    if (a->rc_bit) {
        ppc_gen_cr0(ctx, v);
    }
}

/* --- Immediate arithmetic --- */

bool ppc_trans_addi(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp base = ppc_get_ra0(ctx, a->ra);

    ppc_set_gpr(ctx, a->rt, ir_add(ctx->blk, base, ppc_const(ctx, (uint32_t)a->imm)));
    return true;
}

bool ppc_trans_addis(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp base = ppc_get_ra0(ctx, a->ra);

    ppc_set_gpr(ctx, a->rt, ir_add(ctx->blk, base, ppc_const(ctx, (uint32_t)a->imm << 16)));
    return true;
}

/* CA = carry out of bit 0 of x + y (unsigned r < x). */
static IrTemp ppc_carry_add(PpcDisas *ctx, IrTemp r, IrTemp x)
{
    return ir_setcond(ctx->blk, IR_COND_LTU, r, x);
}

/* addic, addic. (param 1: record form, which always sets CR0) */
bool ppc_trans_addic(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp x = ppc_get_gpr(ctx, a->ra);
    IrTemp r = ir_add(blk, x, ppc_const(ctx, (uint32_t)a->imm));

    ppc_set32(ctx, PPC_OFF(xer_ca), ppc_carry_add(ctx, r, x));
    ppc_set_gpr(ctx, a->rt, r);
    if (a->param) {
        ppc_gen_cr0(ctx, r);
    }
    return true;
}

/* subfic: rt = ~ra + imm + 1; CA is set when imm >= ra unsigned (no borrow). */
bool ppc_trans_subfic(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp x = ppc_get_gpr(ctx, a->ra);
    IrTemp imm = ppc_const(ctx, (uint32_t)a->imm);

    ppc_set32(ctx, PPC_OFF(xer_ca), ir_setcond(blk, IR_COND_GEU, imm, x));
    ppc_set_gpr(ctx, a->rt, ir_sub(blk, imm, x));
    return true;
}

bool ppc_trans_mulli(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_set_gpr(ctx, a->rt, ir_mul(ctx->blk, ppc_get_gpr(ctx, a->ra), ppc_const(ctx, (uint32_t)a->imm)));
    return true;
}

/*
 * The add/subtract family (Book I 3.3.9): result = A + B + carry-in where A is rA
 * or ~rA, B is rB, 0 or -1 and the carry-in 0, 1 or XER.CA (see PPC_AS_*).  CA is
 * the carry out of the 32-bit sum; OV (OE=1) is signed overflow of that sum, which
 * for any carry-in is "A and B have the same sign and the result does not".
 */
/*
 * x + y + cin and its carry into XER[CA] (CA is always 0 or 1).  The forms with a known
 * operand take the 32-bit carry idioms, which compile to an add and a compare: addc
 * (r < x), subfc (rB >= rA: ~rA + rB + 1 is rB - rA), addze and subfze (x + CA carries
 * exactly when the sum wraps below x), addme and subfme (x + CA - 1 carries unless x
 * and CA are both 0).  adde and subfe add on i64, where bit 32 is the carry: the sum
 * is below 2^33, so the carry is the sum shifted right by 32.
 */
static IrTemp ppc_gen_add_ca(PpcDisas *ctx, uint32_t p, IrTemp x, IrTemp y, IrTemp cin, int ra)
{
    IrBlock *blk = ctx->blk;
    IrTemp r, ca, wide;

    if (cin == IR_TEMP_NONE) {                              /* addc */
        r = ir_add(blk, x, y);
        ca = ir_setcond(blk, IR_COND_LTU, r, x);
    } else if (!(p & PPC_AS_CIN_CA)) {                      /* subfc: x = ~rA, cin = 1 */
        IrTemp ra_v = ppc_get_gpr(ctx, ra);

        r = ir_sub(blk, y, ra_v);
        ca = ir_setcond(blk, IR_COND_GEU, y, ra_v);
    } else if (p & PPC_AS_B_ZERO) {                         /* addze, subfze */
        r = ir_add(blk, x, cin);
        ca = ir_setcond(blk, IR_COND_LTU, r, x);
    } else if (p & PPC_AS_B_ONES) {                         /* addme, subfme */
        r = ir_sub(blk, ir_add(blk, x, cin), ppc_const(ctx, 1));
        ca = ir_setcond(blk, IR_COND_NE, ir_or(blk, x, cin), ppc_const(ctx, 0));
    } else {                                                /* adde, subfe */
        wide = ir_add(blk, ir_add(blk, ir_extu32(blk, x), ir_extu32(blk, y)), ir_extu32(blk, cin));
        r = ir_trunc(blk, wide);
        ca = ir_trunc(blk, ir_shr(blk, wide, ir_const_i64(blk, 32)));
    }
    ppc_set32(ctx, PPC_OFF(xer_ca), ca);
    return r;
}

bool ppc_trans_addsub(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    uint32_t p = a->param;
    IrTemp x = ppc_get_gpr(ctx, a->ra), y, cin = IR_TEMP_NONE, r;

    if (p & PPC_AS_NOT_A) {
        x = ir_not(blk, x);
    }
    if (p & PPC_AS_B_ZERO) {
        y = ppc_const(ctx, 0);
    } else if (p & PPC_AS_B_ONES) {
        y = ppc_const(ctx, 0xffffffffu);
    } else {
        y = ppc_get_gpr(ctx, a->rb);
    }
    if (p & PPC_AS_CIN_CA) {
        cin = ppc_get32(ctx, PPC_OFF(xer_ca));
    } else if (p & PPC_AS_CIN_1) {
        cin = ppc_const(ctx, 1);
    }
    if (p & PPC_AS_SET_CA) {
        r = ppc_gen_add_ca(ctx, p, x, y, cin, a->ra);
    } else {
        r = ir_add(blk, x, y);
        if (cin != IR_TEMP_NONE) {
            r = ir_add(blk, r, cin);
        }
    }
    if (a->oe) {
        IrTemp ov = ir_and(blk, ir_xor(blk, x, r), ir_xor(blk, y, r));

        ppc_gen_set_ov(ctx, ir_extract(blk, ov, 31, 1));
    }
    ppc_finish(ctx, a, a->rt, r);
    return true;
}

/* --- Multiply and divide (Book I 3.3.9) --- */

bool ppc_trans_mullw(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp x = ppc_get_gpr(ctx, a->ra), y = ppc_get_gpr(ctx, a->rb);
    IrTemp r = ir_mul(blk, x, y);

    if (a->oe) {
        /* OV when the 64-bit product is not the sign extension of its low word. */
        IrTemp hi = ir_mulhs(blk, x, y);

        ppc_gen_set_ov(ctx, ir_setcond(blk, IR_COND_NE, hi, ir_sar(blk, r, ppc_const(ctx, 31))));
    }
    ppc_finish(ctx, a, a->rt, r);
    return true;
}

bool ppc_trans_mulhw(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_finish(ctx, a, a->rt, ir_mulhs(ctx->blk, ppc_get_gpr(ctx, a->ra), ppc_get_gpr(ctx, a->rb)));
    return true;
}

bool ppc_trans_mulhwu(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_finish(ctx, a, a->rt, ir_mulhu(ctx->blk, ppc_get_gpr(ctx, a->ra), ppc_get_gpr(ctx, a->rb)));
    return true;
}

/*
 * Division by zero and 0x80000000 / -1 leave rT undefined (Book I 3.3.9); like
 * QEMU, the divisor is then replaced by 1, so rT = rA.  OE=1 sets OV in those cases
 * and clears it otherwise.  CR0's LT/GT/EQ are undefined then too; they follow rT.
 */
static bool ppc_gen_div(PpcDisas *ctx, const PpcArgs *a, bool is_signed)
{
    IrBlock *blk = ctx->blk;
    IrTemp x = ppc_get_gpr(ctx, a->ra), y = ppc_get_gpr(ctx, a->rb);
    IrTemp zero = ppc_const(ctx, 0), one = ppc_const(ctx, 1);
    IrTemp bad = ir_setcond(blk, IR_COND_EQ, y, zero), r;

    if (is_signed) {
        IrTemp min_x = ir_setcond(blk, IR_COND_EQ, x, ppc_const(ctx, 0x80000000u));
        IrTemp neg1 = ir_setcond(blk, IR_COND_EQ, y, ppc_const(ctx, 0xffffffffu));

        bad = ir_or(blk, bad, ir_and(blk, min_x, neg1));
    }
    y = ir_select(blk, IR_COND_NE, bad, zero, one, y);
    r = is_signed ? ir_divs(blk, x, y) : ir_divu(blk, x, y);
    if (a->oe) {
        ppc_gen_set_ov(ctx, bad);
    }
    ppc_finish(ctx, a, a->rt, r);
    return true;
}

bool ppc_trans_divw(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_div(ctx, a, true); }
bool ppc_trans_divwu(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_div(ctx, a, false); }

/* --- Logical (Book I 3.3.12): rS is in the RT field, the result goes to rA --- */

static IrTemp ppc_logic(IrBlock *blk, PpcLogic op, IrTemp x, IrTemp y)
{
    switch (op) {
    case PPC_LOGIC_AND: return ir_and(blk, x, y);
    case PPC_LOGIC_ANDC: return ir_and(blk, x, ir_not(blk, y));
    case PPC_LOGIC_OR: return ir_or(blk, x, y);
    case PPC_LOGIC_ORC: return ir_or(blk, x, ir_not(blk, y));
    case PPC_LOGIC_XOR: return ir_xor(blk, x, y);
    case PPC_LOGIC_NAND: return ir_not(blk, ir_and(blk, x, y));
    case PPC_LOGIC_NOR: return ir_not(blk, ir_or(blk, x, y));
    case PPC_LOGIC_EQV: return ir_not(blk, ir_xor(blk, x, y));
    }
    g_assert_not_reached();
}

/* param: PpcLogic | 0x100 (shifted immediate) | 0x200 (record form: andi., andis.) */
bool ppc_trans_logic_imm(PpcDisas *ctx, const PpcArgs *a)
{
    uint32_t imm = (a->param & 0x100) ? a->uimm << 16 : a->uimm;
    IrTemp r = ppc_logic(ctx->blk, (PpcLogic)(a->param & 0xff), ppc_get_gpr(ctx, a->rt), ppc_const(ctx, imm));

    ppc_set_gpr(ctx, a->ra, r);
    if ((a->param & 0x200) && (imm & 0x80000000u) == 0) {
        ppc_gen_cr0_nonneg(ctx, r);      /* an and with a mask without the sign bit */
    } else if (a->param & 0x200) {
        ppc_gen_cr0(ctx, r);
    }
    return true;
}

bool ppc_trans_logic(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp x = ppc_get_gpr(ctx, a->rt);
    IrTemp y = a->rb == a->rt ? x : ppc_get_gpr(ctx, a->rb);
    PpcLogic op = (PpcLogic)a->param;

    /* mr (or rA,rS,rS), and its and form: a plain copy, not an op the host must execute */
    if (a->rb == a->rt && (op == PPC_LOGIC_OR || op == PPC_LOGIC_AND)) {
        ppc_finish(ctx, a, a->ra, x);
        return true;
    }
    ppc_finish(ctx, a, a->ra, ppc_logic(ctx->blk, op, x, y));
    return true;
}

bool ppc_trans_extsb(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_finish(ctx, a, a->ra, ir_sext(ctx->blk, ppc_get_gpr(ctx, a->rt), 8));
    return true;
}

bool ppc_trans_extsh(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_finish(ctx, a, a->ra, ir_sext(ctx->blk, ppc_get_gpr(ctx, a->rt), 16));
    return true;
}

bool ppc_trans_cntlzw(PpcDisas *ctx, const PpcArgs *a)
{
    ppc_finish(ctx, a, a->ra, ir_clz(ctx->blk, ppc_get_gpr(ctx, a->rt)));
    return true;
}

/* --- Shifts (Book I 3.3.13.2): counts are rB[26:31]; 32..63 shift everything out --- */

/*
 * As a 64-bit shift of the zero-extended word: the IR takes the count modulo 64, which is
 * rB[26:31], and a count of 32..63 leaves nothing in the low word, so no test is needed.
 */
static bool ppc_gen_shift(PpcDisas *ctx, const PpcArgs *a, IrOpcode op)
{
    IrBlock *blk = ctx->blk;
    IrTemp n = ir_extu32(blk, ppc_get_gpr(ctx, a->rb));
    IrTemp shifted = ir_binop(blk, op, ir_extu32(blk, ppc_get_gpr(ctx, a->rt)), n);

    ppc_finish(ctx, a, a->ra, ir_trunc(blk, shifted));
    return true;
}

bool ppc_trans_slw(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_shift(ctx, a, IR_OP_SHL); }
bool ppc_trans_srw(PpcDisas *ctx, const PpcArgs *a) { return ppc_gen_shift(ctx, a, IR_OP_SHR); }

/*
 * Algebraic shifts: CA is set when rS is negative and any 1 bit was shifted out
 * (for counts of 32 and more: when rS is negative).
 */
static void ppc_gen_sra_ca(PpcDisas *ctx, IrTemp s, IrTemp lost_mask)
{
    IrBlock *blk = ctx->blk;
    IrTemp neg = ir_setcond(blk, IR_COND_LT, s, ppc_const(ctx, 0));
    IrTemp lost = ir_setcond(blk, IR_COND_TSTNE, s, lost_mask);

    ppc_set32(ctx, PPC_OFF(xer_ca), ir_and(blk, neg, lost));
}

bool ppc_trans_sraw(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp s = ppc_get_gpr(ctx, a->rt);
    IrTemp n = ir_and(blk, ppc_get_gpr(ctx, a->rb), ppc_const(ctx, 0x3f));
    IrTemp big = ppc_const(ctx, 31);
    IrTemp count = ir_select(blk, IR_COND_GTU, n, big, big, n);
    IrTemp r = ir_sar(blk, s, count);
    IrTemp mask = ir_select(blk, IR_COND_GTU, n, big, ppc_const(ctx, 0xffffffffu),
                            ir_not(blk, ir_shl(blk, ppc_const(ctx, 0xffffffffu), n)));

    ppc_gen_sra_ca(ctx, s, mask);
    ppc_finish(ctx, a, a->ra, r);
    return true;
}

bool ppc_trans_srawi(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp s = ppc_get_gpr(ctx, a->rt);

    ppc_gen_sra_ca(ctx, s, ppc_const(ctx, (uint32_t)((1ull << a->sh) - 1)));
    ppc_finish(ctx, a, a->ra, ir_sar(ctx->blk, s, ppc_const(ctx, (uint32_t)a->sh)));
    return true;
}

/* --- Rotate and mask (Book I 3.3.13.1) --- */

/* MASK(mb, me): ones from bit mb to bit me (bit 0 = MSB), wrapping when mb > me. */
static uint32_t ppc_mask(int mb, int me)
{
    uint32_t from_mb = 0xffffffffu >> mb;
    uint32_t to_me = 0xffffffffu << (31 - me);

    return mb <= me ? (from_mb & to_me) : (from_mb | to_me);
}

/*
 * rlwinm picks the cheapest IR for the common shapes: slwi (SHL), srwi and
 * extrwi (EXTRACT), clrlwi/clrrwi (AND), else ROTL + AND.
 */
bool ppc_trans_rlwinm(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp s = ppc_get_gpr(ctx, a->rt), r;
    uint32_t mask = ppc_mask(a->mb, a->me);
    int sh = a->sh;

    if (a->mb <= a->me && a->me == 31 && sh != 0 && (32 - sh) + (32 - a->mb) <= 32) {
        /* Low (32 - mb) bits of the rotation come from s[32-sh ..]: an unsigned extract. */
        r = ir_extract(blk, s, (unsigned)(32 - sh), (unsigned)(32 - a->mb));
    } else if (a->mb <= a->me && sh != 0 && a->me <= 31 - sh) {
        /* Every selected bit came from the left shift, none from the wrap-around. */
        r = ir_shl(blk, s, ppc_const(ctx, (uint32_t)sh));
        if (mask != (0xffffffffu << sh)) {
            r = ir_and(blk, r, ppc_const(ctx, mask));
        }
    } else {
        r = sh ? ir_rotl(blk, s, ppc_const(ctx, (uint32_t)sh)) : s;
        if (mask != 0xffffffffu) {
            r = ir_and(blk, r, ppc_const(ctx, mask));
        }
    }
    ppc_finish(ctx, a, a->ra, r);
    return true;
}

/* rlwimi: insert the rotated rS into rA under the mask; a contiguous mask is one DEPOSIT. */
bool ppc_trans_rlwimi(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    IrTemp s = ppc_get_gpr(ctx, a->rt), old = ppc_get_gpr(ctx, a->ra), r;

    if (a->mb <= a->me) {
        unsigned pos = (unsigned)(31 - a->me), len = (unsigned)(a->me - a->mb + 1);
        unsigned rot = (unsigned)(a->sh - (int)pos) & 31;
        IrTemp v = rot ? ir_rotl(blk, s, ppc_const(ctx, rot)) : s;

        r = len == 32 ? v : ir_deposit(blk, old, v, pos, len);
    } else {
        uint32_t mask = ppc_mask(a->mb, a->me);
        IrTemp v = a->sh ? ir_rotl(blk, s, ppc_const(ctx, (uint32_t)a->sh)) : s;

        r = ir_or(blk, ir_and(blk, v, ppc_const(ctx, mask)), ir_and(blk, old, ppc_const(ctx, ~mask)));
    }
    ppc_finish(ctx, a, a->ra, r);
    return true;
}

bool ppc_trans_rlwnm(PpcDisas *ctx, const PpcArgs *a)
{
    IrBlock *blk = ctx->blk;
    uint32_t mask = ppc_mask(a->mb, a->me);
    IrTemp r = ir_rotl(blk, ppc_get_gpr(ctx, a->rt), ppc_get_gpr(ctx, a->rb));

    if (mask != 0xffffffffu) {
        r = ir_and(blk, r, ppc_const(ctx, mask));
    }
    ppc_finish(ctx, a, a->ra, r);
    return true;
}

/* isel rT, rA|0, rB, BC (Book I 3.3.11): rT = CR[BC] ? (rA|0) : rB. */
bool ppc_trans_isel(PpcDisas *ctx, const PpcArgs *a)
{
    IrTemp x = ppc_get_ra0(ctx, a->ra), y = ppc_get_gpr(ctx, a->rb);

    ppc_set_gpr(ctx, a->rt, ppc_gen_crbit_select(ctx, a->rc, x, y));
    return true;
}

/* --- Compares (Book I 3.3.10); L=1 (64-bit compares) is invalid on a 32-bit CPU --- */

bool ppc_trans_cmp(PpcDisas *ctx, const PpcArgs *a)
{
    if (a->l & 1) {
        return false;
    }
    ppc_gen_compare(ctx, a->crfd, ppc_get_gpr(ctx, a->ra), ppc_get_gpr(ctx, a->rb), true);
    return true;
}

bool ppc_trans_cmpl(PpcDisas *ctx, const PpcArgs *a)
{
    if (a->l & 1) {
        return false;
    }
    ppc_gen_compare(ctx, a->crfd, ppc_get_gpr(ctx, a->ra), ppc_get_gpr(ctx, a->rb), false);
    return true;
}

bool ppc_trans_cmpi(PpcDisas *ctx, const PpcArgs *a)
{
    if (a->l) {
        return false;
    }
    ppc_gen_compare(ctx, a->crfd, ppc_get_gpr(ctx, a->ra), ppc_const(ctx, (uint32_t)a->imm), true);
    return true;
}

bool ppc_trans_cmpli(PpcDisas *ctx, const PpcArgs *a)
{
    if (a->l) {
        return false;
    }
    ppc_gen_compare(ctx, a->crfd, ppc_get_gpr(ctx, a->ra), ppc_const(ctx, a->uimm), false);
    return true;
}

/* --- Traps (Book I 3.3.11): TO bits 16 lt, 8 gt, 4 eq, 2 ltu, 1 gtu --- */

/*
 * A trap whose condition holds stops with GUEST_EXIT_BREAKPOINT at the trap (Linux
 * raises SIGTRAP, the program interrupt's "trap" cause); otherwise execution goes on.
 */
static bool ppc_gen_trap(PpcDisas *ctx, int to, IrTemp x, IrTemp y)
{
    static const IrCond conds[5] = { IR_COND_LT, IR_COND_GT, IR_COND_EQ, IR_COND_LTU, IR_COND_GTU };
    IrBlock *blk = ctx->blk;
    uint32_t trap = ir_label_new(blk), skip = ir_label_new(blk);

    if (to == 0) {
        return true;            /* never traps */
    }
    if ((to & 0x1c) == 0x1c || (to & 0x7) == 0x7) {
        /* lt|gt|eq (signed) or ltu|gtu|eq (unsigned) covers everything: unconditional. */
        ir_raise(blk, GUEST_EXIT_BREAKPOINT, 0, ir_const_i64(blk, ctx->pc));
        ctx->end_block = true;
        return true;
    }
    for (unsigned i = 0; i < 5; i++) {
        if (to & (0x10 >> i)) {
            ir_brcond(blk, conds[i], x, y, trap);
        }
    }
    ir_br(blk, skip);
    ir_label(blk, trap);
    ir_raise(blk, GUEST_EXIT_BREAKPOINT, 0, ir_const_i64(blk, ctx->pc));
    ir_label(blk, skip);
    return true;
}

bool ppc_trans_tw(PpcDisas *ctx, const PpcArgs *a)
{
    return ppc_gen_trap(ctx, a->rt, ppc_get_gpr(ctx, a->ra), ppc_get_gpr(ctx, a->rb));
}

bool ppc_trans_twi(PpcDisas *ctx, const PpcArgs *a)
{
    return ppc_gen_trap(ctx, a->rt, ppc_get_gpr(ctx, a->ra), ppc_const(ctx, (uint32_t)a->imm));
}
