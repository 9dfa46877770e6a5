/*
 * The decoder and disassembler: every table row, and random words, checked against
 * capstone (whatever our decoder accepts, capstone must name with the same
 * mnemonic, up to the aliases below); a list of user-mode instructions as GNU as
 * assembles them (binutils 2.40, -many) must all be accepted and lifted without an
 * illegal-instruction exit; the disassembler's text for a few words.
 */
#include <capstone/capstone.h>
#include <check.h>
#include <string.h>

#include "frontend/ppc/internal.h"
#include "tests/unit/ppc/ppc_test.h"

/* Words from `powerpc-linux-gnu-as -many` for typical gcc/glibc output (see the commit history). */
static const uint32_t user_words[] = {
0x38610008u, 0x3c63ffffu, 0x3880ffffu, 0x3ca01234u, 0x7c832378u, 0x7c642a14u, 
0x7c642a15u, 0x7c642e14u, 0x7c642e15u, 0x7c642814u, 0x7c642914u, 0x7c640194u, 
0x7c6401d4u, 0x30640005u, 0x3464fffbu, 0x7c642850u, 0x7c642810u, 0x7c642910u, 
0x7c640190u, 0x7c6401d0u, 0x20640005u, 0x7c6400d0u, 0x7c6404d1u, 0x7c6429d6u, 
0x7c642dd7u, 0x7c642896u, 0x7c642816u, 0x1c640064u, 0x7c642bd6u, 0x7c642b96u, 
0x7c642fd7u, 0x7c832838u, 0x7c832878u, 0x7c832b78u, 0x7c832b38u, 0x7c832a78u, 
0x7c832bb8u, 0x7c8328f8u, 0x7c832a38u, 0x708300ffu, 0x748300ffu, 0x608300ffu, 
0x648300ffu, 0x688300ffu, 0x6c8300ffu, 0x60000000u, 0x7c830774u, 0x7c830735u, 
0x7c830034u, 0x7c832830u, 0x7c832c30u, 0x7c832e30u, 0x7c832e70u, 0x7c83fe71u, 
0x5483298eu, 0x5483003fu, 0x5483103au, 0x5483f0beu, 0x5483043eu, 0x5483403eu, 
0x5083421eu, 0x5c83283eu, 0x5c83283eu, 0x7f832000u, 0x7c032040u, 0x2c030000u, 
0x2b830064u, 0x7c64289eu, 0x4cc63182u, 0x4cc63242u, 0x4c221b82u, 0x4c221a02u, 
0x4c221902u, 0x4c2219c2u, 0x4c221842u, 0x4c221b42u, 0x4f800000u, 0x7d800400u, 
0x7c600026u, 0x7c710026u, 0x7c6ff120u, 0x7c6ff120u, 0x7c708120u, 0x7c0802a6u, 
0x7c0803a6u, 0x7d2902a6u, 0x7d2903a6u, 0x7c6102a6u, 0x7c6103a6u, 0x7c6c42e6u, 
0x7c6d42e6u, 0x7c6042a6u, 0x7c6043a6u, 0x80610008u, 0x84610008u, 0x7c64282eu, 
0x7c64286eu, 0x88610008u, 0x8c610008u, 0x7c6428aeu, 0x7c6428eeu, 0xa0610008u, 
0xa4610008u, 0x7c642a2eu, 0x7c642a6eu, 0xa8610008u, 0xac610008u, 0x7c642aaeu, 
0x7c642aeeu, 0x90610008u, 0x9421ffe0u, 0x7c64292eu, 0x7c21016eu, 0x98610008u, 
0x9c610008u, 0x7c6429aeu, 0x7c6429eeu, 0xb0610008u, 0xb4610008u, 0x7c642b2eu, 
0x7c642b6eu, 0x7c642c2cu, 0x7c642e2cu, 0x7c642d2cu, 0x7c642f2cu, 0xbb810008u, 
0xbf810008u, 0x7ca464aau, 0x7ca465aau, 0x7ca3242au, 0x7ca3252au, 0x7c602028u, 
0x7c60212du, 0x7c0004acu, 0x7c2004acu, 0x4c00012cu, 0x7c0006acu, 0x7c001fecu, 
0x7c00186cu, 0x7c0018acu, 0x7c001a2cu, 0x7c0019ecu, 0x7c001facu, 0x48000008u, 
0x48000009u, 0x48000102u, 0x48000103u, 0x419e0008u, 0x40820008u, 0x4200fffcu, 
0x42600008u, 0x41840008u, 0x40800008u, 0x4d820020u, 0x4e800020u, 0x4e800021u, 
0x4e800420u, 0x4e800421u, 0x4c9e0420u, 0x4e000020u, 0x44000002u, 0x7fe00008u, 
0x7c832008u, 0x0fe00000u, 0x0d030000u, 0x7e032008u, 0xc0210008u, 0xc4210008u, 
0x7c23242eu, 0x7c23246eu, 0xc8210008u, 0xcc210008u, 0x7c2324aeu, 0x7c2324eeu, 
0xd0210008u, 0xd4210008u, 0x7c23252eu, 0x7c23256eu, 0xd8210008u, 0xdc210008u, 
0x7c2325aeu, 0x7c2325eeu, 0x7c2327aeu, 0xfc201090u, 0xfc201050u, 0xfc201210u, 
0xfc201110u, 0xfc22182au, 0xec22182au, 0xfc221828u, 0xec221828u, 0xfc2200f2u, 
0xec2200f2u, 0xfc221824u, 0xec221825u, 0xfc2220fau, 0xec2220fau, 0xfc2220f8u, 
0xec2220f8u, 0xfc2220feu, 0xec2220feu, 0xfc2220fcu, 0xec2220fcu, 0xfc20102cu, 
0xec20102cu, 0xec201030u, 0xfc201034u, 0xfc2220eeu, 0xfc201018u, 0xfc20101cu, 
0xfc20101eu, 0xff811000u, 0xfc011040u, 0xfc20048eu, 0xfc20048fu, 0xfdfe0d8eu, 
0xff80110cu, 0xffe0008cu, 0xffc0004cu, 0xff840080u, 0xfc22182bu, 
};

static csh cs;

static void cs_setup(void)
{
    ck_assert_int_eq(cs_open(CS_ARCH_PPC, CS_MODE_32 | CS_MODE_BIG_ENDIAN, &cs), CS_ERR_OK);
}

static void cs_teardown(void)
{
    cs_close(&cs);
}

/*
 * Capstone mnemonics that name one of our rows by another (extended) name.  Each
 * entry: our row name, then capstone names (a trailing '*' matches any suffix).
 */
static const char *const aliases[][10] = {
    { "b", "b*" },
    { "bc", "b*" },
    { "bclr", "b*" },
    { "bcctr", "b*" },
    { "addi", "li", "la", "subi" },
    { "addis", "lis", "subis" },
    { "addic", "subic" },
    { "addic.", "subic." },
    { "or", "mr" },
    { "ori", "nop" },
    { "nor", "not" },
    { "rlwinm", "slwi", "srwi", "clrlwi", "clrrwi", "rotlwi", "rotrwi", "extlwi", "extrwi", "clrlslwi" },
    { "rlwnm", "rotlw" },
    { "rlwimi", "inslwi", "insrwi" },
    { "cmp", "cmpw", "cmpd" },
    { "cmpl", "cmplw", "cmpld" },
    { "cmpi", "cmpwi", "cmpdi" },
    { "cmpli", "cmplwi", "cmpldi" },
    { "tw", "tw*", "trap" },
    { "twi", "tw*" },
    { "crxor", "crclr" },
    { "creqv", "crset" },
    { "cror", "crmove" },
    { "crnor", "crnot" },
    { "mfspr", "mf*" },
    { "mtspr", "mt*" },
    { "mftb", "mftb*" },
    { "mtcrf", "mtcr" },
    { "mfcr", "mfocrf" },
    { "mtcrf", "mtocrf" },
    { "sync", "lwsync", "msync" },
    { "eieio", "mbar" },
    { "subf", "sub" },
    { "subfc", "subc" },
    { "mtfsf", "mtfsf" },
    { "isel", "isel*" },
    { "cntlzw", "cntlz" },
};

static bool name_matches(const char *pattern, const char *name)
{
    size_t n = strlen(pattern);

    if (n > 0 && pattern[n - 1] == '*') {
        return strncmp(pattern, name, n - 1) == 0;
    }
    return strcmp(pattern, name) == 0;
}

/* Our full mnemonic: the row's base name plus "o" (OE) and "." (Rc). */
static void our_mnemonic(const PpcInsnDesc *d, uint32_t insn, char *buf, size_t len)
{
    bool oe = (d->flags & PPC_F_OE) && (insn & (1u << 10));
    bool rc = (d->flags & PPC_F_RC) && (insn & 1);

    g_snprintf(buf, len, "%s%s%s", d->name, oe ? "o" : "", rc ? "." : "");
}

/* Capstone's mnemonic without branch hints and, for alias lookup, without "o"/".". */
static bool mnemonics_agree(const PpcInsnDesc *d, uint32_t insn, const char *theirs_raw, char *why, size_t len)
{
    char ours[32], theirs[32], base[32];
    size_t n;

    our_mnemonic(d, insn, ours, sizeof(ours));
    g_strlcpy(theirs, theirs_raw, sizeof(theirs));
    n = strlen(theirs);
    while (n > 0 && (theirs[n - 1] == '+' || theirs[n - 1] == '-')) {
        theirs[--n] = '\0';
    }
    if (strcmp(ours, theirs) == 0) {
        return true;
    }
    g_strlcpy(base, theirs, sizeof(base));
    n = strlen(base);
    if ((d->flags & PPC_F_RC) && (insn & 1) && n > 0 && base[n - 1] == '.') {
        base[--n] = '\0';
    }
    if ((d->flags & PPC_F_OE) && (insn & (1u << 10)) && n > 0 && base[n - 1] == 'o') {
        base[--n] = '\0';
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(aliases); i++) {
        if (strcmp(aliases[i][0], d->name) != 0 && !(aliases[i][0][strlen(aliases[i][0]) - 1] == '.' &&
                                                     strcmp(aliases[i][0], ours) == 0)) {
            continue;
        }
        for (unsigned j = 1; j < G_N_ELEMENTS(aliases[i]) && aliases[i][j]; j++) {
            if (name_matches(aliases[i][j], base) || name_matches(aliases[i][j], theirs)) {
                return true;
            }
        }
    }
    g_snprintf(why, len, "ours %s, capstone %s", ours, theirs_raw);
    return false;
}

/*
 * What the frontend accepts: the decoder finds a row and lifting the word does not
 * end in an illegal-instruction exit (some invalid forms are rejected by the trans_
 * function, e.g. mfcr with FXM bits, cmp with L=1).
 */
static bool one_word_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    const uint32_t *w = opaque;
    uint8_t b[4] = { (uint8_t)(*w >> 24), (uint8_t)(*w >> 16), (uint8_t)(*w >> 8), (uint8_t)*w };

    if (addr != PPCT_CODE || len != 4) {
        return false;
    }
    memcpy(buf, b, 4);
    return true;
}

static bool lifts_as_illegal(uint32_t w)
{
    g_autoptr(IrBlock) blk = ir_block_new();
    GuestLiftCtx lctx = { .blk = blk, .pc = PPCT_CODE, .max_insns = 1, .fetch = one_word_fetch,
                          .fetch_opaque = &w };

    ppc32_arch.lift_block(&lctx);
    ir_verify_or_die(blk, "ppc lift");
    for (uint32_t k = 0; k < blk->n_insns; k++) {
        const IrInsn *insn = &blk->insns[k];

        if (insn->op == IR_OP_RAISE && insn->imm[0] == GUEST_EXIT_ILLEGAL) {
            return true;
        }
    }
    return false;
}

static const PpcInsnDesc *frontend_accepts(uint32_t w, PpcArgs *a)
{
    const PpcInsnDesc *d = ppc_decode(w, a);

    return d != NULL && !lifts_as_illegal(w) ? d : NULL;
}

/*
 * Capstone 4 gaps, checked against binutils 2.40 instead: it has no XO forms with
 * OE = 1 (addo, subfo., divwo...; objdump names them), so those are compared with OE
 * cleared; it has no mtfsb0./mtfsb1. (objdump: "mtfsb1. 1"), compared with Rc cleared;
 * it has no lwarx EH hint (objdump: "lwarx r3,0,r8,1"), compared with EH cleared;
 * it rejects dcbt/dcbtst with a nonzero TH field (objdump: "dcbt r1,r26,23") and
 * lswx/stswx with some register combinations (objdump: "lswx r29,r5,r28"); it has no
 * mcrxr (objdump: "mcrxr cr3") and no fcmpo (objdump: "fcmpo cr0,f1,f2").
 */
static uint32_t capstone_view(const PpcInsnDesc *d, uint32_t w, bool *skip)
{
    *skip = (d->trans == ppc_trans_cache_nop && ((w >> 21) & 0x1f) != 0);
    if (d->flags & PPC_F_OE) {
        w &= ~(1u << 10);
    }
    if (d->trans == ppc_trans_mtfsb || (d->flags & PPC_F_EH)) {
        w &= ~1u;
    }
    return w;
}

/*
 * Check one word: if we accept it, capstone must name it with an agreeing mnemonic.
 * Returns false (and a message) on disagreement.
 */
static bool check_word(uint32_t insn, char *why, size_t len)
{
    PpcArgs a;
    const PpcInsnDesc *d = frontend_accepts(insn, &a);
    cs_insn *ci;
    size_t n;
    bool ok, skip;
    uint32_t w;

    if (d == NULL) {
        return true;
    }
    w = capstone_view(d, insn, &skip);
    if (skip) {
        return true;
    }
    uint8_t b[4] = { (uint8_t)(w >> 24), (uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w };
    n = cs_disasm(cs, b, 4, 0x1000, 1, &ci);
    if (n == 0 && (d->trans == ppc_trans_lswx || d->trans == ppc_trans_stswx || d->trans == ppc_trans_mcrxr ||
                   (d->trans == ppc_trans_fcmp && d->param == 1))) {
        return true;
    }
    if (n == 0) {
        g_snprintf(why, len, "%08x: ours %s, capstone rejects it", insn, d->name);
        return false;
    }
    ok = mnemonics_agree(d, w, ci[0].mnemonic, why, len);
    if (!ok) {
        char tmp[96];

        g_strlcpy(tmp, why, sizeof(tmp));
        g_snprintf(why, len, "%08x: %s (%s %s)", insn, tmp, ci[0].mnemonic, ci[0].op_str);
    }
    cs_free(ci, n);
    return ok;
}

typedef struct RowCheck {
    GRand *rng;
    unsigned failures;
    GString *log;
} RowCheck;

static void check_row(const PpcInsnDesc *d, unsigned opcd, void *opaque)
{
    RowCheck *rc = opaque;
    uint32_t reserved = ppc_reserved_mask(d, opcd);
    uint32_t base = opcd << 26 | (uint32_t)d->xo << 1;
    bool ext = opcd == 19 || opcd == 31 || opcd == 59 || opcd == 63;
    uint32_t fixed = 0xfc000000u | (ext ? (uint32_t)d->xo_mask << 1 : 0);
    unsigned accepted = 0;

    if (d->flags & PPC_F_RC1) {
        base |= 1;
    }
    if (d->fmt == PPC_FMT_SC) {
        base |= 2;
    }
    /* At least 200 tries, and more until some encodings are accepted (mtspr: a few SPRs only). */
    for (unsigned i = 0; i < 200 || (accepted < 8 && i < 20000); i++) {
        uint32_t w = (base & fixed) | (g_rand_int(rc->rng) & ~reserved & ~fixed) | (base & 3 & ~reserved);
        char why[160];
        PpcArgs a;

        if (d->flags & PPC_F_RC1) {
            w |= 1;
        }
        if (frontend_accepts(w, &a) == NULL) {
            continue;
        }
        accepted++;
        if (!check_word(w, why, sizeof(why)) && rc->failures++ < 40) {
            g_string_append_printf(rc->log, "%s\n", why);
        }
    }
    if (accepted == 0) {
        rc->failures++;
        g_string_append_printf(rc->log, "row %s: no encoding accepted\n", d->name);
    }
}

START_TEST(test_rows_match_capstone)
{
    RowCheck rc = { .rng = g_rand_new_with_seed(1), .log = g_string_new(NULL) };

    ppc_for_each_row(check_row, &rc);
    ck_assert_msg(rc.failures == 0, "%u disagreements:\n%s", rc.failures, rc.log->str);
    g_string_free(rc.log, TRUE);
    g_rand_free(rc.rng);
}
END_TEST

START_TEST(test_random_words_match_capstone)
{
    GRand *rng = g_rand_new_with_seed(2);
    unsigned failures = 0, accepted = 0;
    g_autoptr(GString) log = g_string_new(NULL);

    for (unsigned i = 0; i < 300000; i++) {
        uint32_t w = g_rand_int(rng);
        char why[160];
        PpcArgs a;

        if (frontend_accepts(w, &a) != NULL) {
            accepted++;
        }
        if (!check_word(w, why, sizeof(why))) {
            if (failures++ < 40) {
                g_string_append_printf(log, "%s\n", why);
            }
        }
    }
    g_rand_free(rng);
    ck_assert_uint_gt(accepted, 1000);
    ck_assert_msg(failures == 0, "%u disagreements:\n%s", failures, log->str);
}
END_TEST

/* --- User-mode instructions: decoded and lifted without an illegal-instruction exit --- */

START_TEST(test_user_insns_accepted)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(user_words); i++) {
        uint32_t w = user_words[i];
        g_autoptr(IrBlock) blk = ir_block_new();
        GuestLiftCtx lctx = { .blk = blk, .pc = PPCT_CODE, .max_insns = 1, .fetch = one_word_fetch,
                              .fetch_opaque = &w };
        PpcArgs a;

        ck_assert_msg(ppc_decode(w, &a) != NULL, "%08x not decoded", w);
        ppc32_arch.lift_block(&lctx);
        ir_verify_or_die(blk, "ppc lift");
        for (uint32_t k = 0; k < blk->n_insns; k++) {
            const IrInsn *insn = &blk->insns[k];

            ck_assert_msg(!(insn->op == IR_OP_RAISE && insn->imm[0] == GUEST_EXIT_ILLEGAL),
                          "%08x lifted as illegal", w);
        }
    }
}
END_TEST

/* --- Disassembler text (objdump's for the same words, see binutils 2.40) --- */

static const struct {
    uint32_t word;
    const char *text;
} disas_cases[] = {
    { 0x38610008u, "addi r3,r1,8" },
    { 0x7c632214u, "add r3,r3,r4" },
    { 0x7c632215u, "add. r3,r3,r4" },
    { 0x80610010u, "lwz r3,16(r1)" },
    { 0x9421ffe0u, "stwu r1,-32(r1)" },
    { 0xfc22182au, "fadd f1,f2,f3" },
    { 0x7c6802a6u, "mflr r3" },
    { 0x4e800020u, "blr" },
    { 0x44000002u, "sc" },
    { 0x3c63ffffu, "addis r3,r3,-1" },
    { 0x3480fffbu, "addic. r4,r0,-5" },
    { 0x7c830034u, "cntlzw r3,r4" },
    { 0x7c0004acu, "sync" },
    { 0x7c642e14u, "addo r3,r4,r5" },
    { 0x7c6404d1u, "nego. r3,r4" },
    { 0x7d800400u, "mcrxr cr3" },
    { 0x7ca3242au, "lswx r5,r3,r4" },
    { 0xfc011040u, "fcmpo cr0,f1,f2" },
    { 0x00000000u, ".long 0x00000000" },
};

START_TEST(test_disas_text)
{
    for (unsigned i = 0; i < G_N_ELEMENTS(disas_cases); i++) {
        uint32_t w = disas_cases[i].word;
        uint8_t b[4] = { (uint8_t)(w >> 24), (uint8_t)(w >> 16), (uint8_t)(w >> 8), (uint8_t)w };
        char buf[96];

        ck_assert_uint_eq(ppc32_arch.disas(0x1000, b, 4, buf, sizeof(buf)), 4);
        ck_assert_str_eq(buf, disas_cases[i].text);
    }
    {
        uint8_t b[4] = { 0x48, 0x00, 0x00, 0x10 };  /* b .+16 */
        char buf[96];

        ppc32_arch.disas(0x1000, b, 4, buf, sizeof(buf));
        ck_assert_str_eq(buf, "b 0x1010");
        ck_assert_uint_eq(ppc32_arch.disas(0x1000, b, 3, buf, sizeof(buf)), 0);
    }
}
END_TEST

START_TEST(test_arch_description)
{
    const GuestArch *a = guest_arch_by_name("ppc");

    ck_assert_ptr_eq(a, &ppc32_arch);
    ck_assert_ptr_eq(guest_arch_by_elf(20), &ppc32_arch);
    ck_assert(a->big_endian);
    ck_assert_uint_eq(a->word_size, 4);
    ck_assert_uint_eq(a->elf_class, 1);
    ck_assert_uint_eq(a->page_size, 4096);
    ck_assert_str_eq(a->regs[1].name, "r0");
    ck_assert_str_eq(a->regs[33].name, "f0");
}
END_TEST

/* XER and CR views, and Book III-E interrupt entry. */
START_TEST(test_cpu_views)
{
    PpcCpu *cpu = (PpcCpu *)guest_cpu_new(&ppc32_arch);

    ppc_set_xer(cpu, 0xa000001fu);
    ck_assert_uint_eq(cpu->xer_so, 1);
    ck_assert_uint_eq(cpu->xer_ov, 0);
    ck_assert_uint_eq(cpu->xer_ca, 1);
    ck_assert_uint_eq(ppc_get_xer(cpu), 0xa000001fu);
    ppc_set_cr(cpu, 0x12345678u);
    ck_assert_uint_eq(cpu->cr[7], 8);
    ck_assert_uint_eq(ppc_get_cr(cpu), 0x12345678u);
    cpu->ivpr = 0xfff00000u;
    cpu->ivor[PPC_IVOR_SYSCALL] = 0x900;
    cpu->msr = PPC_MSR_PR | PPC_MSR_EE | PPC_MSR_ME | PPC_MSR_CE;
    ppc_cpu_interrupt(cpu, PPC_IVOR_SYSCALL, 0x1004);
    ck_assert_uint_eq(cpu->common.pc, 0xfff00900u);
    ck_assert_uint_eq(cpu->srr0, 0x1004);
    ck_assert_uint_eq(cpu->srr1, PPC_MSR_PR | PPC_MSR_EE | PPC_MSR_ME | PPC_MSR_CE);
    ck_assert_uint_eq(cpu->msr, PPC_MSR_ME | PPC_MSR_CE);
    {
        PpcIvor ivor;
        uint32_t esr;

        ck_assert(ppc_exit_to_interrupt(GUEST_EXIT_BREAKPOINT, 0, &ivor, &esr));
        ck_assert_int_eq(ivor, PPC_IVOR_PROGRAM);
        ck_assert_uint_eq(esr, PPC_ESR_PTR);
        ck_assert(ppc_exit_to_interrupt(GUEST_EXIT_MEM_FAULT, GUEST_ACCESS_WRITE, &ivor, &esr));
        ck_assert_int_eq(ivor, PPC_IVOR_DSI);
        ck_assert_uint_eq(esr, PPC_ESR_ST);
        ck_assert(!ppc_exit_to_interrupt(GUEST_EXIT_SYNC_CODE, 4, &ivor, &esr));
    }
    guest_cpu_free(&cpu->common);
}
END_TEST

Suite *ppc_decode_suite(void)
{
    Suite *s = suite_create("ppc_decode");
    TCase *tc = tcase_create("capstone");
    TCase *tc2 = tcase_create("lift_and_text");

    tcase_add_checked_fixture(tc, cs_setup, cs_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_rows_match_capstone);
    tcase_add_test(tc, test_random_words_match_capstone);
    suite_add_tcase(s, tc);
    tcase_add_test(tc2, test_user_insns_accepted);
    tcase_add_test(tc2, test_disas_text);
    tcase_add_test(tc2, test_arch_description);
    tcase_add_test(tc2, test_cpu_views);
    suite_add_tcase(s, tc2);
    return s;
}
