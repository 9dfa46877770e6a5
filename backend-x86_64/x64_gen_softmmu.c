/*
 * IR to x86-64 in system mode: guest loads and stores through the CPU's software TLB
 * (softmmu/tlb.h), inline.
 *
 * The fast path, for an access of `size` bytes at guest address A with MMU index m:
 *     r11 = ((A >> page_bits) & (TLB_SIZE - 1)) * sizeof(TlbEntry) + cpu->tlb
 *     T   = (A + size - 1) & page_mask           (the page of the access's last byte)
 *     cmp T, [r11 + m * TLB_SIZE * 32 + tag]     (read or write tag)
 *     jne miss
 *     r11 = [r11 + m * TLB_SIZE * 32 + addend]
 *     access [r11 + A]
 * A tag only matches the page-aligned address when the page may be accessed that way
 * directly: TLB_INVALID and TLB_SLOW (MMIO, ROM writes, pages holding translated code)
 * never match, and an access that crosses into the next page compares that page and
 * misses too.  The miss stub (cold section) stores the guest pc and the dirty guest
 * registers (the slow path may raise a guest trap through guest_cpu_exit), saves the
 * caller-saved host registers, calls the slow path helper (ExecMemModel.mem_helpers,
 * which refills the TLB and does the access), puts a loaded value in its register and
 * jumps back behind the access.
 */
#include <stddef.h>

#include "backend-x86_64/x64_internal.h"
#include "softmmu/tlb.h"

G_STATIC_ASSERT(offsetof(TlbState, table) == 0);
G_STATIC_ASSERT(offsetof(TlbEntry, addr_read) == 0);
G_STATIC_ASSERT(offsetof(TlbEntry, addr_write) == 8);
G_STATIC_ASSERT(offsetof(TlbEntry, addend) == 24);

/* Caller-saved registers the miss stub saves around the slow-path call, in push order. */
static const X64Reg tlb_saved[] = {
    X64_RAX, X64_RCX, X64_RDX, X64_RSI, X64_RDI, X64_R8, X64_R9, X64_R10, X64_R11,
};
#define TLB_NSAVED ((int)G_N_ELEMENTS(tlb_saved))

bool x64_softmmu(const X64Gen *g)
{
    return g->x != NULL && g->x->mem.mem_helpers != NULL;
}

static unsigned page_bits(const X64Gen *g)
{
    return (unsigned)__builtin_ctz(g->x->arch->page_size);
}

/*
 * Emit the tag check for an access of `size` bytes at the address in `a` (64-bit, in a
 * register) and return the jne's site; on the hit path r11 ends up holding the addend, so
 * the access operand is [r11 + a].
 */
static uint32_t tlb_check(X64Gen *g, X64Reg a, X64Reg t, unsigned size, unsigned mmu, bool write)
{
    X64Buf *b = &g->buf;
    int32_t base = (int32_t)(mmu * TLB_SIZE * sizeof(TlbEntry));
    int32_t tag = base + (write ? (int32_t)offsetof(TlbEntry, addr_write) : (int32_t)offsetof(TlbEntry, addr_read));

    g_assert(mmu < TLB_MAX_MMU);
    x64_mov_rr(b, 8, X64_SCRATCH, a);
    x64_shift_ri(b, X64_SHR, 8, X64_SCRATCH, (uint8_t)page_bits(g));
    x64_alu_ri(b, X64_AND, 4, X64_SCRATCH, TLB_SIZE - 1);
    x64_shift_ri(b, X64_SHL, 4, X64_SCRATCH, 5);
    G_STATIC_ASSERT(sizeof(TlbEntry) == 32);
    x64_alu_rm(b, X64_ADD, 8, X64_SCRATCH, x64_mem(X64_CPU_REG, offsetof(GuestCpu, tlb)));
    x64_lea(b, 8, t, x64_mem(a, (int32_t)size - 1));
    x64_alu_ri(b, X64_AND, 8, t, (int32_t)~(g->x->arch->page_size - 1));
    x64_alu_rm(b, X64_CMP, 8, t, x64_mem(X64_SCRATCH, tag));
    uint32_t site = x64_jcc_rel32(b, X64_CC_NE);
    x64_mov_rm(b, 8, X64_SCRATCH, x64_mem(X64_SCRATCH, base + (int32_t)offsetof(TlbEntry, addend)));
    return site;
}

/* The guest address of temp `a` as a 64-bit value in a locked register. */
static X64Reg address_reg(X64Gen *g, IrTemp a)
{
    X64Buf *b = &g->buf;
    bool a32 = ir_temp_type(g->blk, a) == IR_I32;

    if (x64_is_const(g, a)) {
        X64Reg r = x64_ra_alloc(g);
        x64_mov_ri(b, 8, r, x64_cval(g, a, a32 ? 4 : 8));
        return r;
    }
    X64Reg r = x64_ra_use(g, a);
    if (a32) {
        X64Reg z = x64_ra_alloc(g);
        x64_mov_rr(b, 4, z, r);     /* zero-extends */
        return z;
    }
    return r;
}

static void add_tlb_cold(X64Gen *g, X64ColdKind kind, uint32_t site, X64Reg addr, int val_reg,
                         uint64_t value, IrMemOp mop)
{
    X64Cold c = {
        .kind = (uint8_t)kind, .site = site, .reg = (int8_t)addr, .pc = g->insn_pc,
        .value = value, .memop = mop, .val_reg = (int8_t)val_reg,
    };
    c.n_dirty = x64_capture_dirty(g, &c.dirty_start);
    g_array_append_val(g->cold, c);
}

void x64_gen_load_softmmu(X64Gen *g, const IrInsn *insn)
{
    IrMemOp mop = (IrMemOp)insn->imm[0];
    unsigned size = ir_memop_size(mop), sz = x64_tsz(insn->type);
    bool sign = mop & IR_MEM_SIGN, be = (mop & IR_MEM_BE) && size > 1;
    X64Buf *b = &g->buf;

    X64Reg a = address_reg(g, insn->in[0]);
    X64Reg t = x64_ra_alloc(g);
    /* The destination first: no spill code may sit between the check and the resume point. */
    X64Reg r = x64_ra_def(g, insn->out, X64_NOREG);
    uint32_t site = tlb_check(g, a, t, size, ir_memop_mmu(mop), false);
    X64Mem m = x64_mem_idx(X64_SCRATCH, a, 0, 0);
    switch (size) {
    case 1:
        if (sign) {
            x64_movsx_rm(b, sz, r, m, 1);
        } else {
            x64_movzx_rm(b, r, m, 1);
        }
        break;
    case 2:
        x64_movzx_rm(b, r, m, 2);
        if (be) {
            x64_shift_ri(b, X64_ROL, 2, r, 8);
        }
        if (sign) {
            x64_movsx_rr(b, sz, r, r, 2);
        }
        break;
    case 4:
        if (be && x64_host.movbe) {
            x64_movbe_rm(b, 4, r, m);
        } else {
            x64_mov_rm(b, 4, r, m);
            if (be) {
                x64_bswap(b, 4, r);
            }
        }
        if (sign && sz == 8) {
            x64_movsx_rr(b, 8, r, r, 4);
        }
        break;
    default:
        if (be && x64_host.movbe) {
            x64_movbe_rm(b, 8, r, m);
        } else {
            x64_mov_rm(b, 8, r, m);
            if (be) {
                x64_bswap(b, 8, r);
            }
        }
        break;
    }
    add_tlb_cold(g, X64_COLD_TLB_LOAD, site, a, r, 0, mop);
    g_array_index(g->cold, X64Cold, g->cold->len - 1).resume = x64_offset(b);
    x64_ra_def_done(g, insn->out);
}

void x64_gen_store_softmmu(X64Gen *g, const IrInsn *insn)
{
    IrMemOp mop = (IrMemOp)insn->imm[0];
    unsigned size = ir_memop_size(mop);
    bool be = (mop & IR_MEM_BE) && size > 1;
    IrTemp v = insn->in[1];
    X64Buf *b = &g->buf;

    X64Reg a = address_reg(g, insn->in[0]);
    X64Reg t = x64_ra_alloc(g);
    /* The value, byte-swapped for the host access if needed, in a register of its own. */
    X64Reg rv;
    int val_reg;
    uint64_t cval = 0;
    if (x64_is_const(g, v)) {
        cval = g->temps[v].cval;
        rv = x64_ra_alloc(g);
        x64_mov_ri(b, 8, rv, cval);
        val_reg = -1;
    } else {
        rv = x64_ra_use(g, v);
        val_reg = rv;
    }
    X64Reg w = rv;
    if (be && !x64_host.movbe) {
        w = x64_ra_alloc(g);
        x64_mov_rr(b, 8, w, rv);
        if (size == 2) {
            x64_shift_ri(b, X64_ROL, 2, w, 8);
        } else {
            x64_bswap(b, size, w);
        }
    }
    uint32_t site = tlb_check(g, a, t, size, ir_memop_mmu(mop), true);
    X64Mem m = x64_mem_idx(X64_SCRATCH, a, 0, 0);
    if (be && x64_host.movbe) {
        x64_movbe_mr(b, size, m, rv);
    } else {
        x64_mov_mr(b, size, m, w);
    }
    add_tlb_cold(g, X64_COLD_TLB_STORE, site, a, val_reg, cval, mop);
    g_array_index(g->cold, X64Cold, g->cold->len - 1).resume = x64_offset(b);
}

/* Where the miss stub keeps register r after its pushes and alignment: -1 if not saved. */
static int saved_index(X64Reg r)
{
    for (int i = 0; i < TLB_NSAVED; i++) {
        if (tlb_saved[i] == r) {
            return i;
        }
    }
    return -1;
}

static X64Mem saved_mem(int i)
{
    return x64_mem(X64_RSP, 8 + 8 * (TLB_NSAVED - 1 - i));
}

/* Load register r's value as it was at the miss into dst. */
static void load_saved(X64Buf *b, X64Reg dst, X64Reg r)
{
    int i = saved_index(r);
    if (i >= 0) {
        x64_mov_rm(b, 8, dst, saved_mem(i));
    } else {
        x64_mov_rr(b, 8, dst, r);
    }
}

void x64_emit_cold_tlb(X64Gen *g, const X64Cold *c)
{
    X64Buf *b = &g->buf;
    const IrMemHelpers *h = g->x->mem.mem_helpers;

    /* The slow path may leave through a guest trap: pc and guest registers exact first. */
    for (uint32_t i = 0; i < c->n_dirty; i++) {
        const TbDirtySlot *d = &g_array_index(g->dirty, TbDirtySlot, c->dirty_start + i);
        x64_mov_mr(b, d->size, x64_mem(X64_CPU_REG, (int32_t)d->offset), (X64Reg)d->reg);
    }
    x64_store_imm64(g, x64_mem(X64_CPU_REG, offsetof(GuestCpu, pc)), c->pc);
    /* 9 pushes and 8 bytes keep rsp 16-byte aligned at the call (it is at block level). */
    for (int i = 0; i < TLB_NSAVED; i++) {
        x64_push(b, tlb_saved[i]);
    }
    x64_alu_ri(b, X64_SUB, 8, X64_RSP, 8);
    load_saved(b, X64_RSI, (X64Reg)c->reg);
    if (c->kind == X64_COLD_TLB_LOAD) {
        x64_mov_ri(b, 8, X64_RDX, c->memop);
        x64_mov_rr(b, 8, X64_RDI, X64_CPU_REG);
        x64_call_abs(b, h->load->fn, X64_RAX);
        int i = saved_index((X64Reg)c->val_reg);
        if (i >= 0) {
            x64_mov_mr(b, 8, saved_mem(i), X64_RAX);    /* popped into its register below */
        } else {
            x64_mov_rr(b, 8, (X64Reg)c->val_reg, X64_RAX);
        }
    } else {
        if (c->val_reg >= 0) {
            load_saved(b, X64_RDX, (X64Reg)c->val_reg);
        } else {
            x64_mov_ri(b, 8, X64_RDX, c->value);
        }
        x64_mov_ri(b, 8, X64_RCX, c->memop);
        x64_mov_rr(b, 8, X64_RDI, X64_CPU_REG);
        x64_call_abs(b, h->store->fn, X64_RAX);
    }
    x64_alu_ri(b, X64_ADD, 8, X64_RSP, 8);
    for (int i = TLB_NSAVED - 1; i >= 0; i--) {
        x64_pop(b, tlb_saved[i]);
    }
    uint32_t back = x64_jmp_rel32(b);
    x64_patch_rel32(b, back, c->resume);
}
