/*
 * The command dispatcher against a fake target: a riscv64 CPU, 4 KiB of memory at
 * 0x1000, two threads.  Expected replies are worked out from the protocol description
 * (little-endian hex for riscv64 registers, "E.." errors, "" for unsupported), and every
 * malformed packet must get an answer without touching state it should not.
 */
#include <check.h>
#include <string.h>

#include "frontend/guest.h"
#include "gdbstub/gdb_dispatch.h"

#define MEM_BASE 0x1000
#define MEM_SIZE 0x1000

typedef struct Fake {
    GuestCpu *cpu[2];
    uint8_t mem[MEM_SIZE];
    int inserted, removed, watching;
    GuestAddr last_bp;
} Fake;

static Fake fake;
static GdbTarget target;
static GdbSession sess;

static int64_t f_thread_id(void *o, GuestCpu *cpu)
{
    return cpu == fake.cpu[0] ? 1 : 2;
}

static unsigned f_list(void *o, int64_t *ids, unsigned max)
{
    unsigned n = 0;
    for (int i = 0; i < 2 && n < max; i++) {
        ids[n++] = i + 1;
    }
    return n;
}

static GuestCpu *f_cpu_of(void *o, int64_t tid)
{
    return tid == 1 || tid == 2 ? fake.cpu[tid - 1] : NULL;
}

static bool f_read(void *o, GuestCpu *cpu, GuestAddr addr, uint8_t *buf, size_t len)
{
    if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(buf, fake.mem + (addr - MEM_BASE), len);
    return true;
}

static bool f_write(void *o, GuestCpu *cpu, GuestAddr addr, const uint8_t *buf, size_t len)
{
    if (addr < MEM_BASE || addr + len > MEM_BASE + MEM_SIZE || addr + len < addr) {
        return false;
    }
    memcpy(fake.mem + (addr - MEM_BASE), buf, len);
    return true;
}

static void f_insert(void *o, GuestAddr pc)
{
    fake.inserted++;
    fake.last_bp = pc;
}

static void f_remove(void *o, GuestAddr pc)
{
    fake.removed++;
}

static void f_watching(void *o, bool on)
{
    fake.watching = on;
}

static void setup(void)
{
    const GuestArch *arch = guest_arch_by_name("riscv64");
    memset(&fake, 0, sizeof(fake));
    fake.cpu[0] = guest_cpu_new(arch);
    fake.cpu[1] = guest_cpu_new(arch);
    target = (GdbTarget){
        .arch = arch, .thread_id = f_thread_id, .list_threads = f_list, .cpu_of = f_cpu_of,
        .read_mem = f_read, .write_mem = f_write, .bp_insert = f_insert, .bp_remove = f_remove,
        .set_watching = f_watching,
    };
    gdb_session_init(&sess, &target);
}

static void teardown(void)
{
    gdb_session_free(&sess);
    guest_cpu_free(fake.cpu[0]);
    guest_cpu_free(fake.cpu[1]);
}

/* Dispatch a text packet; the reply (static buffer). */
static const char *cmd(const char *pkt, GdbAction *act)
{
    static GString *reply;
    if (reply == NULL) {
        reply = g_string_new(NULL);
    }
    GdbAction a = gdb_dispatch(&sess, pkt, strlen(pkt), reply);
    if (act != NULL) {
        *act = a;
    }
    return reply->str;
}

START_TEST(test_supported_and_tdesc)
{
    ck_assert_ptr_nonnull(strstr(cmd("qSupported:multiprocess+;swbreak+", NULL), "qXfer:features:read+"));
    const char *x = cmd("qXfer:features:read:target.xml:0,3000", NULL);
    ck_assert_int_eq(x[0], 'l');
    ck_assert_ptr_nonnull(strstr(x, "<architecture>riscv:rv64</architecture>"));
    ck_assert_ptr_nonnull(strstr(x, "name=\"pc\" bitsize=\"64\" regnum=\"32\""));
    ck_assert_ptr_nonnull(strstr(x, "org.gnu.gdb.riscv.fpu"));
    ck_assert_ptr_null(strstr(x, "mstatus"));      /* CSRs: system mode only */
    /* A window: 5 bytes from offset 2 of "<?xml ...", more to come. */
    ck_assert_str_eq(cmd("qXfer:features:read:target.xml:2,5", NULL), "mxml v");
    ck_assert_str_eq(cmd("qXfer:features:read:other.xml:0,10", NULL), "E00");
}
END_TEST

START_TEST(test_registers)
{
    uint64_t *x = (uint64_t *)((uint8_t *)fake.cpu[0] + guest_arch_by_name("riscv64")->regs[11].offset);
    *x = 0x1122;                    /* a0 (table entry 11: pc, zero, ra, ... a0) */
    const char *g = cmd("g", NULL);
    ck_assert_int_eq(strlen(g), 33 * 16);
    ck_assert_int_eq(strncmp(g + 10 * 16, "2211000000000000", 16), 0);
    ck_assert_str_eq(cmd("P20=0010000000000000", NULL), "OK");     /* pc = 0x1000 */
    ck_assert_uint_eq(fake.cpu[0]->pc, 0x1000);
    ck_assert_str_eq(cmd("p20", NULL), "0010000000000000");
    ck_assert_str_eq(cmd("P0=ffffffffffffffff", NULL), "OK");       /* x0 stays 0 */
    ck_assert_str_eq(cmd("p0", NULL), "0000000000000000");
    ck_assert_str_eq(cmd("Hg2", NULL), "OK");
    ck_assert_str_eq(cmd("p20", NULL), "0000000000000000");        /* thread 2's pc */
    ck_assert_str_eq(cmd("Hg7", NULL), "E01");                     /* no thread 7 */
    ck_assert_str_eq(cmd("p1000", NULL), "E45");                   /* not described */
}
END_TEST

START_TEST(test_memory)
{
    ck_assert_str_eq(cmd("M1000,4:deadbeef", NULL), "OK");
    ck_assert_str_eq(cmd("m1000,4", NULL), "deadbeef");
    ck_assert_str_eq(cmd("m0,4", NULL), "E14");
    /* Only the readable prefix of a range that runs off the end. */
    ck_assert_str_eq(cmd("M1ffe,2:0102", NULL), "OK");
    ck_assert_str_eq(cmd("m1ffe,8", NULL), "0102");
    GString *reply = g_string_new(NULL);
    const char xpkt[] = "X1004,3:\x00#\x7d";                /* binary, already unescaped */
    ck_assert_int_eq(gdb_dispatch(&sess, xpkt, sizeof(xpkt) - 1, reply), GDB_ACT_REPLY);
    ck_assert_str_eq(reply->str, "OK");
    ck_assert_str_eq(cmd("m1004,3", NULL), "00237d");
    g_string_free(reply, TRUE);
}
END_TEST

START_TEST(test_breakpoints)
{
    ck_assert_str_eq(cmd("Z0,1010,2", NULL), "OK");
    ck_assert_str_eq(cmd("Z1,1010,2", NULL), "OK");   /* same pc: the exec layer hears once */
    ck_assert_int_eq(fake.inserted, 1);
    ck_assert_uint_eq(fake.last_bp, 0x1010);
    ck_assert_str_eq(cmd("z0,1010,2", NULL), "OK");
    ck_assert_int_eq(fake.removed, 0);
    ck_assert_str_eq(cmd("z1,1010,2", NULL), "OK");
    ck_assert_int_eq(fake.removed, 1);
    ck_assert_str_eq(cmd("Z2,1008,8", NULL), "OK");
    ck_assert_int_eq(fake.watching, 1);
    GuestAddr hit;
    ck_assert_int_eq(gdb_breaks_watch_hit(&sess.breaks, true, 0x100c, 4, &hit), 2);
    ck_assert_uint_eq(hit, 0x100c);
    ck_assert_int_eq(gdb_breaks_watch_hit(&sess.breaks, false, 0x100c, 4, &hit), 0);  /* a read */
    ck_assert_int_eq(gdb_breaks_watch_hit(&sess.breaks, true, 0x1004, 8, &hit), 2);   /* overlaps */
    ck_assert_uint_eq(hit, 0x1008);
    ck_assert_str_eq(cmd("z2,1008,8", NULL), "OK");
    ck_assert_int_eq(fake.watching, 0);
    ck_assert_str_eq(cmd("Z9,1000,1", NULL), "");     /* unknown type: unsupported */
}
END_TEST

START_TEST(test_resume_and_threads)
{
    GdbAction act;
    cmd("vCont;s:2;c", &act);
    ck_assert_int_eq(act, GDB_ACT_RESUME);
    ck_assert_int_eq(sess.resume->len, 2);
    GdbResume *r = &g_array_index(sess.resume, GdbResume, 0);
    ck_assert_int_eq(r->tid, 2);
    ck_assert_int_eq(r->action, 's');
    cmd("vCont;C0b:1", &act);                         /* gdb's SIGSEGV (11) */
    ck_assert_int_eq(act, GDB_ACT_RESUME);
    ck_assert_int_eq(g_array_index(sess.resume, GdbResume, 0).sig, 11);
    cmd("vCont;C0a", &act);                           /* gdb's 10 is SIGBUS (Linux 7) */
    ck_assert_int_eq(g_array_index(sess.resume, GdbResume, 0).sig, 7);
    ck_assert_str_eq(cmd("qfThreadInfo", NULL), "m1,2");
    ck_assert_str_eq(cmd("qsThreadInfo", NULL), "l");
    ck_assert_str_eq(cmd("T2", NULL), "OK");
    ck_assert_str_eq(cmd("T3", NULL), "E01");
    GString *out = g_string_new(NULL);
    gdb_stop_reply(&sess, out, 10 /* SIGUSR1 */, 2, GDB_STOP_SIGNAL, 0, 0);
    ck_assert_str_eq(out->str, "T1ethread:2;");       /* gdb numbers SIGUSR1 30 */
    ck_assert_str_eq(cmd("?", NULL), "T1ethread:2;");
    gdb_stop_reply(&sess, out, 5, 1, GDB_STOP_WATCH, GDB_WP_ACCESS, 0x1008);
    ck_assert_str_eq(out->str, "T05thread:1;awatch:1008;");
    g_string_free(out, TRUE);
    cmd("D", &act);
    ck_assert_int_eq(act, GDB_ACT_DETACH);
}
END_TEST

START_TEST(test_malformed_packets)
{
    static const char *const bad[] = {
        "m", "mzz", "m1000", "m1000,", "m,4", "M1000,4:zz", "M1000,4:dead", "M1000,4", "X1000,4:ab",
        "Z", "Z0", "Z0,", "Z0,1000", "z2,zz,4", "p", "pzz", "P20=", "P20=12", "P", "Pzz=00", "H", "Hg",
        "Hgzz", "Hx1", "vCont;x", "vCont;C", "vCont;Czz:1", "vCont;s:zz", "vCont", "vCont;", "C", "Szz",
        "czz", "qXfer:features:read:target.xml:zz", "qXfer:features:read:target.xml:0", "qXfer:",
        "qXfer:auxv:read::0,10", "T", "Tzz", "G00", "Gzz", "qThreadExtraInfo,zz", "QPassSignals:zz;",
        "vFile:open:zz,0,0", "m11111111111111111,4", "p11111111111111111", "\x01\x02\xff",
    };
    for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
        GdbAction act;
        const char *r = cmd(bad[i], &act);
        ck_assert_msg(act == GDB_ACT_REPLY, "'%s' must not resume or kill", bad[i]);
        ck_assert_msg(r[0] == 'E' || r[0] == 0 || strncmp(r, "OK", 2) == 0,
                      "'%s' -> unexpected reply '%s'", bad[i], r);
    }
    ck_assert_uint_eq(fake.cpu[0]->pc, 0);              /* nothing was written by accident */
    /* A packet with NULs (not X/vFile) is an error, not truncated text. */
    GString *reply = g_string_new(NULL);
    ck_assert_int_eq(gdb_dispatch(&sess, "m1000\0,4", 8, reply), GDB_ACT_REPLY);
    ck_assert_str_eq(reply->str, "E01");
    /* Random bytes: answers, never a crash or an action. */
    GRand *rand = g_rand_new_with_seed(1234);
    for (int i = 0; i < 20000; i++) {
        char buf[64];
        size_t n = (size_t)g_rand_int_range(rand, 1, sizeof(buf));
        static const char lead[] = "gGpPmMXZzHTqQv?cCsSDk";
        for (size_t k = 0; k < n; k++) {
            buf[k] = (char)g_rand_int_range(rand, 0, 256);
        }
        buf[0] = lead[g_rand_int_range(rand, 0, (gint32)strlen(lead))];
        if (buf[0] == 'k' || buf[0] == 'D') {
            continue;                                   /* valid whatever follows */
        }
        gdb_dispatch(&sess, buf, n, reply);
    }
    g_rand_free(rand);
    g_string_free(reply, TRUE);
}
END_TEST

Suite *gdbstub_dispatch_suite(void)
{
    Suite *s = suite_create("gdbstub_dispatch");
    TCase *tc = tcase_create("dispatch");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_supported_and_tdesc);
    tcase_add_test(tc, test_registers);
    tcase_add_test(tc, test_memory);
    tcase_add_test(tc, test_breakpoints);
    tcase_add_test(tc, test_resume_and_threads);
    tcase_add_test(tc, test_malformed_packets);
    suite_add_tcase(s, tc);
    return s;
}
