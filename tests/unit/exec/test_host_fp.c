/*
 * Host floating point between two runs of guest code must not reach the guest: the RISC-V
 * FP helpers keep the guest's accrued flags in the host's MXCSR between operations
 * (frontend/riscv/fpu.c), so host code that raises a flag while the guest is stopped -- a
 * syscall's C code, GLib growing a hash table -- would otherwise show up in the next
 * operation's fflags.  Program: an exact fdiv.d (1/4; with NX clear it takes the helper),
 * ecall; the test then divides 1 by 3 on the host (inexact); then the same fdiv.d again and
 * frflags: the guest must read no flag at all.  Under both engines and both tiers.
 */
#include <check.h>
#include <string.h>
#include <sys/mman.h>

#include "exec/exec.h"
#include "frontend/riscv/cpu.h"

#define HF_MEM_BITS 16
#define HF_MEM_SIZE (1u << HF_MEM_BITS)
#define HF_CODE 0x1000u

static bool hf_fetch(void *opaque, GuestAddr addr, void *buf, unsigned len)
{
    const uint8_t *mem = opaque;

    if (addr + len > HF_MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(buf, mem + addr, len);
    return true;
}

static void hf_put32(uint8_t *mem, GuestAddr at, uint32_t v)
{
    v = GUINT32_TO_LE(v);
    memcpy(mem + at, &v, 4);
}

/* Runs cpu from pc to its next ecall. */
static void hf_run_to_ecall(ExecCtx *x, RvCpu *cpu, GuestAddr pc)
{
    cpu->common.pc = pc;
    do {
        exec_run(x, &cpu->common);
    } while (cpu->common.exit_kind == GUEST_EXIT_NONE);
    ck_assert_uint_eq(cpu->common.exit_kind, GUEST_EXIT_SYSCALL);
}

static void hf_check(const char *engine, unsigned tier_threshold)
{
    /* fdiv.d f2, f0, f1 (dynamic rounding) and frflags a0 (csrrs a0, fflags, zero). */
    const uint32_t fdiv = 0x0d << 25 | 1 << 20 | 0 << 15 | 7 << 12 | 2 << 7 | 0x53;
    const uint32_t frflags_a0 = 0x00102573u, ecall = 0x00000073u;
    ExecOptions opts = { .engine = engine, .tier_threshold = tier_threshold };
    uint8_t *mem = mmap(NULL, HF_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    ExecPlatform platform = { .opaque = mem, .fetch = hf_fetch };
    ExecMemModel mm = { .base = mem, .addr_bits = HF_MEM_BITS };
    g_autoptr(GError) error = NULL;
    ExecCtx x;

    ck_assert(mem != MAP_FAILED);
    hf_put32(mem, HF_CODE, fdiv);
    hf_put32(mem, HF_CODE + 4, ecall);
    hf_put32(mem, HF_CODE + 8, fdiv);
    hf_put32(mem, HF_CODE + 12, frflags_a0);
    hf_put32(mem, HF_CODE + 16, ecall);
    ck_assert_msg(exec_init(&x, &rv64_arch, &opts, &mm, &platform, &error), "%s", error ? error->message : "");
    RvCpu *cpu = (RvCpu *)guest_cpu_new(&rv64_arch);
    cpu->common.mem_base = mem;
    exec_cpu_register(&x, &cpu->common);
    cpu->f[0] = 0x3ff0000000000000ull;         /* 1.0 */
    cpu->f[1] = 0x4010000000000000ull;         /* 4.0 */
    cpu->x[10] = 0xdead;

    hf_run_to_ecall(&x, cpu, HF_CODE);
    ck_assert_uint_eq(cpu->f[2], 0x3fd0000000000000ull);       /* 0.25, exact */
    ck_assert_uint_eq(cpu->fflags, 0);
    volatile double one = 1.0, three = 3.0;
    volatile double third = one / three;                        /* sets the host's inexact flag */
    (void)third;
    hf_run_to_ecall(&x, cpu, HF_CODE + 8);
    ck_assert_uint_eq(cpu->f[2], 0x3fd0000000000000ull);
    ck_assert_msg(cpu->x[10] == 0, "%s (tier threshold %u): guest fflags 0x%lx after an exact fdiv",
                  engine, tier_threshold, (unsigned long)cpu->x[10]);
    ck_assert_uint_eq(cpu->fflags, 0);

    exec_cpu_unregister(&x, &cpu->common);
    guest_cpu_free(&cpu->common);
    exec_fini(&x);
    munmap(mem, HF_MEM_SIZE);
}

START_TEST(test_host_flags_hidden)
{
    hf_check("interp", 0);
    hf_check("jit", 0);
    hf_check("jit", 1);
}
END_TEST

Suite *exec_host_fp_suite(void)
{
    Suite *s = suite_create("exec_host_fp");
    TCase *tc = tcase_create("flags");

    tcase_add_test(tc, test_host_flags_hidden);
    suite_add_tcase(s, tc);
    return s;
}
