/*
 * Shared by the bare-metal tests: CSR access, the trap record both handlers fill, and
 * CHECK, which makes main return the failing line (a non-zero exit status).
 */
#ifndef BM_H
#define BM_H

#include <stdint.h>

#define csrr(csr) ({ uint64_t v_; __asm__ volatile("csrr %0, " #csr : "=r"(v_)); v_; })
#define csrw(csr, v) __asm__ volatile("csrw " #csr ", %0" :: "r"((uint64_t)(v)) : "memory")
#define csrs(csr, v) __asm__ volatile("csrs " #csr ", %0" :: "r"((uint64_t)(v)) : "memory")
#define csrc(csr, v) __asm__ volatile("csrc " #csr ", %0" :: "r"((uint64_t)(v)) : "memory")

#define CHECK(cond) do { if (!(cond)) { return __LINE__; } } while (0)

#define CAUSE_INT (1ull << 63)

/* What the last trap of each mode saw; the handlers count them too. */
typedef struct BmTrap {
    volatile uint64_t cause, epc, tval, count;
} BmTrap;
extern BmTrap bm_mtrap, bm_strap;
void m_vector(void);
void s_vector(void);
void bm_exit(int code);
/* Run fn in S mode until it (or its traps) make an ecall to M, which resumes here. */
void bm_run_in_s(void (*fn)(void));
void bm_s_return(void);

/* Length of the instruction at pc (compressed or not), to step over it. */
static inline uint64_t bm_insn_len(uint64_t pc)
{
    return (*(volatile uint16_t *)pc & 3) == 3 ? 4 : 2;
}

#endif
