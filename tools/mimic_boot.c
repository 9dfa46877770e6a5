/*
 * mimic boot and mimic machines: the system-mode command line, in QEMU's spelling
 * (single-dash options, -M, -m, -smp, -bios, -kernel, -initrd, -append, -drive) so
 * existing boot scripts carry over.  Only parses and reports; platform/system runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gdbstub/gdb_transport.h"
#include "platform/system/machine.h"
#include "tools/mimic_cmd.h"

static const char boot_usage[] =
    "Usage: mimic boot [-M BOARD|FILE] [OPTIONS]\n"
    "\n"
    "Boot firmware and a kernel on an emulated board; the serial port is on stdin/stdout\n"
    "(Ctrl-A X quits, Ctrl-A H lists the keys).  The exit status is the guest's\n"
    "(sifive_test or HTIF power-off).\n"
    "\n"
    "  -M BOARD|FILE       board: a built-in name (mimic machines) or a board file (default virt)\n"
    "  -m SIZE             RAM size, e.g. 256M or 1G (default: the board's)\n"
    "  -smp N              number of harts\n"
    "  -bios FILE|none     firmware (default for virt: OpenSBI fw_dynamic.bin from Debian's opensbi)\n"
    "  -kernel FILE        kernel (raw Image or ELF)\n"
    "  -initrd FILE        initial ramdisk\n"
    "  -append TEXT        kernel command line\n"
    "  -dtb FILE           use this device tree instead of the generated one\n"
    "  --dump-dtb FILE     write the device tree the guest gets and go on\n"
    "  -drive file=IMG,format=raw[,readonly=on]   a virtio-blk disk\n"
    "  -device virtio-rng  a virtio entropy device\n"
    "  -nographic          accepted for QEMU compatibility (always so)\n"
    "  -gdb tcp::PORT      serve gdb on PORT (or HOST:PORT, a Unix socket path)\n"
    "  -s                  the same as -gdb tcp::1234\n"
    "  -S                  do not start the harts until gdb resumes them\n"
    "  --engine=jit|interp execution engine\n"
    "  --trace=LIST --trace-file=FILE --stats   as for mimic run\n";

static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    uint64_t v = g_ascii_strtoull(s, &end, 0);
    if (errno != 0 || end == s) {
        return false;
    }
    switch (*end) {
    case 'k': case 'K': v <<= 10; end++; break;
    case 'm': case 'M': case 0: v <<= 20; end += *end != 0; break;
    case 'g': case 'G': v <<= 30; end++; break;
    default: return false;
    }
    *out = v;
    return *end == 0 || (*end == 'B' && end[1] == 0);
}

int mimic_cmd_boot(int argc, char **argv)
{
    MachineOptions o = { .board = "virt", .serial_stdio = true };
    g_autoptr(GError) error = NULL;
    const char *trace = NULL, *trace_file = NULL;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
#define OPT(name) (strcmp(a, name) == 0)
        if (OPT("-h") || OPT("--help")) {
            fputs(boot_usage, stdout);
            return 0;
        } else if (OPT("-nographic")) {
            takes = false;
        } else if (OPT("-s")) {
            o.gdb = "tcp::1234";
            takes = false;
        } else if (OPT("-S")) {
            o.gdb_wait = true;
            takes = false;
        } else if (OPT("--stats")) {
            o.exec.stats = true;
            takes = false;
        } else if (g_str_has_prefix(a, "--engine=")) {
            o.exec.engine = a + 9;
            takes = false;
        } else if (g_str_has_prefix(a, "--trace=")) {
            trace = a + 8;
            takes = false;
        } else if (g_str_has_prefix(a, "--trace-file=")) {
            trace_file = a + 13;
            takes = false;
        } else if (v == NULL) {
            fprintf(stderr, "mimic: boot: unknown option or missing value: %s\n", a);
            return 2;
        } else if (OPT("-M") || OPT("-machine")) {
            o.board = v;
        } else if (OPT("-m")) {
            if (!parse_size(v, &o.ram_size)) {
                fprintf(stderr, "mimic: boot: bad memory size '%s'\n", v);
                return 2;
            }
        } else if (OPT("-smp")) {
            char *end;
            long n = strtol(v, &end, 0);
            if (*end != 0 || n < 1 || n > BOARD_MAX_HARTS) {
                fprintf(stderr, "mimic: boot: -smp needs 1..%d, not '%s'\n", BOARD_MAX_HARTS, v);
                return 2;
            }
            o.harts = (unsigned)n;
        } else if (OPT("-gdb")) {
            if (!gdb_transport_spec_ok(v)) {
                fprintf(stderr, "mimic: boot: -gdb needs tcp::PORT or a socket path, not '%s'\n", v);
                return 2;
            }
            o.gdb = v;
        } else if (OPT("-bios")) {
            o.bios = v;
        } else if (OPT("-kernel")) {
            o.kernel = v;
        } else if (OPT("-initrd")) {
            o.initrd = v;
        } else if (OPT("-append")) {
            o.append = v;
        } else if (OPT("-dtb")) {
            o.dtb = v;
        } else if (OPT("--dump-dtb")) {
            o.dump_dtb = v;
        } else if (OPT("-drive")) {
            if (o.nr_drives == BOARD_MAX_DRIVES || !board_parse_drive(v, &o.drives[o.nr_drives], &error)) {
                fprintf(stderr, "mimic: boot: %s\n", error ? error->message : "too many -drive");
                return 2;
            }
            o.nr_drives++;
        } else if (OPT("-device")) {
            if (!g_str_has_prefix(v, "virtio-rng")) {
                fprintf(stderr, "mimic: boot: unknown device '%s' (known: virtio-rng)\n", v);
                return 2;
            }
            o.virtio_rng = true;
        } else {
            fprintf(stderr, "mimic: boot: unknown option %s (see mimic boot --help)\n", a);
            return 2;
        }
#undef OPT
        if (takes) {
            i++;
        }
    }
    if (trace != NULL && !exec_trace_parse(trace, &o.exec.trace, &error)) {
        fprintf(stderr, "mimic: boot: %s\n", error->message);
        return 2;
    }
    if (trace_file != NULL) {
        o.exec.trace_file = fopen(trace_file, "w");
        if (o.exec.trace_file == NULL) {
            fprintf(stderr, "mimic: cannot open trace file '%s': %s\n", trace_file, g_strerror(errno));
            return 1;
        }
    }
    if (o.gdb_wait && o.gdb == NULL) {
        fprintf(stderr, "mimic: boot: -S needs -s or -gdb (nothing could start the harts)\n");
        return 2;
    }
    int status = machine_run(&o, &error);
    if (status < 0) {
        fprintf(stderr, "mimic: %s\n", error ? error->message : "cannot build the machine");
        return 1;
    }
    return status;
}

int mimic_cmd_machines(int argc, char **argv)
{
    g_autofree char *list = board_list();
    fputs(list, stdout);
    return 0;
}
