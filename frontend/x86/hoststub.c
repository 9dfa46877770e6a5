/*
 * Host stubs: SSE and x87 instructions run on the host's own SSE unit and x87, so
 * their results are the ones real hardware gives -- rounding, NaN propagation,
 * denormals, precision control, transcendentals, C0-C3 -- without re-implementing
 * them.  The lifter re-encodes a guest instruction with fixed host registers (SSE:
 * ModRM.reg = xmm1/rcx, ModRM.rm = xmm2/rdx; x87: memory operands at a frame slot)
 * and asks here for a stub: a small function that loads a frame (X86SseFrame or
 * X86FpuFrame) into host registers, runs that one instruction and stores the
 * registers back.  Stubs are generated once per distinct encoding, kept for the
 * life of the process in an executable arena, and shared by every CPU and engine.
 *
 * SSE stub (rdi = X86SseFrame *):
 *     stmxcsr [rdi+host_mxcsr]; ldmxcsr [rdi+mxcsr]
 *     movdqu xmm0..xmm2, [rdi+0/16/32]; mov rax/rcx/rdx, [rdi+48/56/64]
 *     <instruction>
 *     movdqu [rdi+0/16/32], xmm0..xmm2; mov [rdi+48/56/64], rax/rcx/rdx
 *     pushfq; pop [rdi+rflags]; stmxcsr [rdi+mxcsr]; ldmxcsr [rdi+host_mxcsr]; ret
 * x87 stub (rdi = X86FpuFrame *):
 *     frstor [rdi+image]; push [rdi+rflags_in]; popfq; mov rax, [rdi+rax]
 *     <instruction>
 *     fnsave [rdi+image]; mov [rdi+rax], rax; pushfq; pop [rdi+rflags]; ret
 * An integer SSE stub (X86_STUB_SSE_INT) is the same without the MXCSR switch; an
 * X86_STUB_X87_XMM stub (mm <-> xmm conversions) does both: frstor, MXCSR switch and
 * xmm1/xmm2 from [rdi+256/272], the instruction, and the reverse.
 * fnsave leaves the host x87 initialised (the ABI state C code expects), and the
 * host MXCSR is restored by the stub itself, so C code never sees guest modes.
 */
#include <string.h>
#include <sys/mman.h>

#include "frontend/x86/internal.h"

#define X86_STUB_ARENA (64u * 1024u)

G_STATIC_ASSERT(offsetof(X86SseFrame, xmm) == 0);
G_STATIC_ASSERT(offsetof(X86SseFrame, rax) == 48);
G_STATIC_ASSERT(offsetof(X86SseFrame, rcx) == 56);
G_STATIC_ASSERT(offsetof(X86SseFrame, rdx) == 64);
G_STATIC_ASSERT(offsetof(X86SseFrame, rflags) == 72);
G_STATIC_ASSERT(offsetof(X86SseFrame, mxcsr) == 80);
G_STATIC_ASSERT(offsetof(X86SseFrame, host_mxcsr) == 84);
G_STATIC_ASSERT(offsetof(X86FpuFrame, rax) == 0);
G_STATIC_ASSERT(offsetof(X86FpuFrame, rflags_in) == 8);
G_STATIC_ASSERT(offsetof(X86FpuFrame, rflags) == 16);
G_STATIC_ASSERT(offsetof(X86FpuFrame, image) == 32);
G_STATIC_ASSERT(offsetof(X86FpuFrame, mem) == X86_FPU_FRAME_MEM);
G_STATIC_ASSERT(offsetof(X86FpuFrame, xmm) == 256);
G_STATIC_ASSERT(offsetof(X86FpuFrame, mxcsr) == 288);
G_STATIC_ASSERT(offsetof(X86FpuFrame, host_mxcsr) == 292);

static const uint8_t x86_sse_pro[] = {
    0x0f, 0xae, 0x5f, 0x54,             /* stmxcsr [rdi+84] */
    0x0f, 0xae, 0x57, 0x50,             /* ldmxcsr [rdi+80] */
    0xf3, 0x0f, 0x6f, 0x07,             /* movdqu xmm0, [rdi] */
    0xf3, 0x0f, 0x6f, 0x4f, 0x10,       /* movdqu xmm1, [rdi+16] */
    0xf3, 0x0f, 0x6f, 0x57, 0x20,       /* movdqu xmm2, [rdi+32] */
    0x48, 0x8b, 0x47, 0x30,             /* mov rax, [rdi+48] */
    0x48, 0x8b, 0x4f, 0x38,             /* mov rcx, [rdi+56] */
    0x48, 0x8b, 0x57, 0x40,             /* mov rdx, [rdi+64] */
};
static const uint8_t x86_sse_epi[] = {
    0xf3, 0x0f, 0x7f, 0x07,             /* movdqu [rdi], xmm0 */
    0xf3, 0x0f, 0x7f, 0x4f, 0x10,       /* movdqu [rdi+16], xmm1 */
    0xf3, 0x0f, 0x7f, 0x57, 0x20,       /* movdqu [rdi+32], xmm2 */
    0x48, 0x89, 0x47, 0x30,             /* mov [rdi+48], rax */
    0x48, 0x89, 0x4f, 0x38,             /* mov [rdi+56], rcx */
    0x48, 0x89, 0x57, 0x40,             /* mov [rdi+64], rdx */
    0x9c,                               /* pushfq */
    0x8f, 0x47, 0x48,                   /* pop qword [rdi+72] */
    0x0f, 0xae, 0x5f, 0x50,             /* stmxcsr [rdi+80] */
    0x0f, 0xae, 0x57, 0x54,             /* ldmxcsr [rdi+84] */
    0xc3,
};
static const uint8_t x86_sse_int_pro[] = {
    0xf3, 0x0f, 0x6f, 0x07,             /* movdqu xmm0, [rdi] */
    0xf3, 0x0f, 0x6f, 0x4f, 0x10,       /* movdqu xmm1, [rdi+16] */
    0xf3, 0x0f, 0x6f, 0x57, 0x20,       /* movdqu xmm2, [rdi+32] */
    0x48, 0x8b, 0x47, 0x30,             /* mov rax, [rdi+48] */
    0x48, 0x8b, 0x4f, 0x38,             /* mov rcx, [rdi+56] */
    0x48, 0x8b, 0x57, 0x40,             /* mov rdx, [rdi+64] */
};
static const uint8_t x86_sse_int_epi[] = {
    0xf3, 0x0f, 0x7f, 0x07,             /* movdqu [rdi], xmm0 */
    0xf3, 0x0f, 0x7f, 0x4f, 0x10,       /* movdqu [rdi+16], xmm1 */
    0xf3, 0x0f, 0x7f, 0x57, 0x20,       /* movdqu [rdi+32], xmm2 */
    0x48, 0x89, 0x47, 0x30,             /* mov [rdi+48], rax */
    0x48, 0x89, 0x4f, 0x38,             /* mov [rdi+56], rcx */
    0x48, 0x89, 0x57, 0x40,             /* mov [rdi+64], rdx */
    0x9c,                               /* pushfq */
    0x8f, 0x47, 0x48,                   /* pop qword [rdi+72] */
    0xc3,
};
static const uint8_t x86_fpu_pro[] = {
    0xdd, 0x67, 0x20,                   /* frstor [rdi+32] */
    0xff, 0x77, 0x08,                   /* push qword [rdi+8] */
    0x9d,                               /* popfq */
    0x48, 0x8b, 0x07,                   /* mov rax, [rdi] */
};
static const uint8_t x86_fpu_epi[] = {
    0xdd, 0x77, 0x20,                   /* fnsave [rdi+32] */
    0x48, 0x89, 0x07,                   /* mov [rdi], rax */
    0x9c,                               /* pushfq */
    0x8f, 0x47, 0x10,                   /* pop qword [rdi+16] */
    0xc3,
};

static const uint8_t x86_fpu_xmm_pro[] = {
    0xdd, 0x67, 0x20,                               /* frstor [rdi+32] */
    0x0f, 0xae, 0x9f, 0x24, 0x01, 0x00, 0x00,       /* stmxcsr [rdi+292] */
    0x0f, 0xae, 0x97, 0x20, 0x01, 0x00, 0x00,       /* ldmxcsr [rdi+288] */
    0xf3, 0x0f, 0x6f, 0x8f, 0x00, 0x01, 0x00, 0x00, /* movdqu xmm1, [rdi+256] */
    0xf3, 0x0f, 0x6f, 0x97, 0x10, 0x01, 0x00, 0x00, /* movdqu xmm2, [rdi+272] */
};
static const uint8_t x86_fpu_xmm_epi[] = {
    0xf3, 0x0f, 0x7f, 0x8f, 0x00, 0x01, 0x00, 0x00, /* movdqu [rdi+256], xmm1 */
    0xf3, 0x0f, 0x7f, 0x97, 0x10, 0x01, 0x00, 0x00, /* movdqu [rdi+272], xmm2 */
    0x0f, 0xae, 0x9f, 0x20, 0x01, 0x00, 0x00,       /* stmxcsr [rdi+288] */
    0x0f, 0xae, 0x97, 0x24, 0x01, 0x00, 0x00,       /* ldmxcsr [rdi+292] */
    0xdd, 0x77, 0x20,                               /* fnsave [rdi+32] */
    0xc3,
};

static GMutex x86_stub_lock;
static GHashTable *x86_stubs;           /* GBytes (kind, encoding) -> code */
static uint8_t *x86_stub_arena;
static size_t x86_stub_used = X86_STUB_ARENA;

static uint8_t *x86_stub_alloc(size_t n)
{
    if (x86_stub_used + n > X86_STUB_ARENA) {
        void *p = mmap(NULL, X86_STUB_ARENA, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);

        if (p == MAP_FAILED) {
            g_error("mimic: cannot map memory for x86 host stubs");
        }
        x86_stub_arena = p;
        x86_stub_used = 0;
    }
    x86_stub_used += (n + 15) & ~(size_t)15;
    return x86_stub_arena + x86_stub_used - ((n + 15) & ~(size_t)15);
}

void *x86_host_stub(X86StubKind kind, const uint8_t *insn, unsigned len)
{
    g_autofree uint8_t *key = g_malloc(1 + len);
    g_autoptr(GBytes) k = NULL;
    uint8_t *code;

    g_assert(len <= (kind == X86_STUB_RAW ? 4 * X86_STUB_CODE_MAX : X86_STUB_CODE_MAX));
    key[0] = (uint8_t)kind;
    memcpy(key + 1, insn, len);
    k = g_bytes_new(key, 1 + len);

    g_mutex_lock(&x86_stub_lock);
    if (!x86_stubs) {
        x86_stubs = g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref, NULL);
    }
    code = g_hash_table_lookup(x86_stubs, k);
    if (!code) {
        static const struct { const uint8_t *pro, *epi; size_t npro, nepi; } parts[] = {
            [X86_STUB_SSE] = { x86_sse_pro, x86_sse_epi, sizeof(x86_sse_pro), sizeof(x86_sse_epi) },
            [X86_STUB_SSE_INT] = { x86_sse_int_pro, x86_sse_int_epi, sizeof(x86_sse_int_pro), sizeof(x86_sse_int_epi) },
            [X86_STUB_X87] = { x86_fpu_pro, x86_fpu_epi, sizeof(x86_fpu_pro), sizeof(x86_fpu_epi) },
            [X86_STUB_X87_XMM] = { x86_fpu_xmm_pro, x86_fpu_xmm_epi, sizeof(x86_fpu_xmm_pro),
                                   sizeof(x86_fpu_xmm_epi) },
            [X86_STUB_RAW] = { NULL, NULL, 0, 0 },
        };
        const uint8_t *pro = parts[kind].pro, *epi = parts[kind].epi;
        size_t npro = parts[kind].npro, nepi = parts[kind].nepi;

        code = x86_stub_alloc(npro + len + nepi);
        if (npro) {
            memcpy(code, pro, npro);
        }
        memcpy(code + npro, insn, len);
        if (nepi) {
            memcpy(code + npro + len, epi, nepi);
        }
        __builtin___clear_cache((char *)code, (char *)code + npro + len + nepi);
        g_hash_table_insert(x86_stubs, g_steal_pointer(&k), code);
    }
    g_mutex_unlock(&x86_stub_lock);
    return code;
}

void *x86_host_code(const uint8_t *code, unsigned len)
{
    return x86_host_stub(X86_STUB_RAW, code, len);
}
