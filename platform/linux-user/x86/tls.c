/*
 * The three GDT TLS entries of a thread (arch/x86/kernel/tls.c): set_thread_area
 * fills one from a struct user_desc, get_thread_area reads it back, and a selector
 * naming it (gs = 12 * 8 + 3 for glibc's i386 TLS) then has its base.  The entries
 * live in the CPU state, so a new thread inherits its parent's, as copy_thread does.
 *
 * struct user_desc { u32 entry_number; u32 base_addr; u32 limit; u32 flags bitfield; }
 */
#include <errno.h>

#include "platform/linux-user/x86/x86_user.h"

#define USER_DESC_SIZE 16

/* LDT_empty() of asm/desc.h: the descriptor a program writes to clear an entry. */
static bool desc_is_empty(uint32_t base, uint32_t limit, uint32_t flags)
{
    const uint32_t f = flags & 0x7f;
    bool zero = base == 0 && limit == 0;
    /* contents = 0, read_exec_only = 1, seg_32bit = 0, limit_in_pages = 0, seg_not_present = 1, useable = 0 */
    bool empty_old = zero && f == (X86_DESC_READ_EXEC_ONLY | X86_DESC_NOT_PRESENT);
    bool empty_new = zero && f == 0;
    return empty_old || empty_new;
}

void x86_reload_seg_bases(X86Cpu *cpu)
{
    unsigned fs = cpu->fs >> 3, gs = cpu->gs >> 3;
    if ((cpu->fs & 7) == 3 && fs >= X86_TLS_FIRST && fs < X86_TLS_FIRST + X86_TLS_ENTRIES) {
        cpu->fs_base = cpu->tls[fs - X86_TLS_FIRST].base;
    }
    if ((cpu->gs & 7) == 3 && gs >= X86_TLS_FIRST && gs < X86_TLS_FIRST + X86_TLS_ENTRIES) {
        cpu->gs_base = cpu->tls[gs - X86_TLS_FIRST].base;
    }
}

int64_t x86_set_thread_area(UserProc *p, X86Cpu *cpu, GuestAddr addr)
{
    uint8_t b[USER_DESC_SIZE];
    if (user_copy_from(&p->mem, b, addr, sizeof(b)) < 0) {
        return -EFAULT;
    }
    uint32_t entry = x86_get32(b);
    uint32_t base = x86_get32(b + 4), limit = x86_get32(b + 8), flags = x86_get32(b + 12);
    if (entry == 0xffffffffu) {
        /* get_free_idx(): the first unused entry, written back to the caller. */
        for (unsigned i = 0; i < X86_TLS_ENTRIES; i++) {
            if (cpu->tls[i].flags & X86_DESC_EMPTY) {
                entry = X86_TLS_FIRST + i;
                break;
            }
        }
        if (entry == 0xffffffffu) {
            return -ESRCH;
        }
        x86_put32(b, entry);
        if (user_copy_to(&p->mem, addr, b, 4) < 0) {
            return -EFAULT;
        }
    }
    if (entry < X86_TLS_FIRST || entry >= X86_TLS_FIRST + X86_TLS_ENTRIES) {
        return -EINVAL;
    }
    /* tls_desc_okay(): 32-bit, present data segments only (or an empty one to clear it). */
    unsigned contents = (flags >> X86_DESC_CONTENTS_SHIFT) & 3;
    bool empty = desc_is_empty(base, limit, flags);
    if (!empty && (!(flags & X86_DESC_SEG_32BIT) || contents > 1 || (flags & X86_DESC_NOT_PRESENT))) {
        return -EINVAL;
    }
    X86SegDesc *d = &cpu->tls[entry - X86_TLS_FIRST];
    d->base = empty ? 0 : base;
    d->limit = empty ? 0 : limit;
    d->flags = empty ? X86_DESC_EMPTY : (flags & 0xff);
    x86_reload_seg_bases(cpu);
    return 0;
}

int64_t x86_get_thread_area(UserProc *p, X86Cpu *cpu, GuestAddr addr)
{
    uint8_t b[USER_DESC_SIZE] = { 0 };
    uint64_t e64;
    if (user_read_uint(p, addr, 4, &e64) < 0) {
        return -EFAULT;
    }
    uint32_t entry = (uint32_t)e64;
    if (entry < X86_TLS_FIRST || entry >= X86_TLS_FIRST + X86_TLS_ENTRIES) {
        return -EINVAL;
    }
    const X86SegDesc *d = &cpu->tls[entry - X86_TLS_FIRST];
    x86_put32(b, entry);
    if (d->flags & X86_DESC_EMPTY) {
        /* fill_user_desc() of a zero descriptor: read_exec_only and seg_not_present set. */
        x86_put32(b + 12, X86_DESC_READ_EXEC_ONLY | X86_DESC_NOT_PRESENT);
    } else {
        x86_put32(b + 4, d->base);
        x86_put32(b + 8, d->limit);
        x86_put32(b + 12, d->flags);
    }
    return user_copy_to(&p->mem, addr, b, sizeof(b)) < 0 ? -EFAULT : 0;
}

/*
 * sigreturn's fs and gs: the kernel loads them (and a bad selector makes the sigreturn
 * fail with SIGSEGV); the base comes from the TLS entry a selector names.
 */
bool x86_restore_seg(X86Cpu *cpu, int sreg, uint32_t sel)
{
    sel &= 0xffff;
    unsigned idx = sel >> 3;
    uint32_t base = 0;
    if ((sel & 7) == 3 && idx >= X86_TLS_FIRST && idx < X86_TLS_FIRST + X86_TLS_ENTRIES) {
        const X86SegDesc *d = &cpu->tls[idx - X86_TLS_FIRST];
        if (d->flags & (X86_DESC_EMPTY | X86_DESC_NOT_PRESENT)) {
            return false;
        }
        base = d->base;
    } else if ((sel & ~3u) != 0 && sel != 0x23 && sel != 0x2b && sel != 0x33) {
        return false;
    }
    if (sreg == 4) {
        cpu->fs = sel;
        cpu->fs_base = base;
    } else {
        cpu->gs = sel;
        cpu->gs_base = base;
    }
    return true;
}
