/*
 * The return-address stack: IR_OP_RAS_PUSH at a guest call, IR_OP_GOTO_RET at a return.
 *
 * A call pushes the block the jump cache holds for its return address (the pc is a
 * constant, so that is one load at a fixed index; NULL or another pc's block when the
 * return site is not there yet).  A return pops the newest entry and jumps straight into
 * its host code when the block starts at the actual target; anything else -- an empty
 * entry, a longjmp or a modified ra, an entry wrapped over by deep recursion -- falls back
 * to the ordinary jump-cache probe, so the stack can only make a return faster, never
 * send it elsewhere.
 *
 * Stale entries: an invalidated block (self-modifying code, munmap, a breakpoint) stays
 * allocated until the next flush with valid == false, which the pop checks; a flush frees
 * blocks and clears every CPU's stack together with its jump cache (one allocation, see
 * exec/tb.h), as do system-mode TLB flushes (the same pc may then be other code).
 *
 * Off unless MIMIC_JIT_RAS=1: measured on bench/calls.c (recursion, function pointers, a
 * switch VM) the push and the checked pop cost more than the jump-cache probe they skip,
 * since the return still ends in an indirect jump the host predicts no better (about 7%
 * slower).  Off, RAS_PUSH emits nothing and GOTO_RET is exactly GOTO_PTR.
 */
#include <stddef.h>

#include "backend-x86_64/x64_internal.h"
#include "exec/tb.h"

G_STATIC_ASSERT((TB_RAS_SIZE & (TB_RAS_SIZE - 1)) == 0);

static bool ras_wanted(void)
{
    static gsize wanted;

    if (g_once_init_enter(&wanted)) {
        const char *env = g_getenv("MIMIC_JIT_RAS");
        g_once_init_leave(&wanted, env != NULL && env[0] == '1' ? 2 : 1);
    }
    return wanted == 2;
}

/*
 * Is the stack used by this block?  Not when every entry must pass the exec loop (tracing),
 * and only in user mode: with it on, one two-hart Linux boot (boot_linux_smp2_jit, under a
 * heavily loaded machine) hung at "Bringing up secondary CPUs", which 16 later runs did not
 * reproduce and nothing here explains yet.
 */
static bool ras_enabled(const X64Gen *g)
{
    return g->probe_jmp_cache && !x64_softmmu(g) && ras_wanted();
}

/* Entry idx of the stack, base holding cpu->jmp_cache. */
static X64Mem ras_entry(X64Reg base, X64Reg idx)
{
    return x64_mem_idx(base, idx, 3, (int32_t)(TB_JMP_CACHE_SIZE * sizeof(TbBlock *)));
}

/* ras[idx] = the jump cache's block for return_pc (base: cpu->jmp_cache; tmp is clobbered). */
static void store_entry(X64Gen *g, X64Reg base, X64Reg idx, X64Reg tmp, uint64_t return_pc)
{
    X64Buf *b = &g->buf;

    x64_mov_rm(b, 8, tmp, x64_mem(base, (int32_t)(tb_jmp_hash(return_pc) * sizeof(TbBlock *))));
    x64_mov_mr(b, 8, ras_entry(base, idx), tmp);
}

void x64_gen_ras_push(X64Gen *g, const IrInsn *insn)
{
    X64Buf *b = &g->buf;

    if (!ras_enabled(g)) {
        return;
    }
    /* Mid-block: live values stay in their registers; take free ones. */
    X64Reg idx = x64_ra_alloc(g);
    X64Reg base = x64_ra_alloc(g);
    X64Mem top = x64_mem(X64_CPU_REG, offsetof(GuestCpu, ras_top));

    x64_mov_rm(b, 4, idx, top);
    x64_alu_ri(b, X64_ADD, 4, idx, 1);
    x64_alu_ri(b, X64_AND, 4, idx, TB_RAS_SIZE - 1);
    x64_mov_mr(b, 4, top, idx);
    x64_mov_rm(b, 8, base, x64_mem(X64_CPU_REG, offsetof(GuestCpu, jmp_cache)));
    store_entry(g, base, idx, X64_SCRATCH, (uint64_t)insn->imm[0]);
}

void x64_gen_goto_ret(X64Gen *g, const IrInsn *insn)
{
    X64Buf *b = &g->buf;

    x64_goto_ptr_target(g, insn);           /* pc in RDX; every register is free from here on */
    if (ras_enabled(g)) {
        X64Mem top = x64_mem(X64_CPU_REG, offsetof(GuestCpu, ras_top));
        uint64_t push_pc = (uint64_t)insn->imm[0];

        /* tb = ras[top]; then pop it, or (a coroutine swap) replace it with the new link. */
        x64_mov_rm(b, 4, X64_RCX, top);
        x64_mov_rm(b, 8, X64_SCRATCH, x64_mem(X64_CPU_REG, offsetof(GuestCpu, jmp_cache)));
        x64_mov_rm(b, 8, X64_RAX, ras_entry(X64_SCRATCH, X64_RCX));
        if (push_pc != 0) {
            store_entry(g, X64_SCRATCH, X64_RCX, X64_RSI, push_pc);
        } else {
            x64_alu_ri(b, X64_SUB, 4, X64_RCX, 1);
            x64_alu_ri(b, X64_AND, 4, X64_RCX, TB_RAS_SIZE - 1);
            x64_mov_mr(b, 4, top, X64_RCX);
        }
        /* if (tb && tb->pc == pc && tb->valid) goto tb->host_code (user mode: flags are 0) */
        x64_test_rr(b, 8, X64_RAX, X64_RAX);
        uint32_t miss1 = x64_jcc_rel8(b, X64_CC_E);
        x64_alu_rm(b, X64_CMP, 8, X64_RDX, x64_mem(X64_RAX, offsetof(TbBlock, pc)));
        uint32_t miss2 = x64_jcc_rel8(b, X64_CC_NE);
        G_STATIC_ASSERT(sizeof(((TbBlock *)0)->valid) == 1);
        x64_movzx_rm(b, X64_RCX, x64_mem(X64_RAX, offsetof(TbBlock, valid)), 1);
        x64_test_rr(b, 4, X64_RCX, X64_RCX);
        uint32_t miss3 = x64_jcc_rel8(b, X64_CC_E);
        x64_jmp_m(b, x64_mem(X64_RAX, offsetof(TbBlock, host_code)));
        x64_patch_rel8(b, miss1, x64_offset(b));
        x64_patch_rel8(b, miss2, x64_offset(b));
        x64_patch_rel8(b, miss3, x64_offset(b));
    }
    x64_goto_ptr_probe(g);
}
