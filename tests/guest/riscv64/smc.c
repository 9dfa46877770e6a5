/*
 * smc.c - code that changes after it ran once: the guest writes RISC-V instruction words into
 * memory, makes them visible to instruction fetch with fence.i (Zifencei; the unprivileged ISA
 * only guarantees that a hart sees its own code stores after fence.i) or with
 * __builtin___clear_cache (glibc -> the riscv_flush_icache syscall), calls them, rewrites them
 * and calls again. A translator that keeps a stale translation returns the old result.
 */
#include <sys/mman.h>
#include <unistd.h>
#include "guest_check.h"

enum { ZERO = 0, RA = 1, A0 = 10, A1 = 11, A2 = 12 };

static uint32_t enc_i(uint32_t opcode, uint32_t f3, uint32_t rd, uint32_t rs1, int32_t imm)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}

static uint32_t enc_r(uint32_t f7, uint32_t f3, uint32_t rd, uint32_t rs1, uint32_t rs2)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | 0x33;
}

static uint32_t enc_s(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t imm)
{
    uint32_t u = (uint32_t)imm & 0xfff;
    return (u >> 5) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (u & 0x1f) << 7 | 0x23;
}

static uint32_t enc_b(uint32_t f3, uint32_t rs1, uint32_t rs2, int32_t off)
{
    uint32_t u = (uint32_t)off & 0x1fff;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 | 0x63;
}

#define ADDI(rd, rs1, imm) enc_i(0x13, 0, rd, rs1, imm)
#define ADD(rd, rs1, rs2) enc_r(0, 0, rd, rs1, rs2)
#define MUL(rd, rs1, rs2) enc_r(1, 0, rd, rs1, rs2)
#define SW(rs2, imm, rs1) enc_s(2, rs1, rs2, imm)
#define BNE(rs1, rs2, off) enc_b(1, rs1, rs2, off)
#define RET 0x00008067u
#define FENCE_I 0x0000100fu
#define NOP 0x00000013u

typedef uint64_t (*Fn0)(void);
typedef uint64_t (*Fn1)(uint64_t);
typedef uint64_t (*Fn2)(uint32_t *, uint32_t);

static void fence_i(void)
{
    __asm__ volatile("fence.i" : : : "memory");
}

static void test_rwx_rewrite(void)
{
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gc_group("rwx_rewrite");
    if (!CHECK(code != MAP_FAILED)) {
        return;
    }
    Fn0 f = (Fn0)(uintptr_t)code;
    code[0] = ADDI(A0, ZERO, 42);
    code[1] = RET;
    fence_i();
    CHECK_EQ(f(), 42);
    code[0] = ADDI(A0, ZERO, 43);
    fence_i();
    CHECK_EQ(f(), 43);
    /* Rewrite many times, calling after each: every version must be seen. */
    int all_ok = 1;
    for (int i = 0; i < 300; i++) {
        code[0] = ADDI(A0, ZERO, i - 150);
        fence_i();
        all_ok &= (f() == (uint64_t)(int64_t)(i - 150));
    }
    CHECK(all_ok);
    /* A longer body with a loop: sum 1..n, then patch the add into a mul (n!). */
    code[0] = ADDI(A0, ZERO, 0);
    code[1] = ADD(A0, A0, A1);
    code[2] = ADDI(A1, A1, -1);
    code[3] = BNE(A1, ZERO, -8);
    code[4] = RET;
    fence_i();
    CHECK_EQ(((uint64_t (*)(uint64_t, uint64_t))(uintptr_t)code)(0, 100), 5050);
    code[0] = ADDI(A0, ZERO, 1);
    code[1] = MUL(A0, A0, A1);
    fence_i();
    CHECK_EQ(((uint64_t (*)(uint64_t, uint64_t))(uintptr_t)code)(0, 10), 3628800);
    /* Same thing through glibc's cache flush (riscv_flush_icache syscall). */
    code[0] = ADDI(A0, ZERO, 1);
    code[1] = ADD(A0, A0, A0);
    __builtin___clear_cache((char *)code, (char *)(code + 5));
    CHECK_EQ(((uint64_t (*)(uint64_t, uint64_t))(uintptr_t)code)(0, 20), 1u << 20);
    munmap(code, 4096);
}

/* Code that patches an instruction of its own, after the patching store, then fence.i. */
static void test_patch_self(void)
{
    uint32_t *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                          MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gc_group("patch_own_block");
    if (!CHECK(code != MAP_FAILED)) {
        return;
    }
    /* f(base, word): store word at base+16, fence.i, then execute what is at base+16 */
    code[0] = SW(A1, 16, A0);
    code[1] = FENCE_I;
    code[2] = NOP;
    code[3] = NOP;
    code[4] = ADDI(A0, ZERO, 1);     /* gets replaced */
    code[5] = RET;
    fence_i();
    Fn2 f = (Fn2)(uintptr_t)code;
    CHECK_EQ(f(code, ADDI(A0, ZERO, 1)), 1);
    CHECK_EQ(f(code, ADDI(A0, ZERO, 2)), 2);
    CHECK_EQ(f(code, ADDI(A0, ZERO, -7)), (uint64_t)-7);
    CHECK_EQ(code[4], ADDI(A0, ZERO, -7));
    munmap(code, 4096);
}

/* The JIT pattern: write into RW memory, mprotect to RX, run; then RW, patch, RX, run. */
static void test_mprotect_jit(void)
{
    long page = sysconf(_SC_PAGESIZE);
    uint32_t *code = mmap(NULL, page * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    gc_group("mprotect_jit");
    if (!CHECK(code != MAP_FAILED)) {
        return;
    }
    /* Put the function across the page boundary to make both pages code. */
    uint32_t *fn = code + page / 4 - 2;
    fn[0] = ADDI(A0, A0, 100);
    fn[1] = ADDI(A0, A0, 20);
    fn[2] = ADDI(A0, A0, 3);
    fn[3] = RET;
    CHECK_EQ(mprotect(code, page * 2, PROT_READ | PROT_EXEC), 0);
    fence_i();
    Fn1 f = (Fn1)(uintptr_t)fn;
    CHECK_EQ(f(1000), 1123);
    CHECK_EQ(mprotect(code, page * 2, PROT_READ | PROT_WRITE), 0);
    fn[2] = ADDI(A0, A0, 7);         /* second page */
    fn[0] = ADDI(A0, A0, 500);       /* first page */
    CHECK_EQ(mprotect(code, page * 2, PROT_READ | PROT_EXEC), 0);
    fence_i();
    CHECK_EQ(f(1000), 1527);
    /* Unmap and map again at the same place with different code. */
    munmap(code, page * 2);
    uint32_t *again = mmap(code, page, PROT_READ | PROT_WRITE | PROT_EXEC,
                           MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (CHECK(again == code)) {
        again[0] = ADDI(A0, A0, -1);
        again[1] = RET;
        fence_i();
        CHECK_EQ(((Fn1)(uintptr_t)again)(10), 9);
        munmap(again, page);
    }
}

int main(void)
{
    test_rwx_rewrite();
    test_patch_self();
    test_mprotect_jit();
    return gc_finish();
}
