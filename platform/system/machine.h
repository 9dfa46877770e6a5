/*
 * System mode: a board (platform/boards) with its CPUs running on the exec layer.
 *
 * Owns: creating the CPUs a board names and wiring them to it (interrupt inputs,
 * physical memory, the timer), the exec context in its software-TLB memory model,
 * and the loop that turns each exit of a CPU into what the hardware would do next
 * (the guest's trap, an interrupt, a wfi sleep, a TLB flush, power-off).
 *
 * Must not: know a device, or a guest ISA beyond the CPU models table (machine_cpu.c).
 */
#ifndef MIMIC_SYSTEM_MACHINE_H
#define MIMIC_SYSTEM_MACHINE_H

#include <glib.h>
#include <stdbool.h>

#include "exec/exec.h"
#include "platform/boards/board.h"
#include "platform/boards/loader.h"

GQuark machine_error_quark(void);
#define MIMIC_MACHINE_ERROR (machine_error_quark())

typedef struct MachineOptions {
    const char *board;          /* built-in name or a board file path (-M) */
    uint64_t ram_size;          /* -m; 0: the board's */
    unsigned harts;             /* -smp; 0: the board's */
    const char *bios;           /* -bios FILE; NULL: the board's default; "none" */
    const char *kernel, *initrd, *append, *dtb, *dump_dtb;
    BoardDrive drives[BOARD_MAX_DRIVES];
    unsigned nr_drives;
    bool virtio_rng;
    ExecOptions exec;
    bool serial_stdio;          /* the serial port on stdin/stdout (raw terminal) */
    const char *gdb;            /* -gdb tcp::PORT / -s: serve gdb (NULL: no stub) */
    bool gdb_wait;              /* -S: no hart runs before gdb resumes */
} MachineOptions;

/*
 * Build the machine, boot it and run until the guest powers off (or fails, or the user
 * quits).  Returns the exit status (the guest's, from sifive_test or HTIF), or -1 with
 * error set when the machine cannot be built.
 */
int machine_run(const MachineOptions *opts, GError **error);

/* One CPU model (machine_cpu.c): how a board's `cpu=` name becomes harts. */
typedef struct MachineCpuModel {
    const char *name;           /* board files' cpu= value, e.g. "rv64" */
    const GuestArch *arch;
    const char *isa;            /* device tree riscv,isa */
    const char *mmu_type;
    /* Put a new CPU in system mode as hart `hart`, starting at reset_pc. */
    void (*init)(GuestCpu *cpu, unsigned hart, uint64_t reset_pc, AddressSpace *as,
                 uint64_t (*read_time)(void *), void *time_opaque);
    /* An interrupt input of the hart changed (mip bit numbering). */
    void (*set_irq)(GuestCpu *cpu, unsigned line, bool level);
} MachineCpuModel;

const MachineCpuModel *machine_cpu_model(const char *name);

#endif
