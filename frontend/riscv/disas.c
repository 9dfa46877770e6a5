/*
 * RISC-V disassembler: the text GNU objdump 2.40 prints with -M no-aliases
 * on an ELF object (register ABI names, decimal offsets, hex shift amounts and upper immediates,
 * absolute branch targets in bare hex, CSR names), with one space after the mnemonic instead
 * of objdump's tab and without objdump's "<symbol>" and "# comment" tails.
 * It uses the decoder's tables, so what it names is exactly what the lifter
 * implements; anything else prints as ".4byte"/".2byte", like objdump.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "frontend/riscv/internal.h"

static const struct {
    uint16_t num;
    const char *name;
} rv_csr_table[] = {
#define RV_CSR(num_, name_) { (num_), (name_) },
#include "frontend/riscv/csr_names.def"
#undef RV_CSR
};

const char *rv_csr_name(uint32_t csr)
{
    unsigned lo = 0, hi = G_N_ELEMENTS(rv_csr_table);

    while (lo < hi) {           /* the table is sorted by number */
        unsigned mid = (lo + hi) / 2;

        if (rv_csr_table[mid].num == csr) {
            return rv_csr_table[mid].name;
        }
        if (rv_csr_table[mid].num < csr) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

static const char *const rv_rm_names[8] = { "rne", "rtz", "rdn", "rup", "rmm", NULL, NULL, NULL };

#define X(r) rv_xreg_names[r]
#define F(r) rv_freg_names[r]

/* "fadd_s" -> "fadd.s" */
static void rv_mnemonic(GString *s, const char *name)
{
    for (const char *p = name; *p; p++) {
        g_string_append_c(s, *p == '_' ? '.' : *p);
    }
}

static void rv_csr_operand(GString *s, uint32_t csr)
{
    const char *n = rv_csr_name(csr);

    if (n) {
        g_string_append(s, n);
    } else {
        g_string_append_printf(s, "0x%x", csr);
    }
}

static void rv_fence_set(GString *s, unsigned bits)
{
    static const char io[] = "iorw";

    if (bits == 0) {
        g_string_append(s, "unknown");
        return;
    }
    for (unsigned i = 0; i < 4; i++) {
        if (bits & (8u >> i)) {
            g_string_append_c(s, io[i]);
        }
    }
}

/* Append the rounding mode operand unless it is dyn; objdump names 5 and 6 "unknown". */
static void rv_rm_operand(GString *s, int rm)
{
    if (rm != RV_RM_DYN) {
        g_string_append_printf(s, ",%s", rv_rm_names[rm] ? rv_rm_names[rm] : "unknown");
    }
}

/*
 * Encodings the lifter accepts (their extra fields are ignored, as in qemu) but
 * objdump does not name: fences with non-zero rd/rs1 or an unknown fm, and the
 * exact conversions fcvt.d.s/.d.w/.d.wu with a rounding mode other than 0.
 */
static bool rv_objdump_rejects(const RvInsnDesc *d, uint32_t insn, const RvArgs *a)
{
    if (d->trans == trans_fence) {
        return (insn & 0xf00f8f80u) != 0;
    }
    if (d->trans == trans_fence_tso || d->trans == trans_fence_i) {
        return (insn & 0x000f8f80u) != 0 || (d->trans == trans_fence_i && (insn >> 20) != 0);
    }
    if (d->trans == trans_fcvt_d_s || d->trans == trans_fcvt_d_w || d->trans == trans_fcvt_d_wu) {
        return a->rm != 0;
    }
    return false;
}

/* A 32-bit instruction; false if objdump would not name it either. */
static bool rv_disas32(GuestAddr pc, uint32_t insn, GString *s)
{
    RvArgs a;
    const RvInsnDesc *d = rv_decode32(insn, &a);

    if (d == NULL || rv_objdump_rejects(d, insn, &a)) {
        return false;
    }
    if (d->trans == trans_fcvt_d_s || d->trans == trans_fcvt_d_w || d->trans == trans_fcvt_d_wu) {
        a.rm = RV_RM_DYN;       /* exact conversions: objdump prints no rounding mode */
    }
    rv_mnemonic(s, d->name);
    if (d->fmt == RV_FMT_AMO || d->fmt == RV_FMT_LR) {
        g_string_append(s, (const char *[]){ "", ".rl", ".aq", ".aqrl" }[a.rm & 3]);
    }
    if (d->fmt != RV_FMT_NONE) {
        g_string_append_c(s, ' ');
    }
    switch (d->fmt) {
    case RV_FMT_R:
        g_string_append_printf(s, "%s,%s,%s", X(a.rd), X(a.rs1), X(a.rs2));
        break;
    case RV_FMT_R2:
        g_string_append_printf(s, "%s,%s", X(a.rd), X(a.rs1));
        break;
    case RV_FMT_I:
        g_string_append_printf(s, "%s,%s,%" PRId64, X(a.rd), X(a.rs1), a.imm);
        break;
    case RV_FMT_SH:
        g_string_append_printf(s, "%s,%s,0x%" PRIx64, X(a.rd), X(a.rs1), a.imm);
        break;
    case RV_FMT_LD:
        g_string_append_printf(s, "%s,%" PRId64 "(%s)", X(a.rd), a.imm, X(a.rs1));
        break;
    case RV_FMT_ST:
        g_string_append_printf(s, "%s,%" PRId64 "(%s)", X(a.rs2), a.imm, X(a.rs1));
        break;
    case RV_FMT_B:
        g_string_append_printf(s, "%s,%s,%" PRIx64, X(a.rs1), X(a.rs2), pc + (uint64_t)a.imm);
        break;
    case RV_FMT_U:
        g_string_append_printf(s, "%s,0x%" PRIx64, X(a.rd), ((uint64_t)a.imm >> 12) & 0xfffff);
        break;
    case RV_FMT_J:
        g_string_append_printf(s, "%s,%" PRIx64, X(a.rd), pc + (uint64_t)a.imm);
        break;
    case RV_FMT_NONE:
        break;
    case RV_FMT_FENCE:
        rv_fence_set(s, (a.imm >> 4) & 0xf);
        g_string_append_c(s, ',');
        rv_fence_set(s, a.imm & 0xf);
        break;
    case RV_FMT_CSR:
        g_string_append_printf(s, "%s,", X(a.rd));
        rv_csr_operand(s, a.csr);
        g_string_append_printf(s, ",%s", X(a.rs1));
        break;
    case RV_FMT_CSRI:
        g_string_append_printf(s, "%s,", X(a.rd));
        rv_csr_operand(s, a.csr);
        g_string_append_printf(s, ",%" PRId64, a.imm);
        break;
    case RV_FMT_AMO:
        g_string_append_printf(s, "%s,%s,(%s)", X(a.rd), X(a.rs2), X(a.rs1));
        break;
    case RV_FMT_LR:
        g_string_append_printf(s, "%s,(%s)", X(a.rd), X(a.rs1));
        break;
    case RV_FMT_FLD:
        g_string_append_printf(s, "%s,%" PRId64 "(%s)", F(a.rd), a.imm, X(a.rs1));
        break;
    case RV_FMT_FST:
        g_string_append_printf(s, "%s,%" PRId64 "(%s)", F(a.rs2), a.imm, X(a.rs1));
        break;
    case RV_FMT_FR:
        g_string_append_printf(s, "%s,%s,%s", F(a.rd), F(a.rs1), F(a.rs2));
        break;
    case RV_FMT_FRM:
        g_string_append_printf(s, "%s,%s,%s", F(a.rd), F(a.rs1), F(a.rs2));
        rv_rm_operand(s, a.rm);
        break;
    case RV_FMT_FR4:
        g_string_append_printf(s, "%s,%s,%s,%s", F(a.rd), F(a.rs1), F(a.rs2), F(a.rs3));
        rv_rm_operand(s, a.rm);
        break;
    case RV_FMT_F1RM:
        g_string_append_printf(s, "%s,%s", F(a.rd), F(a.rs1));
        rv_rm_operand(s, a.rm);
        break;
    case RV_FMT_XF:
        g_string_append_printf(s, "%s,%s", X(a.rd), F(a.rs1));
        break;
    case RV_FMT_XFRM:
        g_string_append_printf(s, "%s,%s", X(a.rd), F(a.rs1));
        rv_rm_operand(s, a.rm);
        break;
    case RV_FMT_FX:
        g_string_append_printf(s, "%s,%s", F(a.rd), X(a.rs1));
        break;
    case RV_FMT_FXRM:
        g_string_append_printf(s, "%s,%s", F(a.rd), X(a.rs1));
        rv_rm_operand(s, a.rm);
        break;
    case RV_FMT_XFF:
        g_string_append_printf(s, "%s,%s,%s", X(a.rd), F(a.rs1), F(a.rs2));
        break;
    case RV_FMT_SFENCE:
        g_string_append_printf(s, "%s,%s", X(a.rs1), X(a.rs2));
        break;
    case RV_FMT_COUNT:
        g_assert_not_reached();
    }
    return true;
}

/* A 16-bit instruction, printed in its compressed form. */
static bool rv_disas16(GuestAddr pc, uint16_t c, GString *s)
{
    RvArgs a;
    uint32_t insn;
    const RvCInsnDesc *d = rv_expand_rvc(c, &insn, &a);
    const char *const *dn;

    if (d == NULL) {
        if (c == 0) {
            g_string_append(s, "c.unimp");
            return true;
        }
        if ((c & 0xef83) == 0x6101) {
            g_string_append(s, "c.addi16sp sp,0");      /* reserved, but objdump names it */
            return true;
        }
        return false;
    }
    /* RV64 shifts by 0 are the c.*64 hints. */
    if ((d->fmt == RV_CFMT_SHIFTB || d->fmt == RV_CFMT_SLLI) && a.imm == 0) {
        rv_mnemonic(s, d->name);
        g_string_append_printf(s, "64 %s", X(a.rd));
        return true;
    }
    dn = d->fp_rd ? rv_freg_names : rv_xreg_names;
    rv_mnemonic(s, d->name);
    if (d->fmt != RV_CFMT_NONE) {
        g_string_append_c(s, ' ');
    }
    switch (d->fmt) {
    case RV_CFMT_4SPN:
        g_string_append_printf(s, "%s,sp,%" PRId64, X(a.rd), a.imm);
        break;
    case RV_CFMT_LW:
    case RV_CFMT_LD:
    case RV_CFMT_LWSP:
    case RV_CFMT_LDSP:
        g_string_append_printf(s, "%s,%" PRId64 "(%s)", dn[a.rd], a.imm, X(a.rs1));
        break;
    case RV_CFMT_SW:
    case RV_CFMT_SD:
    case RV_CFMT_SWSP:
    case RV_CFMT_SDSP:
        g_string_append_printf(s, "%s,%" PRId64 "(%s)", dn[a.rs2], a.imm, X(a.rs1));
        break;
    case RV_CFMT_ADDI:
    case RV_CFMT_LI:
    case RV_CFMT_ANDI:
        g_string_append_printf(s, "%s,%" PRId64, X(a.rd), a.imm);
        break;
    case RV_CFMT_LUI:
        g_string_append_printf(s, "%s,0x%" PRIx64, X(a.rd), ((uint64_t)a.imm >> 12) & 0xfffff);
        break;
    case RV_CFMT_16SP:
        g_string_append_printf(s, "sp,%" PRId64, a.imm);
        break;
    case RV_CFMT_SHIFTB:
    case RV_CFMT_SLLI:
        g_string_append_printf(s, "%s,0x%" PRIx64, X(a.rd), a.imm);
        break;
    case RV_CFMT_ARITH:
    case RV_CFMT_MV:
    case RV_CFMT_ADD:
        g_string_append_printf(s, "%s,%s", X(a.rd), X(a.rs2));
        break;
    case RV_CFMT_J:
        g_string_append_printf(s, "%" PRIx64, pc + (uint64_t)a.imm);
        break;
    case RV_CFMT_BRANCH:
        g_string_append_printf(s, "%s,%" PRIx64, X(a.rs1), pc + (uint64_t)a.imm);
        break;
    case RV_CFMT_JR:
    case RV_CFMT_JALR:
        g_string_append(s, X(a.rs1));
        break;
    case RV_CFMT_NONE:
        break;
    }
    return true;
}

unsigned rv_disas(GuestAddr pc, const uint8_t *bytes, size_t len, char *buf, size_t buflen)
{
    g_autoptr(GString) s = g_string_new(NULL);
    unsigned n;

    if (len < 2) {
        return 0;
    }
    if ((bytes[0] & 3) != 3) {
        uint16_t c = (uint16_t)(bytes[0] | bytes[1] << 8);

        n = 2;
        if (!rv_disas16(pc, c, s)) {
            g_string_assign(s, "");
            g_string_append_printf(s, ".2byte 0x%x", c);
        }
    } else {
        uint32_t insn;

        if (len < 4) {
            return 0;
        }
        insn = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
               (uint32_t)bytes[3] << 24;
        n = 4;
        if (!rv_disas32(pc, insn, s)) {
            g_string_assign(s, "");
            g_string_append_printf(s, ".4byte 0x%x", insn);
        }
    }
    if (buflen > 0) {
        g_strlcpy(buf, s->str, buflen);
    }
    return n;
}
