/*
 * ppc_cr_paths.c - CR fields written by compares and record forms on the paths of
 * conditional branches inside straight code (Power ISA 2.06 Book I 2.3.1, 3.3.9): a field
 * that both ways on write again, or that only one of them writes, read after the join by
 * mfcr, by CR logical instructions (crand, crxor, cror, creqv), by isel (argument "isel")
 * and by branches on every bit; a field left for a call (a block end) to read; SO copied from XER into the
 * compare's field; compares inside a CTR loop read after it.  Each case runs many times
 * with operands that take each path, so translated code is checked, not only its first
 * runs.  Expected values follow from the ISA: a compare's field is LT, GT or EQ (8, 4, 2)
 * or'ed with XER[SO] (1).
 */
#include <stdbool.h>
#include <stdint.h>
#include "guest_check.h"

#define REPS 48

static uint32_t cr_field(int32_t a, int32_t b)
{
    return a < b ? 8u : a > b ? 4u : 2u;
}

static uint32_t cr_field_u(uint32_t a, uint32_t b)
{
    return a < b ? 8u : a > b ? 4u : 2u;
}

/* Fields 0, 1, 5, 6 and 7 of a CR image (the others are the caller's, left alone). */
#define CRF(cr, f) (((cr) >> (28 - 4 * (f))) & 0xfu)

/* cr0 compared, then written again on both ways on; cr1 only on one; read by mfcr after. */
static uint32_t both_ways(int32_t a, int32_t b)
{
    uint32_t cr;
    __asm__ volatile("li 9,0\n"
                     "mtcrf 0x40,9\n"               /* cr1 = 0 */
                     "cmpw cr0,%1,%2\n"
                     "beq 1f\n"
                     "cmpwi cr0,%1,5\n"
                     "cmplw cr1,%2,%1\n"
                     "b 2f\n"
                     "1: cmpwi cr0,%2,7\n"
                     "2: mfcr %0\n"
                     : "=r"(cr) : "r"(a), "r"(b) : "r9", "cr0", "cr1");
    return cr;
}

/*
 * The compare's field read on one path (crxor into cr5; a select on its GT bit, by isel
 * when use_isel, else by a branch), overwritten on both.
 */
static void read_one_way(int32_t a, int32_t b, bool use_isel, uint32_t out[3])
{
    uint32_t cr, sel;
    if (use_isel) {
        __asm__ volatile("li 9,0\n"
                         "mtcrf 0x04,9\n"           /* cr5 = 0 */
                         "li %1,0\n"
                         "cmpw cr6,%2,%3\n"
                         "cmpwi cr7,%2,0\n"
                         "blt cr7,1f\n"
                         "crxor 20,24,26\n"         /* cr5[LT] = cr6[LT] ^ cr6[EQ] */
                         "isel %1,%2,%3,25\n"       /* cr6[GT] ? a : b */
                         "1: cmpw cr6,%3,%2\n"
                         "mfcr %0\n"
                         : "=&r"(cr), "=&r"(sel) : "r"(a), "r"(b) : "r9", "cr5", "cr6", "cr7");
    } else {
        __asm__ volatile("li 9,0\n"
                         "mtcrf 0x04,9\n"
                         "li %1,0\n"
                         "cmpw cr6,%2,%3\n"
                         "cmpwi cr7,%2,0\n"
                         "blt cr7,1f\n"
                         "crxor 20,24,26\n"
                         "mr %1,%3\n"
                         "bf 25,1f\n"
                         "mr %1,%2\n"
                         "1: cmpw cr6,%3,%2\n"
                         "mfcr %0\n"
                         : "=&r"(cr), "=&r"(sel) : "r"(a), "r"(b) : "r9", "cr5", "cr6", "cr7");
    }
    out[0] = cr;
    out[1] = sel;
}

/* A field a call reads: left at a block end with the path's compare in it. */
__attribute__((noinline, used)) static uint32_t read_cr(void)
{
    uint32_t cr;
    __asm__ volatile("mfcr %0" : "=r"(cr));
    return cr;
}

static void across_call(int32_t a, int32_t b, uint32_t out[2])
{
    uint32_t in_call, after;
    __asm__ volatile("li %0,0\n"
                     "cmpw cr0,%2,%3\n"
                     "bge 1f\n"
                     "cmpwi cr1,%3,100\n"
                     "bl read_cr\n"
                     "mr %0,3\n"
                     "1: cmplwi cr0,%2,3\n"
                     "mfcr %1\n"
                     : "=&r"(in_call), "=&r"(after) : "r"(a), "r"(b)
                     : "r0", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12",
                       "lr", "ctr", "cr0", "cr1", "cr5", "cr6", "cr7", "memory");
    out[0] = in_call;
    out[1] = after;
}

/* Record forms and SO: XER[SO] set first, so every compare's field has bit 3 (SO) set. */
static uint32_t with_so(int32_t a, int32_t b, uint32_t *xer_out)
{
    uint32_t cr, xer, r;
    __asm__ volatile("lis 9,0x8000\n"
                     "mtxer 9\n"                    /* SO = 1 */
                     "add. %2,%3,%4\n"
                     "beq 1f\n"
                     "cmpw cr1,%3,%4\n"
                     "subf. %2,%4,%3\n"
                     "1: mfcr %0\n"
                     "mfxer %1\n"
                     "li 9,0\n"
                     "mtxer 9\n"
                     : "=&r"(cr), "=&r"(xer), "=&r"(r) : "r"(a), "r"(b) : "r9", "cr0", "cr1", "xer");
    *xer_out = xer;
    return cr;
}

/* CR logical results branched on, every bit of a field, across a join. */
static uint32_t logic_branches(int32_t a, int32_t b)
{
    uint32_t bits;
    __asm__ volatile("li %0,0\n"
                     "cmpw cr0,%1,%2\n"
                     "cmpwi cr1,%1,0\n"
                     "crand 22,0,5\n"               /* cr5[EQ] = a<b && a>0 */
                     "cror 23,1,6\n"                /* cr5[SO] = a>b || a==0 */
                     "creqv 20,2,4\n"               /* cr5[LT] = (a==b) == (a<0) */
                     "crnor 21,0,1\n"               /* cr5[GT] = !(a<b || a>b) */
                     "bne cr1,1f\n"
                     "cmpw cr0,%2,%1\n"             /* a == 0: cr0 compared the other way */
                     "1: bf 20,2f\n"
                     "ori %0,%0,1\n"
                     "2: bf 21,3f\n"
                     "ori %0,%0,2\n"
                     "3: bf 22,4f\n"
                     "ori %0,%0,4\n"
                     "4: bf 23,5f\n"
                     "ori %0,%0,8\n"
                     "5: blt 6f\n"
                     "ori %0,%0,16\n"
                     "6: ble 7f\n"
                     "ori %0,%0,32\n"
                     "7: bne 8f\n"
                     "ori %0,%0,64\n"
                     "8:\n"
                     : "=&r"(bits) : "r"(a), "r"(b) : "cr0", "cr1", "cr5");
    return bits;
}

/* A compare in a CTR loop whose last trip's field is read after the loop. */
static uint32_t loop_compare(const int32_t *v, uint32_t n, int32_t pivot, uint32_t *count)
{
    uint32_t cr, k = 0;
    __asm__ volatile("mtctr %3\n"
                     "addi 9,%2,-4\n"
                     "1: lwzu 10,4(9)\n"
                     "cmpw cr7,10,%4\n"
                     "ble cr7,2f\n"
                     "addi %1,%1,1\n"
                     "2: bdnz 1b\n"
                     "mfcr %0\n"
                     : "=r"(cr), "+r"(k) : "b"(v), "r"(n), "r"(pivot) : "r9", "r10", "ctr", "cr7", "memory");
    *count = k;
    return cr;
}

/* argv[1] "isel": the select by isel, which qemu-ppc's default CPU lacks (e500mc has it). */
int main(int argc, char **argv)
{
    bool use_isel = argc > 1 && strcmp(argv[1], "isel") == 0;
    static const int32_t vals[] = { -7, -1, 0, 3, 5, 7, 100, 2147483647, -2147483647 - 1 };
    const unsigned nv = sizeof(vals) / sizeof(vals[0]);
    uint32_t o[3], xer;

    gc_group("both_ways");
    for (int r = 0; r < REPS; r++) {
        int32_t a = vals[r % nv], b = vals[(r / nv + r) % nv];
        uint32_t cr = both_ways(a, b);

        CHECK_EQ(CRF(cr, 0), a == b ? cr_field(b, 7) : cr_field(a, 5));
        CHECK_EQ(CRF(cr, 1), a == b ? 0u : cr_field_u((uint32_t)b, (uint32_t)a));
    }

    gc_group("read_one_way");
    for (int r = 0; r < REPS; r++) {
        int32_t a = vals[r % nv], b = vals[(r * 7 + 3) % nv];
        uint32_t f = cr_field(a, b);

        read_one_way(a, b, use_isel, o);
        CHECK_EQ(CRF(o[0], 5), a < 0 ? 0u : ((f >> 3) ^ (f >> 1)) & 1 ? 8u : 0u);
        CHECK_EQ(o[1], a < 0 ? 0u : (uint32_t)(f == 4 ? a : b));
        CHECK_EQ(CRF(o[0], 6), cr_field(b, a));
        CHECK_EQ(CRF(o[0], 7), cr_field(a, 0));
    }

    gc_group("across_call");
    for (int r = 0; r < REPS; r++) {
        int32_t a = vals[r % nv], b = vals[(r * 5 + 1) % nv];

        across_call(a, b, o);
        if (a < b) {
            CHECK_EQ(CRF(o[0], 0), 8u);
            CHECK_EQ(CRF(o[0], 1), cr_field(b, 100));
        } else {
            CHECK_EQ(o[0], 0u);
        }
        CHECK_EQ(CRF(o[1], 0), cr_field_u((uint32_t)a, 3));
    }

    gc_group("with_so");
    for (int r = 0; r < REPS; r++) {
        int32_t a = vals[r % nv], b = vals[(r * 3 + 2) % nv];
        int32_t sum = (int32_t)((uint32_t)a + (uint32_t)b), diff = (int32_t)((uint32_t)a - (uint32_t)b);
        uint32_t cr = with_so(a, b, &xer);

        CHECK_EQ(CRF(cr, 0), (sum == 0 ? 2u : cr_field(diff, 0)) | 1u);
        if (sum != 0) {
            CHECK_EQ(CRF(cr, 1), cr_field(a, b) | 1u);
        }
        CHECK_EQ(xer >> 31, 1u);
    }

    gc_group("logic_branches");
    for (int r = 0; r < REPS; r++) {
        int32_t a = vals[r % nv], b = vals[(r * 4 + 1) % nv];
        bool lt = a < b, gt = a > b, eq = a == b;
        uint32_t want = 0;
        uint32_t f0 = a == 0 ? cr_field(b, a) : cr_field(a, b);

        want |= (eq == (a < 0)) ? 1u : 0u;
        want |= !(lt || gt) ? 2u : 0u;
        want |= (lt && a > 0) ? 4u : 0u;
        want |= (gt || a == 0) ? 8u : 0u;
        want |= (f0 & 8) ? 0u : 16u;
        want |= (f0 & 4) ? 32u : 0u;
        want |= (f0 & 2) ? 64u : 0u;
        CHECK_EQ(logic_branches(a, b), want);
    }

    gc_group("loop_compare");
    for (int r = 0; r < REPS; r++) {
        int32_t pivot = vals[r % nv];
        uint32_t n = 1 + r % nv, k, want = 0;
        uint32_t cr = loop_compare(vals, n, pivot, &k);

        for (uint32_t i = 0; i < n; i++) {
            want += vals[i] > pivot;
        }
        CHECK_EQ(k, want);
        CHECK_EQ(CRF(cr, 7), cr_field(vals[n - 1], pivot));
    }
    return gc_finish();
}
