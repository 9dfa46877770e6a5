/*
 * procfs.c - /proc files that describe the guest, not the emulator.
 *   procfs maps     /proc/self/maps and /proc/<pid>/maps list the guest's own mappings:
 *                   main's code is in an r-x mapping, a global in rw-, the stack in rw-,
 *                   and a fresh mmap appears with the protection it was given.
 *   procfs cpuinfo  /proc/cpuinfo is RISC-V's format (processor/hart/isa/mmu entries,
 *                   "rv64i..." ISA strings), one entry per CPU the process may run on.
 * Expected formats: Linux's fs/proc/task_mmu.c and arch/riscv/kernel/cpu.c.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "guest_check.h"

static int global_data = 42;

/* The permissions of the mapping containing addr in the maps file at path, or "none". */
static void perms_of(const char *path, uintptr_t addr, char out[5])
{
    char line[512];
    FILE *f = fopen(path, "r");
    strcpy(out, "none");
    if (f == NULL) {
        return;
    }
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        char perms[5];
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && addr >= lo && addr < hi) {
            strcpy(out, perms);
            break;
        }
    }
    fclose(f);
}

static void check_maps(const char *path)
{
    char p[5];
    int stack_var = 1;
    perms_of(path, (uintptr_t)&check_maps, p);
    CHECK_STR(p, "r-xp");
    perms_of(path, (uintptr_t)&global_data, p);
    CHECK(p[0] == 'r' && p[1] == 'w');
    perms_of(path, (uintptr_t)&stack_var, p);
    CHECK(p[0] == 'r' && p[1] == 'w');
    void *m = mmap(NULL, 8192, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    perms_of(path, (uintptr_t)m + 4096, p);
    CHECK_STR(p, "r--p");
    munmap(m, 8192);
    perms_of(path, (uintptr_t)m + 4096, p);
    CHECK_STR(p, "none");
}

static void test_maps(void)
{
    char path[64];
    gc_group("maps self");
    check_maps("/proc/self/maps");
    gc_group("maps pid");
    snprintf(path, sizeof(path), "/proc/%d/maps", (int)getpid());
    check_maps(path);
}

static void test_cpuinfo(void)
{
    char line[512];
    int processors = 0, harts = 0, isas = 0, rv64 = 0;
    cpu_set_t set;
    gc_group("cpuinfo");
    FILE *f = fopen("/proc/cpuinfo", "r");
    CHECK(f != NULL);
    while (f && fgets(line, sizeof(line), f)) {
        processors += strncmp(line, "processor\t:", 11) == 0;
        harts += strncmp(line, "hart\t\t:", 7) == 0;
        if (strncmp(line, "isa\t\t: ", 7) == 0) {
            isas++;
            rv64 += strncmp(line + 7, "rv64imafdc", 10) == 0;
        }
    }
    if (f) {
        fclose(f);
    }
    CHECK(sched_getaffinity(0, sizeof(set), &set) == 0);
    CHECK_EQ(processors, CPU_COUNT(&set));
    CHECK_EQ(harts, processors);
    CHECK_EQ(isas, processors);
    CHECK_EQ(rv64, processors);
}

int main(int argc, char **argv)
{
    const char *what = argc > 1 ? argv[1] : "";
    if (strcmp(what, "maps") == 0) {
        test_maps();
    } else if (strcmp(what, "cpuinfo") == 0) {
        test_cpuinfo();
    } else {
        fprintf(stderr, "usage: procfs maps|cpuinfo\n");
        return 2;
    }
    return gc_finish();
}
