/*
 * The IR interpreter.  Deliberately simple: one switch over the opcode, temps in
 * a value array, pure ops through ir_eval_pure() so that the folder and the
 * interpreter share one definition of every op.  Helpers are called through
 * libffi with a cif built once per helper.
 */
#include <ffi.h>
#include <string.h>

#include "ir/host_fp.h"
#include "ir/interp.h"

/* --- libffi call descriptors, one per helper, built on first use --- */

typedef struct HelperCif {
    ffi_cif cif;
    ffi_type *args[IR_MAX_IN + 1];
} HelperCif;

G_LOCK_DEFINE_STATIC(cif_lock);
static GHashTable *cif_table;

static ffi_type *ffi_type_of(uint8_t t)
{
    switch ((IrHelperType)t) {
    case IR_HT_VOID: return &ffi_type_void;
    case IR_HT_I32: return &ffi_type_uint32;
    case IR_HT_I64: return &ffi_type_uint64;
    case IR_HT_CPU: return &ffi_type_pointer;
    }
    g_assert_not_reached();
}

static HelperCif *helper_cif(const IrHelper *h)
{
    HelperCif *hc;

    G_LOCK(cif_lock);
    if (cif_table == NULL) {
        cif_table = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    hc = g_hash_table_lookup(cif_table, h);
    if (hc == NULL) {
        /* A helper's first call comes between two guest instructions: MXCSR kept (host_fp.h). */
        uint32_t fp = host_fp_save();

        hc = g_new0(HelperCif, 1);
        for (unsigned i = 0; i < h->nargs; i++) {
            hc->args[i] = ffi_type_of(h->args[i]);
        }
        g_assert(ffi_prep_cif(&hc->cif, FFI_DEFAULT_ABI, h->nargs, ffi_type_of(h->ret), hc->args) == FFI_OK);
        g_hash_table_insert(cif_table, (gpointer)h, hc);
        host_fp_restore(fp);
    }
    G_UNLOCK(cif_lock);
    return hc;
}

static uint64_t call_helper(const IrHelper *h, void *cpu, const uint64_t *vals, const IrInsn *insn)
{
    HelperCif *hc = helper_cif(h);
    void *argp[IR_MAX_IN + 1];
    uint64_t argv[IR_MAX_IN + 1];
    void *cpu_arg = cpu;
    ffi_arg ret = 0;
    unsigned k = 0;

    for (unsigned i = 0; i < h->nargs; i++) {
        if (h->args[i] == IR_HT_CPU) {
            argp[i] = &cpu_arg;
        } else {
            argv[i] = vals[insn->in[k++]];
            if (h->args[i] == IR_HT_I32) {
                argv[i] = (uint32_t)argv[i];
            }
            /* uint32 arguments are read from the first 4 bytes: little-endian host. */
            argp[i] = &argv[i];
        }
    }
    ffi_call(&hc->cif, FFI_FN(h->fn), &ret, argp);
    return (uint64_t)ret;
}

/* --- Guest memory --- */

static bool addr_ok(const IrInterpEnv *env, uint64_t addr, unsigned size)
{
    if (env->addr_bits >= 64) {
        return true;
    }
    uint64_t limit = 1ull << env->addr_bits;
    return addr < limit && size <= limit - addr;
}

static uint64_t load_raw(const uint8_t *p, IrMemOp mop)
{
    uint64_t v;

    switch (ir_memop_size(mop)) {
    case 1: v = *(const volatile uint8_t *)p; break;
    case 2: { uint16_t x; memcpy(&x, p, 2); v = (mop & IR_MEM_BE) ? __builtin_bswap16(x) : x; break; }
    case 4: { uint32_t x; memcpy(&x, p, 4); v = (mop & IR_MEM_BE) ? __builtin_bswap32(x) : x; break; }
    default: { uint64_t x; memcpy(&x, p, 8); v = (mop & IR_MEM_BE) ? __builtin_bswap64(x) : x; break; }
    }
    if (mop & IR_MEM_SIGN) {
        unsigned sh = 64 - 8 * ir_memop_size(mop);
        v = (uint64_t)((int64_t)(v << sh) >> sh);
    }
    return v;
}

static uint64_t to_mem_order(uint64_t v, IrMemOp mop)
{
    if (!(mop & IR_MEM_BE)) {
        return v;
    }
    switch (ir_memop_size(mop)) {
    case 2: return __builtin_bswap16((uint16_t)v);
    case 4: return __builtin_bswap32((uint32_t)v);
    case 8: return __builtin_bswap64(v);
    default: return v;
    }
}

static void store_raw(uint8_t *p, IrMemOp mop, uint64_t v)
{
    v = to_mem_order(v, mop);
    switch (ir_memop_size(mop)) {
    case 1: *(volatile uint8_t *)p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

static uint64_t rmw_value(IrAtomicOp aop, unsigned size, uint64_t old, uint64_t val)
{
    unsigned sh = 64 - 8 * size;
    int64_t so = (int64_t)(old << sh) >> sh, sv = (int64_t)(val << sh) >> sh;
    uint64_t m = size == 8 ? ~0ull : (1ull << (8 * size)) - 1;

    old &= m;
    val &= m;
    switch (aop) {
    case IR_ATOMIC_XCHG: return val;
    case IR_ATOMIC_ADD: return old + val;
    case IR_ATOMIC_AND: return old & val;
    case IR_ATOMIC_OR: return old | val;
    case IR_ATOMIC_XOR: return old ^ val;
    case IR_ATOMIC_SMIN: return so < sv ? old : val;
    case IR_ATOMIC_SMAX: return so > sv ? old : val;
    case IR_ATOMIC_UMIN: return old < val ? old : val;
    case IR_ATOMIC_UMAX: return old > val ? old : val;
    case IR_ATOMIC_COUNT: break;
    }
    g_assert_not_reached();
}

/*
 * Atomic read-modify-write on host memory: a compare-and-swap loop on the natural
 * width, so the same code serves every op and both byte orders.
 */
static uint64_t atomic_rmw(uint8_t *p, IrMemOp mop, IrAtomicOp aop, uint64_t val)
{
    unsigned size = ir_memop_size(mop);
    IrMemOp raw = mop & ~(IrMemOp)IR_MEM_SIGN;

    for (;;) {
        uint64_t old_mem = 0, new_mem, old;
        switch (size) {
        case 1: old_mem = __atomic_load_n(p, __ATOMIC_SEQ_CST); break;
        case 2: old_mem = __atomic_load_n((uint16_t *)p, __ATOMIC_SEQ_CST); break;
        case 4: old_mem = __atomic_load_n((uint32_t *)p, __ATOMIC_SEQ_CST); break;
        default: old_mem = __atomic_load_n((uint64_t *)p, __ATOMIC_SEQ_CST); break;
        }
        old = to_mem_order(old_mem, raw);
        new_mem = to_mem_order(rmw_value(aop, size, old, val), raw);
        bool ok;
        switch (size) {
        case 1: { uint8_t e = (uint8_t)old_mem; ok = __atomic_compare_exchange_n(p, &e, (uint8_t)new_mem, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
        case 2: { uint16_t e = (uint16_t)old_mem; ok = __atomic_compare_exchange_n((uint16_t *)p, &e, (uint16_t)new_mem, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
        case 4: { uint32_t e = (uint32_t)old_mem; ok = __atomic_compare_exchange_n((uint32_t *)p, &e, (uint32_t)new_mem, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
        default: { uint64_t e = old_mem; ok = __atomic_compare_exchange_n((uint64_t *)p, &e, new_mem, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); break; }
        }
        if (ok) {
            return load_raw((const uint8_t *)&old_mem, mop) ;
        }
    }
}

static uint64_t cmpxchg(uint8_t *p, IrMemOp mop, uint64_t expected, uint64_t newval)
{
    unsigned size = ir_memop_size(mop);
    uint64_t e = to_mem_order(expected, mop & ~(IrMemOp)IR_MEM_SIGN);
    uint64_t n = to_mem_order(newval, mop & ~(IrMemOp)IR_MEM_SIGN);
    uint64_t old = 0;

    switch (size) {
    case 1: { uint8_t x = (uint8_t)e; __atomic_compare_exchange_n(p, &x, (uint8_t)n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); old = x; break; }
    case 2: { uint16_t x = (uint16_t)e; __atomic_compare_exchange_n((uint16_t *)p, &x, (uint16_t)n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); old = x; break; }
    case 4: { uint32_t x = (uint32_t)e; __atomic_compare_exchange_n((uint32_t *)p, &x, (uint32_t)n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); old = x; break; }
    default: { uint64_t x = e; __atomic_compare_exchange_n((uint64_t *)p, &x, n, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); old = x; break; }
    }
    return load_raw((const uint8_t *)&old, mop);
}

/* --- The interpreter loop --- */

void ir_interp_index_labels(IrBlock *blk)
{
    blk->label_pos = g_renew(uint32_t, blk->label_pos, MAX(blk->n_labels, 1));
    for (uint32_t l = 0; l < blk->n_labels; l++) {
        blk->label_pos[l] = UINT32_MAX;
    }
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        if (blk->insns[i].op == IR_OP_LABEL && (uint64_t)blk->insns[i].imm[0] < blk->n_labels) {
            blk->label_pos[blk->insns[i].imm[0]] = i;
        }
    }
    blk->n_label_pos = blk->n_labels;
}

/*
 * The instruction index of label: from the block's index if it has one, else by a
 * search (most branches go forward to a label a few instructions on: from here first).
 */
static uint32_t find_label(const IrBlock *blk, uint32_t from, int64_t label)
{
    if ((uint64_t)label < blk->n_label_pos && blk->label_pos[label] != UINT32_MAX) {
        return blk->label_pos[label];
    }
    for (uint32_t k = 0; k < blk->n_insns; k++) {
        uint32_t i = (from + k) % blk->n_insns;
        if (blk->insns[i].op == IR_OP_LABEL && blk->insns[i].imm[0] == label) {
            return i;
        }
    }
    g_assert_not_reached();
}

void ir_interp_run(const IrBlock *blk, void *cpu, const IrInterpEnv *env, IrInterpExit *exit)
{
    uint64_t small[256];
    g_autofree uint64_t *big = NULL;
    uint64_t *v = small;
    uint64_t pc = blk->guest_pc;
    uint8_t *state = cpu;

    if (blk->n_temps > G_N_ELEMENTS(small)) {
        big = g_new0(uint64_t, blk->n_temps);
        v = big;
    }
    v[IR_TEMP_NONE] = 0;
    for (uint32_t i = 0; i < blk->n_insns; i++) {
        const IrInsn *insn = &blk->insns[i];
        IrType t = (IrType)insn->type;

        switch ((IrOpcode)insn->op) {
        case IR_OP_NOP:
        case IR_OP_LABEL:
            break;
        case IR_OP_INSN_START:
            pc = (uint64_t)insn->imm[0];
            if (env->cur_pc != NULL) {
                *env->cur_pc = pc;
            }
            break;
        case IR_OP_GET:
            if (t == IR_I32) {
                uint32_t x;
                memcpy(&x, state + insn->imm[0], 4);
                v[insn->out] = x;
            } else {
                memcpy(&v[insn->out], state + insn->imm[0], 8);
            }
            break;
        case IR_OP_SET:
            memcpy(state + insn->imm[0], &v[insn->in[0]], t == IR_I32 ? 4 : 8);
            break;
        /* The commonest ops inline; the rest share ir_eval_pure() with the folder. */
        case IR_OP_CONST:
            v[insn->out] = (uint64_t)insn->imm[0];
            break;
        case IR_OP_MOV:
            v[insn->out] = v[insn->in[0]];
            break;
        case IR_OP_ADD:
            v[insn->out] = v[insn->in[0]] + v[insn->in[1]];
            break;
        case IR_OP_AND:
            v[insn->out] = v[insn->in[0]] & v[insn->in[1]];
            break;
        case IR_OP_SUB:
        case IR_OP_MUL:
        case IR_OP_MULHS:
        case IR_OP_MULHU:
        case IR_OP_MULHSU:
        case IR_OP_DIVS:
        case IR_OP_DIVU:
        case IR_OP_REMS:
        case IR_OP_REMU:
        case IR_OP_NEG:
        case IR_OP_NOT:
        case IR_OP_OR:
        case IR_OP_XOR:
        case IR_OP_SHL:
        case IR_OP_SHR:
        case IR_OP_SAR:
        case IR_OP_ROTL:
        case IR_OP_ROTR:
        case IR_OP_SEXT:
        case IR_OP_ZEXT:
        case IR_OP_EXTU32:
        case IR_OP_EXTS32:
        case IR_OP_TRUNC:
        case IR_OP_EXTRACT:
        case IR_OP_DEPOSIT:
        case IR_OP_CLZ:
        case IR_OP_CTZ:
        case IR_OP_POPCNT:
        case IR_OP_BSWAP:
        case IR_OP_SETCOND:
        case IR_OP_SELECT:
        case IR_OP_FADD:
        case IR_OP_FSUB:
        case IR_OP_FMUL:
        case IR_OP_FDIV:
        case IR_OP_FSQRT:
        case IR_OP_FMA:
        case IR_OP_FCMP:
        case IR_OP_FEXT: {
            uint64_t in[IR_MAX_IN];
            for (unsigned k = 0; k < insn->nin; k++) {
                in[k] = v[insn->in[k]];
            }
            v[insn->out] = ir_eval_pure(insn, in);
            break;
        }
        case IR_OP_FADDH:
        case IR_OP_FSUBH:
        case IR_OP_FMULH:
        case IR_OP_FDIVH:
        case IR_OP_FSQRTH:
        case IR_OP_FCMPH:
            v[insn->out] = ir_eval_fp_host(insn, v[insn->in[0]], insn->nin > 1 ? v[insn->in[1]] : 0);
            break;
        case IR_OP_LOAD:
        case IR_OP_STORE:
            if (env->mem_helpers != NULL) {
                /* System mode: the software TLB's slow path does the access (it may raise). */
                IrMemOp mop = (IrMemOp)insn->imm[0];
                uint64_t addr = v[insn->in[0]];
                if (ir_temp_type(blk, insn->in[0]) == IR_I32) {
                    addr = (uint32_t)addr;
                }
                if (insn->op == IR_OP_LOAD) {
                    uint64_t (*load)(void *, uint64_t, uint64_t) = env->mem_helpers->load->fn;
                    v[insn->out] = ir_truncate(t, load(cpu, addr, mop));
                } else {
                    void (*store)(void *, uint64_t, uint64_t, uint64_t) = env->mem_helpers->store->fn;
                    store(cpu, addr, v[insn->in[1]], mop);
                }
                break;
            }
            /* fall through */
        case IR_OP_ATOMIC_RMW:
        case IR_OP_CMPXCHG: {
            IrMemOp mop = (IrMemOp)insn->imm[0];
            uint64_t addr = v[insn->in[0]];
            if (ir_temp_type(blk, insn->in[0]) == IR_I32) {
                addr = (uint32_t)addr;
            }
            if (!addr_ok(env, addr, ir_memop_size(mop))) {
                *exit = (IrInterpExit){
                    .kind = IR_INTERP_ADDR_FAULT, .pc = pc, .aux = addr,
                    .code = insn->op == IR_OP_LOAD ? 0 : 1,
                };
                return;
            }
            uint8_t *p = env->mem_base + addr;
            if (insn->op == IR_OP_LOAD) {
                v[insn->out] = ir_truncate(t, load_raw(p, mop));
            } else if (insn->op == IR_OP_STORE) {
                store_raw(p, mop, v[insn->in[1]]);
            } else if (insn->op == IR_OP_ATOMIC_RMW) {
                v[insn->out] = ir_truncate(t, atomic_rmw(p, mop, (IrAtomicOp)insn->imm[1], v[insn->in[1]]));
            } else {
                v[insn->out] = ir_truncate(t, cmpxchg(p, mop, v[insn->in[1]], v[insn->in[2]]));
            }
            if (env->trace_mem != NULL && blk->trace_mem_helper == NULL) {
                env->trace_mem(env->trace_opaque, insn->op != IR_OP_LOAD, ir_memop_size(mop), addr,
                               insn->op == IR_OP_STORE ? v[insn->in[1]] : v[insn->out]);
            }
            break;
        }
        case IR_OP_FENCE:
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            break;
        case IR_OP_HOSTLD8: {
            uint64_t index = v[insn->in[0]];
            if (t == IR_I32) {
                index = (uint32_t)index;
            }
            v[insn->out] = __atomic_load_n((const uint8_t *)(uintptr_t)insn->imm[0] + index, __ATOMIC_RELAXED);
            break;
        }
        case IR_OP_CALL: {
            const IrHelper *h = (const IrHelper *)(uintptr_t)insn->imm[0];
            uint64_t r = call_helper(h, cpu, v, insn);
            if (insn->out != IR_TEMP_NONE) {
                v[insn->out] = ir_truncate(t, r);
            }
            break;
        }
        case IR_OP_BR:
            i = find_label(blk, i, insn->imm[0]);
            break;
        case IR_OP_BRCOND:
            if (ir_cond_eval((IrCond)insn->imm[0], t, v[insn->in[0]], v[insn->in[1]])) {
                i = find_label(blk, i, insn->imm[1]);
            }
            break;
        case IR_OP_GOTO_BLOCK:
            *exit = (IrInterpExit){ .kind = IR_INTERP_GOTO_BLOCK, .pc = (uint64_t)insn->imm[0],
                                    .slot = (uint32_t)insn->imm[1] };
            return;
        case IR_OP_RAS_PUSH:
            break;              /* a JIT hint only: no return-address stack here */
        case IR_OP_GOTO_PTR:
        case IR_OP_GOTO_RET: {
            uint64_t target = v[insn->in[0]];
            if (ir_temp_type(blk, insn->in[0]) == IR_I32) {
                target = (uint32_t)target;
            }
            *exit = (IrInterpExit){ .kind = IR_INTERP_GOTO_PTR, .pc = target };
            return;
        }
        case IR_OP_RAISE:
            *exit = (IrInterpExit){
                .kind = IR_INTERP_RAISE, .pc = pc, .raise_kind = (uint32_t)insn->imm[0],
                .code = insn->imm[1], .aux = insn->nin ? v[insn->in[0]] : 0,
            };
            return;
        case IR_OP_COUNT:
            g_assert_not_reached();
        }
    }
    g_assert_not_reached();     /* the verifier guarantees every block ends in an exit */
}
