/*
 * malloc_heavy.c - the allocator under load: 30k random malloc/free/realloc operations on
 * sizes from 1 byte to 384 KiB (small bins, brk growth and mmap-backed chunks), every block
 * filled with a pattern derived from its id and verified before it is freed or resized,
 * calloc zeroing, posix_memalign/aligned_alloc alignment, and raw brk/mmap/mremap/munmap.
 * A deterministic PRNG drives everything; the final checksum was computed natively.
 */
#define _GNU_SOURCE          /* mremap */
#include <sys/mman.h>
#include <unistd.h>
#include "guest_check.h"

#define SLOTS 4096
#define OPS 30000

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static size_t pick_size(void)
{
    uint64_t r = rng();
    switch (r % 32) {
    case 0:
        return 128 * 1024 + r % (256 * 1024);        /* large: mmap territory */
    case 1: case 2: case 3:
        return 512 + (r >> 8) % 8192;
    default:
        return 1 + (r >> 8) % 256;
    }
}

/* Big blocks are sampled (every stride-th byte plus the last one) to keep the run short
 * under the IR interpreter; small blocks are written in full. */
static size_t stride_for(size_t n)
{
    return n > 1024 ? n / 256 : 1;
}

static void fill(uint8_t *p, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i += stride_for(n)) {
        p[i] = (uint8_t)(id * 31 + i * 7);
    }
    p[n - 1] = (uint8_t)(id * 31 + (n - 1) * 7);
}

static int verify(const uint8_t *p, size_t n, uint32_t id)
{
    if (p[n - 1] != (uint8_t)(id * 31 + (n - 1) * 7)) {
        return 0;
    }
    for (size_t i = 0; i < n; i += stride_for(n)) {
        if (p[i] != (uint8_t)(id * 31 + i * 7)) {
            return 0;
        }
    }
    return 1;
}

/* Checks the bytes fill() wrote for an old size n that lie below keep. */
static int verify_prefix(const uint8_t *p, size_t n, size_t keep, uint32_t id)
{
    for (size_t i = 0; i < keep; i += stride_for(n)) {
        if (p[i] != (uint8_t)(id * 31 + i * 7)) {
            return 0;
        }
    }
    return 1;
}

static struct { uint8_t *p; size_t n; uint32_t id; } slot[SLOTS];

int main(void)
{
    uint64_t checksum = 0;
    uint32_t next_id = 1;
    int bad = 0;

    gc_group("random_ops");
    for (int op = 0; op < OPS; op++) {
        unsigned s = rng() % SLOTS;
        if (slot[s].p == NULL) {
            size_t n = pick_size();
            slot[s].p = malloc(n);
            slot[s].n = n;
            slot[s].id = next_id++;
            fill(slot[s].p, n, slot[s].id);
        } else if (rng() % 4 == 0) {
            size_t n = pick_size();
            size_t keep = n < slot[s].n ? n : slot[s].n;
            bad += !verify(slot[s].p, slot[s].n, slot[s].id);
            uint8_t *q = realloc(slot[s].p, n);
            bad += !verify_prefix(q, slot[s].n, keep, slot[s].id);   /* realloc keeps the prefix */
            slot[s].p = q;
            slot[s].n = n;
            fill(q, n, slot[s].id);
        } else {
            bad += !verify(slot[s].p, slot[s].n, slot[s].id);
            checksum = checksum * 1000003 + slot[s].n + slot[s].p[slot[s].n - 1];
            free(slot[s].p);
            slot[s].p = NULL;
        }
    }
    for (unsigned s = 0; s < SLOTS; s++) {
        if (slot[s].p) {
            bad += !verify(slot[s].p, slot[s].n, slot[s].id);
            checksum = checksum * 1000003 + slot[s].n;
            free(slot[s].p);
        }
    }
    CHECK_EQ(bad, 0);
    printf("checksum %016" PRIx64 " after %u allocations\n", checksum, next_id - 1);
    CHECK_EQ(checksum, 0xbe7558806c9fb440ull);    /* from a native x86-64 run */

    gc_group("calloc_align");
    for (int i = 0; i < 40; i++) {
        size_t n = 1 + rng() % 20000;
        uint8_t *p = calloc(n, 1);
        int zero = 1;
        for (size_t k = 0; k < n; k++) {
            zero &= (p[k] == 0);
        }
        bad += !zero;
        memset(p, 0xff, n);                         /* dirty it for the next calloc */
        free(p);
    }
    CHECK_EQ(bad, 0);
    for (size_t align = 16; align <= 65536; align *= 4) {
        void *p = NULL;
        CHECK_EQ(posix_memalign(&p, align, 1000), 0);
        CHECK_EQ((uintptr_t)p % align, 0);
        free(p);
        p = aligned_alloc(align, align * 2);
        CHECK_EQ((uintptr_t)p % align, 0);
        free(p);
    }

    gc_group("raw_memory");
    void *brk0 = sbrk(0);
    CHECK(brk0 != (void *)-1);
    char *grown = sbrk(1 << 20);
    CHECK(grown == brk0);
    memset(grown, 0x5a, 1 << 20);                   /* new brk memory is usable */
    CHECK(sbrk(-(1 << 20)) != (void *)-1);
    CHECK(sbrk(0) == brk0);
    size_t len = 3 << 20;
    uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    CHECK_EQ(m[0] | m[len - 1], 0);                 /* anonymous memory is zero */
    for (size_t i = 0; i < len; i += 4096) {
        m[i] = (uint8_t)(i >> 12);
    }
    uint8_t *m2 = mremap(m, len, len * 2, MREMAP_MAYMOVE);
    CHECK(m2 != MAP_FAILED);
    int kept = 1;
    for (size_t i = 0; i < len; i += 4096) {
        kept &= (m2[i] == (uint8_t)(i >> 12));
    }
    CHECK(kept);
    CHECK_EQ(m2[len * 2 - 1], 0);
    CHECK_EQ(munmap(m2, len * 2), 0);
    return gc_finish();
}
