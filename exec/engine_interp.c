/*
 * The interpreter engine: keeps each block's optimized IR and runs it with
 * ir_interp_run().  Chained exits and the jump cache are followed in C so that
 * the loop in exec.c is entered as rarely as with the JIT, which keeps the two
 * engines' exit behaviour (and --stats) comparable.
 */
#include "exec/exec.h"
#include "ir/interp.h"

/* True while this thread is inside ir_interp_run(): a host fault on a guest address is the guest's. */
static __thread bool interp_running;


static bool interp_translate(ExecCtx *x, TbBlock *tb, IrBlock *blk)
{
    ir_interp_index_labels(blk);
    tb->ir = blk;
    return true;
}

static void interp_run(ExecCtx *x, GuestCpu *cpu, TbBlock *tb, TbBlock **from, unsigned *slot)
{
    IrInterpEnv env = {
        .mem_base = x->mem.base,
        .addr_bits = x->mem.addr_bits,
        .trace_mem = NULL,
        .cur_pc = &cpu->pc,
        .mem_helpers = x->mem.mem_helpers,
    };
    IrInterpExit e;

    *from = NULL;
    for (;;) {
        if (cpu->exit_request != 0) {
            cpu->pc = tb->pc;
            cpu->exit_kind = GUEST_EXIT_INTERRUPT;
            return;
        }
        if (x->count_insns) {
            cpu->insns_executed += tb->guest_insns;
        }
        exec_thread.counted_tb = tb->insn_offsets != NULL ? tb : NULL;   /* tracing only */
        interp_running = true;
        ir_interp_run(tb->ir, cpu, &env, &e);
        interp_running = false;
        switch (e.kind) {
        case IR_INTERP_GOTO_BLOCK: {
            TbBlock *next = tb->exits[e.slot].dest;
            cpu->pc = e.pc;
            if (next != NULL && next->valid) {
                tb = next;
                continue;
            }
            *from = tb;
            *slot = e.slot;
            return;
        }
        case IR_INTERP_GOTO_PTR: {
            TbBlock *next = cpu->jmp_cache[tb_jmp_hash(e.pc)];
            cpu->pc = e.pc;
            /* A traced block returns to the exec loop, like the JIT's (no inline probe). */
            if (!tb->traced && next != NULL && next->pc == e.pc && next->valid &&
                next->flags == (x->mem.mem_helpers != NULL ? cpu->jmp_flags : 0)) {
                tb = next;
                continue;
            }
            return;
        }
        case IR_INTERP_RAISE:
            cpu->pc = e.pc;
            cpu->exit_kind = e.raise_kind;
            cpu->exit_code = e.code;
            cpu->exit_aux = e.aux;
            return;
        case IR_INTERP_ADDR_FAULT:
            cpu->pc = e.pc;
            cpu->exit_kind = GUEST_EXIT_MEM_FAULT;
            cpu->exit_code = e.code;
            cpu->exit_aux = e.aux;
            return;
        }
    }
}

static bool interp_host_pc_to_guest(ExecCtx *x, uintptr_t host_pc, const void *host_context,
                                    GuestCpu *cpu)
{
    /* cpu->pc already holds the current instruction: INSN_START writes it (env.cur_pc). */
    if (!interp_running) {
        return false;
    }
    interp_running = false;
    return true;
}

const Engine engine_interp = {
    .name = "interp",
    .translate = interp_translate,
    .run = interp_run,
    .host_pc_to_guest = interp_host_pc_to_guest,
};
