/*
 * The mimic command line.
 *
 *   mimic run [options] PROGRAM [ARGS...]   run a Linux program built for another ISA
 *   mimic PROGRAM [ARGS...]                 the same, so mimic can serve as
 *                                           CMAKE_CROSSCOMPILING_EMULATOR or as a
 *                                           binfmt_misc interpreter
 *
 * This file only turns arguments into UserOptions and prints errors: one line,
 * "mimic: ...", and a non-zero exit.  The guest architecture comes from the ELF.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "exec/exec.h"
#include "gdbstub/gdb_transport.h"
#include "platform/linux-user/user.h"
#include "tools/mimic_cmd.h"

extern char **environ;

#define MIMIC_VERSION "0.1.0"

static const char main_usage[] =
    "Usage: mimic COMMAND [OPTIONS] ...\n"
    "\n"
    "mimic runs programs built for other instruction sets on this x86-64 Linux host\n"
    "by translating guest code to host code (or interpreting it).\n"
    "\n"
    "Commands:\n"
    "  run [OPTIONS] PROGRAM [ARGS...]   run a Linux program for riscv64, ppc, i386 or x86-64\n"
    "  boot [-M BOARD] [OPTIONS]         boot firmware and a kernel on an emulated board\n"
    "  machines                          list the built-in boards and their devices\n"
    "  help [COMMAND]                    show help\n"
    "  version                           show the version\n"
    "\n"
    "'mimic PROGRAM [ARGS...]' is the same as 'mimic run PROGRAM [ARGS...]'.\n"
    "Run 'mimic run --help' for the options of run.\n";

typedef struct RunArgs {
    char *engine;
    char *sysroot;
    char *trace;
    char *trace_file;
    char **trace_range;
    char **trace_watch;
    gint trace_last;
    char *trace_after;
    char *trace_count;
    gboolean trace_whole_blocks;
    char *argv0;
    gboolean stats;
    gboolean no_opt;
    gint max_block_insns;
    gint code_cache_mib;
    gint tier_threshold;
    gboolean version;
    char *seed;
    char *stack_top;
    char *gdb;
} RunArgs;

static GOptionContext *run_context(RunArgs *a)
{
    GOptionEntry entries[] = {
        { "engine", 0, 0, G_OPTION_ARG_STRING, &a->engine,
          "Execution engine: jit (default) or interp (the IR interpreter)", "ENGINE" },
        { "sysroot", 'L', 0, G_OPTION_ARG_FILENAME, &a->sysroot,
          "Guest sysroot for the dynamic loader and libraries (default: $MIMIC_LD_PREFIX, "
          "else /usr/<triple> if it exists)", "DIR" },
        { "trace", 0, 0, G_OPTION_ARG_STRING, &a->trace,
          "Trace items, comma separated: insn,regs,mem,block,ir,host,exec", "LIST" },
        { "trace-file", 0, 0, G_OPTION_ARG_FILENAME, &a->trace_file,
          "Write traces to FILE instead of stderr", "FILE" },
        { "trace-range", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->trace_range,
          "Trace only guest code in START-END (END exclusive), START+LENGTH or a function "
          "(NAME, LIB:NAME); the rest runs at full speed.  Repeat to trace several", "RANGE" },
        { "trace-watch", 0, 0, G_OPTION_ARG_STRING_ARRAY, &a->trace_watch,
          "Print a 'watch' line for every guest access to ADDR+LEN, ADDR-END or a variable "
          "(NAME, LIB:NAME; its size from the symbol table).  Repeatable", "RANGE" },
        { "trace-last", 0, 0, G_OPTION_ARG_INT, &a->trace_last,
          "Keep the last N instructions (with their memory accesses) and write them to the "
          "trace when the program exits, crashes or is killed; runs at near full speed", "N" },
        { "trace-after", 0, 0, G_OPTION_ARG_STRING, &a->trace_after,
          "Print trace lines only from step N on (the #N counter on each line)", "N" },
        { "trace-count", 0, 0, G_OPTION_ARG_STRING, &a->trace_count,
          "Print trace lines for at most N steps", "N" },
        { "trace-whole-blocks", 0, 0, G_OPTION_ARG_NONE, &a->trace_whole_blocks,
          "With --trace=ir,host only: show the blocks an untraced run compiles (inner "
          "branches and side exits) instead of blocks that end at every branch", NULL },
        { "stats", 0, 0, G_OPTION_ARG_NONE, &a->stats,
          "Print translation and execution statistics on exit", NULL },
        { "argv0", '0', 0, G_OPTION_ARG_STRING, &a->argv0,
          "Give the guest this argv[0] instead of PROGRAM", "NAME" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &a->seed,
          "Make the guest's randomness (AT_RANDOM, getrandom) reproducible from this seed", "N" },
        { "stack-top", 0, 0, G_OPTION_ARG_STRING, &a->stack_top,
          "Place the initial stack below ADDR; 'qemu' places it where qemu-user 7.2 does "
          "(0x4000801000 for 64-bit guests, 0x40801000 for 32-bit ones), so register traces "
          "can be compared with qemu's", "ADDR" },
        { "max-block-insns", 0, 0, G_OPTION_ARG_INT, &a->max_block_insns,
          "Longest guest block to translate (debugging; default 256)", "N" },
        { "code-cache", 0, 0, G_OPTION_ARG_INT, &a->code_cache_mib,
          "JIT code cache size in MiB (default 64); a full cache is flushed", "MIB" },
        { "no-opt", 0, 0, G_OPTION_ARG_NONE, &a->no_opt,
          "Do not optimize the IR (debugging)", NULL },
        { "tier-threshold", 0, 0, G_OPTION_ARG_INT, &a->tier_threshold,
          "JIT: run a new block N times on the IR interpreter, from its lifted IR, before "
          "compiling it in full (default: 16 for riscv64 and ppc, 0 for x86); 0 compiles "
          "every block in full at once, 1 compiles it on its second run", "N" },
        { "gdb", 'g', 0, G_OPTION_ARG_STRING, &a->gdb,
          "Wait for gdb on TCP PORT (or tcp::PORT, HOST:PORT, a Unix socket PATH) before the "
          "first instruction", "PORT" },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &a->version, "Show the version", NULL },
        { NULL },
    };
    GOptionContext *ctx = g_option_context_new("PROGRAM [ARGS...] - run a guest Linux program");
    g_autofree char *desc = g_strdup_printf(
        "Trace items:\n%s\n"
        "The guest architecture is taken from PROGRAM's ELF header.  Dynamically linked\n"
        "programs load their interpreter and libraries from the sysroot; absolute paths\n"
        "the guest opens are looked up there first.\n"
        "\n"
        "Environment:\n"
        "  MIMIC_LD_PREFIX   guest sysroot when -L is not given\n"
        "  MIMIC_STRACE=1    log every guest syscall and its result to stderr\n"
        "  MIMIC_VERIFY_IR=1 run the IR verifier after every optimizer pass\n"
        "  MIMIC_JIT_RAS=1   JIT returns try a return-address stack before the jump cache\n"
        "\n"
        "Examples:\n"
        "  mimic run ./hello                        run with the JIT\n"
        "  mimic run --engine=interp ./hello        run on the IR interpreter\n"
        "  mimic run -L /usr/riscv64-linux-gnu ./app --its-own-option\n"
        "  mimic run --trace=insn,regs --trace-file=t.log ./hello\n"
        "  mimic run --trace=insn,regs --trace-range=main ./hello     one function\n"
        "  mimic run --trace-last=50 --trace-file=crash.log ./app     the last 50 insns\n"
        "  mimic run --trace-watch=counter ./app                      who writes 'counter'\n"
        "  mimic run -g 1234 ./app        then: gdb-multiarch ./app -ex 'target remote :1234'\n"
        "\n"
        "Exit status: the guest's own; a guest killed by signal N ends mimic with the same\n"
        "signal (shells report 128+N).  Errors in the command line or in PROGRAM print one\n"
        "line starting with 'mimic:' and exit with status 1 (2 for usage errors).\n", exec_trace_help);

    g_option_context_add_main_entries(ctx, g_memdup2(entries, sizeof(entries)), NULL);
    g_option_context_set_strict_posix(ctx, TRUE);    /* options after PROGRAM belong to the guest */
    g_option_context_set_description(ctx, desc);
    return ctx;
}

static int die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "mimic: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (try 'mimic run --help')\n");
    return 2;
}

/* An optional decimal or 0x count option; prints the usage error itself. */
static bool parse_count(const char *text, const char *option, uint64_t *out)
{
    char *end;

    if (text == NULL) {
        return true;
    }
    errno = 0;
    *out = g_ascii_strtoull(text, &end, 0);
    if (errno != 0 || *end != '\0' || end == text || !g_ascii_isdigit(*text)) {
        fprintf(stderr, "mimic: %s needs a number, not '%s' (try 'mimic run --help')\n", option, text);
        return false;
    }
    return true;
}

static int cmd_run(int argc, char **argv)
{
    RunArgs a = { .tier_threshold = G_MININT };       /* not given */
    g_autoptr(GOptionContext) ctx = run_context(&a);
    g_autoptr(GError) error = NULL;
    UserOptions opts = { 0 };
    char **guest_argv;
    int status;

    g_set_prgname("mimic run");
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        return die_usage("%s", error->message);
    }
    if (a.version) {
        printf("mimic %s\n", MIMIC_VERSION);
        return 0;
    }
    /* argv[0] is "run"; strict POSIX parsing left "--" in place if given. */
    int first = 1;
    if (first < argc && strcmp(argv[first], "--") == 0) {
        first++;
    }
    if (first >= argc) {
        return die_usage("%s", "run: missing PROGRAM");
    }
    opts.exec.engine = a.engine ? a.engine : "jit";
    if (exec_engine_by_name(opts.exec.engine) == NULL) {
        return die_usage("unknown engine '%s' (use jit or interp)", opts.exec.engine);
    }
    if (a.trace != NULL && !exec_trace_parse(a.trace, &opts.exec.trace, &error)) {
        return die_usage("%s", error->message);
    }
    for (char **r = a.trace_range; r != NULL && *r != NULL; r++) {
        if (!exec_trace_spec_check(*r, "--trace-range", &error)) {
            return die_usage("%s", error->message);
        }
    }
    for (char **w = a.trace_watch; w != NULL && *w != NULL; w++) {
        if (!exec_trace_spec_check(*w, "--trace-watch", &error)) {
            return die_usage("%s", error->message);
        }
    }
    opts.exec.trace_ranges = a.trace_range;
    opts.exec.trace_watches = a.trace_watch;
    if (a.trace_last < 0 || a.trace_last > (1 << 24)) {
        return die_usage("%s", "--trace-last must be between 1 and 16777216");
    }
    opts.exec.trace_last = (unsigned)a.trace_last;
    if (!parse_count(a.trace_after, "--trace-after", &opts.exec.trace_after) ||
        !parse_count(a.trace_count, "--trace-count", &opts.exec.trace_count)) {
        return 2;
    }
    if (a.trace_whole_blocks) {
        /* Per-instruction lines, windows and rings count steps by straight-line blocks. */
        if ((opts.exec.trace & (EXEC_TRACE_IR | EXEC_TRACE_HOST)) == 0 ||
            (opts.exec.trace & ~(EXEC_TRACE_IR | EXEC_TRACE_HOST)) != 0 || opts.exec.trace_last != 0 ||
            opts.exec.trace_watches != NULL || a.trace_after != NULL || a.trace_count != NULL) {
            return die_usage("%s", "--trace-whole-blocks goes only with --trace=ir, host or ir,host "
                                   "(and --trace-range, --trace-file)");
        }
        opts.exec.trace_whole_blocks = true;
    }
    if (a.trace_file != NULL) {
        opts.exec.trace_file = fopen(a.trace_file, "w");
        if (opts.exec.trace_file == NULL) {
            fprintf(stderr, "mimic: cannot open trace file '%s': %s\n", a.trace_file, g_strerror(errno));
            return 1;
        }
        setvbuf(opts.exec.trace_file, NULL, _IOFBF, 1 << 16);
    }
    if (a.max_block_insns < 0 || a.max_block_insns > 4096) {
        return die_usage("%s", "--max-block-insns must be between 1 and 4096");
    }
    if (a.code_cache_mib < 0 || a.code_cache_mib > 2048) {
        return die_usage("%s", "--code-cache must be between 1 and 2048 MiB");
    }
    opts.exec.stats = a.stats;
    opts.exec.no_opt = a.no_opt;
    if (a.tier_threshold == G_MININT) {
        opts.exec.tier_threshold = EXEC_TIER_THRESHOLD_GUEST;     /* not given */
    } else if (a.tier_threshold < 0 || a.tier_threshold > 1000000) {
        return die_usage("%s", "--tier-threshold must be between 0 and 1000000");
    } else {
        opts.exec.tier_threshold = (unsigned)a.tier_threshold;
    }
    opts.exec.max_block_insns = (unsigned)a.max_block_insns;
    opts.exec.code_cache_size = (size_t)a.code_cache_mib << 20;
    opts.sysroot = a.sysroot;
    if (a.gdb != NULL && !gdb_transport_spec_ok(a.gdb)) {
        return die_usage("-g needs a port or a socket path, not '%s'", a.gdb);
    }
    opts.gdb = a.gdb;
    if (a.seed != NULL) {
        char *end;
        errno = 0;
        opts.seed = g_ascii_strtoull(a.seed, &end, 0);
        if (errno != 0 || *end != '\0' || end == a.seed) {
            return die_usage("--seed needs a number, not '%s'", a.seed);
        }
        opts.has_seed = true;
    }

    if (a.stack_top != NULL) {
        if (strcmp(a.stack_top, "qemu") == 0) {
            opts.stack_top = USER_STACK_TOP_QEMU;       /* the guest's ABI decides where */
        } else if (!parse_count(a.stack_top, "--stack-top", &opts.stack_top)) {
            return 2;
        } else if (opts.stack_top < (16u << 20) || opts.stack_top > ((uint64_t)1 << 47)) {
            return die_usage("--stack-top '%s' is outside the guest address space", a.stack_top);
        }
    }
    guest_argv = &argv[first];
    if (a.argv0 != NULL) {
        guest_argv = g_memdup2(&argv[first], sizeof(char *) * (size_t)(argc - first + 1));
        guest_argv[0] = a.argv0;
    }
    status = user_run(argv[first], argc - first, guest_argv, environ, &opts, &error);
    if (status < 0) {
        fprintf(stderr, "mimic: %s\n", error ? error->message : "cannot run the program");
        return 1;
    }
    return status;
}

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;

    if (cmd == NULL) {
        fputs(main_usage, stderr);
        return 2;
    }
    if (strcmp(cmd, "run") == 0) {
        return cmd_run(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "boot") == 0) {
        return mimic_cmd_boot(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "machines") == 0) {
        return mimic_cmd_machines(argc - 1, argv + 1);
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        if (argc > 2 && strcmp(argv[2], "run") == 0) {
            char *args[] = { "run", "--help", NULL };
            return cmd_run(2, args);
        }
        fputs(main_usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
        printf("mimic %s\n", MIMIC_VERSION);
        return 0;
    }
    if (cmd[0] == '-') {
        /* Options before PROGRAM without "run" (emulator use): treat the whole line as run. */
        argv[0] = "run";
        return cmd_run(argc, argv);
    }
    /* mimic PROGRAM ARGS...: emulator / binfmt_misc form. */
    argv[0] = "run";
    return cmd_run(argc, argv);
}
