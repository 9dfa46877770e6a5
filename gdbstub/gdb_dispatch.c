/*
 * The GDB remote protocol commands (see gdb_dispatch.h).  Each handler parses its packet
 * strictly and answers "E01" (bad syntax), "E14" (memory not accessible) or "" (not
 * supported); the reply buffer is the payload only, framing is the server's.
 */
#include <string.h>
#include <unistd.h>

#include "gdbstub/gdb_dispatch.h"
#include "gdbstub/gdb_packet.h"
#include "gdbstub/gdb_signal.h"
#include "gdbstub/gdb_tdesc.h"

#define MAX_THREADS 1024
/* Largest m/qXfer/vFile answer: half the packet for hex, room for the header. */
#define MAX_DATA ((GDB_MAX_PACKET - 32) / 2)

void gdb_session_init(GdbSession *s, const GdbTarget *t)
{
    memset(s, 0, sizeof(*s));
    s->t = t;
    gdb_breaks_init(&s->breaks);
    s->last_stop = g_string_new("S05");
    s->resume = g_array_new(FALSE, FALSE, sizeof(GdbResume));
    for (int i = 0; i < GDB_MAX_FILES; i++) {
        s->files[i] = -1;
    }
}

void gdb_session_free(GdbSession *s)
{
    gdb_vfile_close_all(s);
    gdb_breaks_free(&s->breaks);
    g_string_free(s->last_stop, TRUE);
    g_array_unref(s->resume);
    if (s->tdesc != NULL) {
        g_bytes_unref(s->tdesc);
    }
}

static bool startswith(const char *pkt, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(pkt, prefix, n) == 0;
}

/* A thread id: hex, "-1" (all), "0" (any), or "pPID.TID" (the tid part is used). */
static bool parse_tid(const char **p, int64_t *tid)
{
    uint64_t v;
    if (**p == 'p') {
        (*p)++;
        if (**p == '-' || !gdb_parse_hex(p, &v) || **p != '.') {
            return false;
        }
        (*p)++;
    }
    if ((*p)[0] == '-' && (*p)[1] == '1') {
        *p += 2;
        *tid = -1;
        return true;
    }
    if (!gdb_parse_hex(p, &v)) {
        return false;
    }
    *tid = (int64_t)v;
    return true;
}

/* The CPU for tid, where 0 or -1 means the thread that last stopped (or the first). */
static GuestCpu *cpu_for(GdbSession *s, int64_t tid)
{
    if (tid <= 0) {
        GuestCpu *cpu = s->default_tid > 0 ? s->t->cpu_of(s->t->opaque, s->default_tid) : NULL;
        if (cpu != NULL) {
            return cpu;
        }
        int64_t ids[1];
        if (s->t->list_threads(s->t->opaque, ids, 1) == 0) {
            return NULL;
        }
        tid = ids[0];
    }
    return s->t->cpu_of(s->t->opaque, tid);
}

/* --- Registers --- */

static const GuestReg *state_reg(const GuestArch *arch, const char *name)
{
    for (unsigned i = 0; i < arch->n_regs; i++) {
        if (strcmp(arch->regs[i].name, name) == 0) {
            return &arch->regs[i];
        }
    }
    return NULL;
}

static uint64_t reg_get(const GdbTarget *t, GuestCpu *cpu, const GuestGdbReg *r)
{
    if (r->get != NULL) {
        return r->get(cpu);
    }
    const GuestReg *sr = state_reg(t->arch, r->state);
    if (sr == NULL) {
        return 0;
    }
    if (sr->get != NULL) {
        return sr->get(cpu);
    }
    const uint8_t *p = (const uint8_t *)cpu + sr->offset;
    if (sr->size == 4) {
        uint32_t v;
        memcpy(&v, p, 4);
        return v;
    }
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void reg_set(const GdbTarget *t, GuestCpu *cpu, const GuestGdbReg *r, uint64_t v)
{
    if (r->set != NULL) {
        r->set(cpu, v);
        return;
    }
    const GuestReg *sr = r->state != NULL ? state_reg(t->arch, r->state) : NULL;
    if (sr == NULL || sr->get != NULL) {
        return;                 /* a register kept in pieces without a setter: read-only */
    }
    uint8_t *p = (uint8_t *)cpu + sr->offset;
    if (sr->size == 4) {
        uint32_t w = (uint32_t)v;
        memcpy(p, &w, 4);
    } else {
        memcpy(p, &v, 8);
    }
}

#define GDB_REG_MAX_BYTES 16

static void put_reg(const GdbTarget *t, GString *out, GuestCpu *cpu, const GuestGdbReg *r)
{
    if (r->get_bytes != NULL) {
        uint8_t wide[GDB_REG_MAX_BYTES];
        g_assert(r->bits / 8 <= sizeof(wide));
        r->get_bytes(cpu, wide);
        gdb_hex_encode(out, wide, r->bits / 8);
        return;
    }
    uint64_t v = reg_get(t, cpu, r);
    unsigned n = r->bits / 8;
    uint8_t b[8];
    for (unsigned i = 0; i < n; i++) {
        unsigned shift = t->arch->big_endian ? 8 * (n - 1 - i) : 8 * i;
        b[i] = (uint8_t)(v >> shift);
    }
    gdb_hex_encode(out, b, n);
}

/* Decode one register's bytes from hex; false if short or bad. */
static bool get_reg_value(const GdbTarget *t, const GuestGdbReg *r, const char *hex, size_t avail,
                          uint64_t *v)
{
    unsigned n = r->bits / 8;
    uint8_t b[8];
    if (avail < 2 * n || !gdb_hex_decode(hex, n, b)) {
        return false;
    }
    *v = 0;
    for (unsigned i = 0; i < n; i++) {
        unsigned shift = t->arch->big_endian ? 8 * (n - 1 - i) : 8 * i;
        *v |= (uint64_t)b[i] << shift;
    }
    return true;
}

static void cmd_read_regs(GdbSession *s, GString *reply)
{
    GuestCpu *cpu = cpu_for(s, s->g_tid);
    const GuestGdb *g = s->t->arch->gdb;
    if (cpu == NULL) {
        g_string_assign(reply, "E01");
        return;
    }
    for (unsigned i = 0; i < g->n_g_regs; i++) {
        put_reg(s->t, reply, cpu, &g->regs[i]);
    }
}

static void cmd_write_regs(GdbSession *s, const char *hex, size_t n, GString *reply)
{
    GuestCpu *cpu = cpu_for(s, s->g_tid);
    const GuestGdb *g = s->t->arch->gdb;
    size_t need = 0;
    if (cpu == NULL) {
        g_string_assign(reply, "E01");
        return;
    }
    for (unsigned i = 0; i < g->n_g_regs; i++) {
        need += 2 * (g->regs[i].bits / 8);
    }
    if (n < need) {
        g_string_assign(reply, "E01");
        return;
    }
    /* Check everything first: a bad digit must not leave half the registers written. */
    uint64_t vals[128];
    size_t off = 0;
    for (unsigned i = 0; i < g->n_g_regs && i < G_N_ELEMENTS(vals); i++) {
        if (!get_reg_value(s->t, &g->regs[i], hex + off, n - off, &vals[i])) {
            g_string_assign(reply, "E01");
            return;
        }
        off += 2 * (g->regs[i].bits / 8);
    }
    for (unsigned i = 0; i < g->n_g_regs && i < G_N_ELEMENTS(vals); i++) {
        reg_set(s->t, cpu, &g->regs[i], vals[i]);
    }
    g_string_assign(reply, "OK");
}

static void cmd_read_reg(GdbSession *s, const char *args, GString *reply)
{
    uint64_t n;
    GuestCpu *cpu = cpu_for(s, s->g_tid);
    if (!gdb_parse_hex(&args, &n) || *args != 0 || cpu == NULL) {
        g_string_assign(reply, "E01");
        return;
    }
    const GuestGdbReg *r = n > UINT32_MAX ? NULL : gdb_tdesc_reg(s->t->arch->gdb, s->t->system, (uint32_t)n);
    if (r == NULL) {
        g_string_assign(reply, "E45");    /* gdb then treats it as unavailable */
        return;
    }
    put_reg(s->t, reply, cpu, r);
}

static void cmd_write_reg(GdbSession *s, const char *args, GString *reply)
{
    uint64_t n, v;
    GuestCpu *cpu = cpu_for(s, s->g_tid);
    if (!gdb_parse_hex(&args, &n) || *args != '=' || cpu == NULL) {
        g_string_assign(reply, "E01");
        return;
    }
    args++;
    const GuestGdbReg *r = n > UINT32_MAX ? NULL : gdb_tdesc_reg(s->t->arch->gdb, s->t->system, (uint32_t)n);
    if (r != NULL && r->get_bytes != NULL) {
        /* A wide register: its bytes as they are (no setter: read-only). */
        uint8_t wide[GDB_REG_MAX_BYTES];
        unsigned bytes = r->bits / 8;
        if (strlen(args) < 2 * bytes || !gdb_hex_decode(args, bytes, wide) || r->set_bytes == NULL) {
            g_string_assign(reply, "E01");
            return;
        }
        r->set_bytes(cpu, wide);
        g_string_assign(reply, "OK");
        return;
    }
    if (r == NULL || !get_reg_value(s->t, r, args, strlen(args), &v)) {
        g_string_assign(reply, "E01");
        return;
    }
    reg_set(s->t, cpu, r, v);
    g_string_assign(reply, "OK");
}

/* --- Memory --- */

/* "ADDR,LEN" then the character `end`; advances *p past it. */
static bool parse_addr_len(const char **p, char end, uint64_t *addr, uint64_t *len)
{
    if (!gdb_parse_hex(p, addr) || **p != ',') {
        return false;
    }
    (*p)++;
    if (!gdb_parse_hex(p, len) || **p != end) {
        return false;
    }
    if (end != 0) {
        (*p)++;
    }
    return true;
}

static void cmd_read_mem(GdbSession *s, const char *args, GString *reply)
{
    uint64_t addr, len;
    GuestCpu *cpu = cpu_for(s, s->g_tid);
    if (!parse_addr_len(&args, 0, &addr, &len) || cpu == NULL) {
        g_string_assign(reply, "E01");
        return;
    }
    len = MIN(len, (uint64_t)MAX_DATA);
    g_autofree uint8_t *buf = g_malloc(len ? len : 1);
    /* Like gdbserver: return the readable prefix, an error only when nothing is. */
    uint64_t got = len;
    if (!s->t->read_mem(s->t->opaque, cpu, addr, buf, len)) {
        got = 0;
        while (got < len && s->t->read_mem(s->t->opaque, cpu, addr + got, buf + got, 1)) {
            got++;
        }
        if (got == 0 && len != 0) {
            g_string_assign(reply, "E14");
            return;
        }
    }
    gdb_hex_encode(reply, buf, got);
}

static void cmd_write_mem(GdbSession *s, const char *pkt, size_t n, bool binary, GString *reply)
{
    uint64_t addr, len;
    const char *args = pkt + 1;
    GuestCpu *cpu = cpu_for(s, s->g_tid);
    if (!parse_addr_len(&args, ':', &addr, &len) || cpu == NULL || len > GDB_MAX_PACKET) {
        g_string_assign(reply, "E01");
        return;
    }
    size_t avail = n - (size_t)(args - pkt);
    g_autofree uint8_t *buf = g_malloc(len ? len : 1);
    if (binary) {
        if (avail != len) {
            g_string_assign(reply, "E01");
            return;
        }
        memcpy(buf, args, len);
    } else if (avail != 2 * len || !gdb_hex_decode(args, len, buf)) {
        g_string_assign(reply, "E01");
        return;
    }
    if (len != 0 && !s->t->write_mem(s->t->opaque, cpu, addr, buf, len)) {
        g_string_assign(reply, "E14");
        return;
    }
    g_string_assign(reply, "OK");
}

/* --- Breakpoints and watchpoints --- */

static void cmd_break(GdbSession *s, const char *pkt, GString *reply)
{
    bool insert = pkt[0] == 'Z';
    const char *p = pkt + 1;
    uint64_t type, addr, kind;
    if (!gdb_parse_hex(&p, &type) || *p != ',' || (p++, !parse_addr_len(&p, 0, &addr, &kind))) {
        /* Conditions (";X...") are not offered in qSupported, so gdb sends none. */
        g_string_assign(reply, "E01");
        return;
    }
    if (type > GDB_WP_ACCESS) {
        g_string_truncate(reply, 0);    /* unsupported type */
        return;
    }
    if (type == GDB_BP_SW || type == GDB_BP_HW) {
        bool changed;
        if (insert) {
            gdb_breaks_add_bp(&s->breaks, (int)type, addr, &changed);
            if (changed) {
                s->t->bp_insert(s->t->opaque, addr);
            }
        } else {
            gdb_breaks_remove_bp(&s->breaks, (int)type, addr, &changed);
            if (changed) {
                s->t->bp_remove(s->t->opaque, addr);
            }
        }
        g_string_assign(reply, "OK");
        return;
    }
    unsigned before = s->breaks.n_watch;
    bool ok = insert ? gdb_breaks_add_watch(&s->breaks, (int)type, addr, kind)
                     : gdb_breaks_remove_watch(&s->breaks, (int)type, addr, kind);
    if (!ok && insert) {
        g_string_assign(reply, "E22");
        return;
    }
    if ((before == 0) != (s->breaks.n_watch == 0)) {
        s->t->set_watching(s->t->opaque, s->breaks.n_watch != 0);
    }
    g_string_assign(reply, "OK");
}

/* Remove everything gdb inserted (detach, disconnect). */
static void remove_all(GdbSession *s)
{
    while (s->breaks.bps->len > 0) {
        const GdbBp *bp = &g_array_index(s->breaks.bps, GdbBp, 0);
        bool changed;
        GuestAddr addr = bp->addr;
        gdb_breaks_remove_bp(&s->breaks, bp->type, addr, &changed);
        if (changed) {
            s->t->bp_remove(s->t->opaque, addr);
        }
    }
    if (s->breaks.n_watch != 0) {
        s->breaks.n_watch = 0;
        s->t->set_watching(s->t->opaque, false);
    }
}

/* --- Resuming --- */

static int sig_arg(const char **p, bool *ok)
{
    uint64_t v;
    if (!gdb_parse_hex(p, &v) || v > 255) {
        *ok = false;
        return 0;
    }
    return gdb_signal_to_linux((int)v);
}

/* vCont;ACTION[:TID];ACTION[:TID]... */
static bool parse_vcont(GdbSession *s, const char *p)
{
    g_array_set_size(s->resume, 0);
    while (*p == ';') {
        GdbResume r = { .tid = -1 };
        bool ok = true;
        p++;
        char a = *p++;
        switch (a) {
        case 'c':
        case 's':
            r.action = a;
            break;
        case 'C':
        case 'S':
            r.action = (char)(a - 'A' + 'a');
            r.sig = sig_arg(&p, &ok);
            break;
        case 't':
            r.action = 't';     /* stop: stays stopped (all-stop) */
            break;
        default:
            return false;
        }
        if (!ok) {
            return false;
        }
        if (*p == ':') {
            p++;
            if (!parse_tid(&p, &r.tid)) {
                return false;
            }
        }
        g_array_append_val(s->resume, r);
    }
    return *p == 0 && s->resume->len > 0;
}

/* Old-style c/s/C/S: the Hc thread (or all) with one action; a resume address sets its pc. */
static bool parse_old_resume(GdbSession *s, const char *pkt)
{
    char a = pkt[0];
    const char *p = pkt + 1;
    bool ok = true;
    GdbResume r = { .tid = -1, .action = (char)(a | 0x20) };
    if (a == 'C' || a == 'S') {
        r.sig = sig_arg(&p, &ok);
        if (!ok) {
            return false;
        }
        if (*p == ';') {
            p++;
        }
    }
    g_array_set_size(s->resume, 0);
    if (*p != 0) {
        uint64_t addr;
        GuestCpu *cpu = cpu_for(s, s->c_tid);
        if (!gdb_parse_hex(&p, &addr) || *p != 0 || cpu == NULL) {
            return false;
        }
        cpu->pc = addr;
    }
    if (r.action == 's') {
        /* Step the selected thread, let the others run too (gdb's default scheduling). */
        GdbResume step = r;
        step.tid = s->c_tid > 0 ? s->c_tid : (s->default_tid > 0 ? s->default_tid : -1);
        g_array_append_val(s->resume, step);
        if (step.tid != -1) {
            GdbResume rest = { .tid = -1, .action = 'c' };
            g_array_append_val(s->resume, rest);
        }
        return true;
    }
    if (s->c_tid > 0) {
        r.tid = s->c_tid;
    }
    g_array_append_val(s->resume, r);
    return true;
}

/* --- Queries --- */

/* qXfer reply window: "m" + data (more) or "l" + data (last). */
static void xfer_window(GString *reply, const uint8_t *data, size_t size, uint64_t off, uint64_t len)
{
    if (off >= size) {
        g_string_assign(reply, "l");
        return;
    }
    len = MIN(len, (uint64_t)MAX_DATA);
    uint64_t n = MIN(len, size - off);
    g_string_assign(reply, off + n < size ? "m" : "l");
    gdb_escape_binary(reply, data + off, n);
}

static void cmd_xfer(GdbSession *s, const char *pkt, GString *reply)
{
    /* qXfer:OBJECT:read:ANNEX:OFF,LEN */
    g_auto(GStrv) parts = g_strsplit(pkt, ":", 5);
    uint64_t off, len;
    if (g_strv_length(parts) != 5 || strcmp(parts[2], "read") != 0) {
        g_string_truncate(reply, 0);
        return;
    }
    const char *p = parts[4];
    if (!parse_addr_len(&p, 0, &off, &len)) {
        g_string_assign(reply, "E01");
        return;
    }
    if (strcmp(parts[1], "features") == 0) {
        if (strcmp(parts[3], "target.xml") != 0) {
            g_string_assign(reply, "E00");
            return;
        }
        if (s->tdesc == NULL) {
            char *xml = gdb_tdesc_xml(s->t->arch->gdb, s->t->system);
            s->tdesc = g_bytes_new_take(xml, strlen(xml));
        }
        gsize n;
        const uint8_t *d = g_bytes_get_data(s->tdesc, &n);
        xfer_window(reply, d, n, off, len);
        return;
    }
    if (strcmp(parts[1], "auxv") == 0 && s->t->auxv != NULL) {
        g_autoptr(GBytes) b = s->t->auxv(s->t->opaque);
        if (b == NULL) {
            g_string_assign(reply, "E01");
            return;
        }
        gsize n;
        const uint8_t *d = g_bytes_get_data(b, &n);
        xfer_window(reply, d, n, off, len);
        return;
    }
    if (strcmp(parts[1], "siginfo") == 0 && s->t->siginfo != NULL) {
        GuestCpu *cpu = cpu_for(s, s->g_tid);
        g_autoptr(GBytes) b = cpu != NULL ? s->t->siginfo(s->t->opaque, cpu) : NULL;
        if (b == NULL) {
            g_string_assign(reply, "E01");
            return;
        }
        gsize n;
        const uint8_t *d = g_bytes_get_data(b, &n);
        xfer_window(reply, d, n, off, len);
        return;
    }
    if (strcmp(parts[1], "exec-file") == 0 && s->t->exec_file != NULL) {
        g_autofree char *path = s->t->exec_file(s->t->opaque);
        xfer_window(reply, (const uint8_t *)path, strlen(path), off, len);
        return;
    }
    g_string_truncate(reply, 0);
}

static void cmd_thread_info(GdbSession *s, GString *reply)
{
    int64_t ids[MAX_THREADS];
    unsigned n = s->t->list_threads(s->t->opaque, ids, MAX_THREADS);
    g_string_assign(reply, "m");
    for (unsigned i = 0; i < n; i++) {
        g_string_append_printf(reply, "%s%" G_GINT64_MODIFIER "x", i ? "," : "", ids[i]);
    }
    if (n == 0) {
        g_string_assign(reply, "l");
    }
}

static void cmd_pass_signals(GdbSession *s, const char *p)
{
    memset(s->pass, 0, sizeof(s->pass));
    while (*p != 0) {
        uint64_t v;
        if (!gdb_parse_hex(&p, &v)) {
            return;
        }
        if (v < 256) {
            s->pass[v / 64] |= 1ull << (v % 64);
        }
        if (*p == ';') {
            p++;
        }
    }
}

bool gdb_session_passes(const GdbSession *s, int sig)
{
    int g = gdb_signal_from_linux(sig);
    return g > 0 && g < 256 && (s->pass[g / 64] >> (g % 64) & 1);
}

static void cmd_query(GdbSession *s, const char *pkt, size_t len, GString *reply)
{
    if (startswith(pkt, len, "qSupported")) {
        g_string_printf(reply, "PacketSize=%x;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;"
                        "QStartNoAckMode+;QPassSignals+", GDB_MAX_PACKET);
        if (s->t->auxv != NULL) {
            g_string_append(reply, ";qXfer:auxv:read+;qXfer:exec-file:read+");
        }
        if (s->t->siginfo != NULL) {
            g_string_append(reply, ";qXfer:siginfo:read+");
        }
    } else if (startswith(pkt, len, "qXfer:")) {
        cmd_xfer(s, pkt, reply);
    } else if (strcmp(pkt, "qfThreadInfo") == 0) {
        cmd_thread_info(s, reply);
    } else if (strcmp(pkt, "qsThreadInfo") == 0) {
        g_string_assign(reply, "l");
    } else if (strcmp(pkt, "qC") == 0) {
        int64_t ids[1];
        unsigned n = s->t->list_threads(s->t->opaque, ids, 1);
        int64_t tid = s->default_tid > 0 ? s->default_tid : (n ? ids[0] : 1);
        g_string_printf(reply, "QC%" G_GINT64_MODIFIER "x", tid);
    } else if (strcmp(pkt, "qAttached") == 0 || startswith(pkt, len, "qAttached:")) {
        g_string_assign(reply, "0");    /* we started the guest: quitting gdb kills it */
    } else if (strcmp(pkt, "qSymbol::") == 0) {
        g_string_assign(reply, "OK");
    } else if (startswith(pkt, len, "qThreadExtraInfo,")) {
        const char *p = pkt + strlen("qThreadExtraInfo,");
        int64_t tid;
        if (!parse_tid(&p, &tid)) {
            g_string_assign(reply, "E01");
            return;
        }
        g_autofree char *text = g_strdup_printf(s->t->system ? "hart %" G_GINT64_MODIFIER "d"
                                                : "tid %" G_GINT64_MODIFIER "d",
                                                s->t->system ? tid - 1 : tid);
        gdb_hex_encode(reply, (const uint8_t *)text, strlen(text));
    } else {
        g_string_truncate(reply, 0);
    }
}

/* --- The dispatcher --- */

GdbAction gdb_dispatch(GdbSession *s, const char *pkt, size_t len, GString *reply)
{
    g_string_truncate(reply, 0);
    if (len == 0) {
        return GDB_ACT_REPLY;
    }
    /* Text commands never hold NULs; binary ones (X, vFile:pwrite) are handled by length. */
    bool has_nul = memchr(pkt, 0, len) != NULL;
    if (has_nul && pkt[0] != 'X' && !startswith(pkt, len, "vFile:")) {
        g_string_assign(reply, "E01");
        return GDB_ACT_REPLY;
    }
    switch (pkt[0]) {
    case '?':
        g_string_assign(reply, s->last_stop->str);
        return GDB_ACT_REPLY;
    case 'g':
        cmd_read_regs(s, reply);
        return GDB_ACT_REPLY;
    case 'G':
        cmd_write_regs(s, pkt + 1, len - 1, reply);
        return GDB_ACT_REPLY;
    case 'p':
        cmd_read_reg(s, pkt + 1, reply);
        return GDB_ACT_REPLY;
    case 'P':
        cmd_write_reg(s, pkt + 1, reply);
        return GDB_ACT_REPLY;
    case 'm':
        cmd_read_mem(s, pkt + 1, reply);
        return GDB_ACT_REPLY;
    case 'M':
        cmd_write_mem(s, pkt, len, false, reply);
        return GDB_ACT_REPLY;
    case 'X':
        cmd_write_mem(s, pkt, len, true, reply);
        return GDB_ACT_REPLY;
    case 'Z':
    case 'z':
        cmd_break(s, pkt, reply);
        return GDB_ACT_REPLY;
    case 'c':
    case 's':
    case 'C':
    case 'S':
        if (!parse_old_resume(s, pkt)) {
            g_string_assign(reply, "E01");
            return GDB_ACT_REPLY;
        }
        return GDB_ACT_RESUME;
    case 'H': {
        const char *p = pkt + 2;
        int64_t tid;
        if (len < 3 || (pkt[1] != 'g' && pkt[1] != 'c') || !parse_tid(&p, &tid) || *p != 0 ||
            (tid > 0 && s->t->cpu_of(s->t->opaque, tid) == NULL)) {
            g_string_assign(reply, "E01");
            return GDB_ACT_REPLY;
        }
        *(pkt[1] == 'g' ? &s->g_tid : &s->c_tid) = tid;
        g_string_assign(reply, "OK");
        return GDB_ACT_REPLY;
    }
    case 'T': {
        const char *p = pkt + 1;
        int64_t tid;
        bool alive = parse_tid(&p, &tid) && *p == 0 && tid > 0 && s->t->cpu_of(s->t->opaque, tid) != NULL;
        g_string_assign(reply, alive ? "OK" : "E01");
        return GDB_ACT_REPLY;
    }
    case 'D':
        remove_all(s);
        g_string_assign(reply, "OK");
        return GDB_ACT_DETACH;
    case 'k':
        return GDB_ACT_KILL;
    case 'q':
        cmd_query(s, pkt, len, reply);
        return GDB_ACT_REPLY;
    case 'Q':
        if (strcmp(pkt, "QStartNoAckMode") == 0) {
            s->no_ack = true;
            g_string_assign(reply, "OK");
        } else if (startswith(pkt, len, "QPassSignals:")) {
            cmd_pass_signals(s, pkt + strlen("QPassSignals:"));
            g_string_assign(reply, "OK");
        }
        return GDB_ACT_REPLY;
    case 'v':
        if (strcmp(pkt, "vCont?") == 0) {
            g_string_assign(reply, "vCont;c;C;s;S;t");
        } else if (startswith(pkt, len, "vCont;")) {
            if (!parse_vcont(s, pkt + 5)) {
                g_string_assign(reply, "E01");
                return GDB_ACT_REPLY;
            }
            return GDB_ACT_RESUME;
        } else if (startswith(pkt, len, "vKill")) {
            g_string_assign(reply, "OK");
            return GDB_ACT_KILL;
        } else if (startswith(pkt, len, "vFile:")) {
            if (s->t->host_path == NULL || !gdb_vfile(s, pkt, len, reply)) {
                g_string_truncate(reply, 0);
            }
        }
        return GDB_ACT_REPLY;
    default:
        return GDB_ACT_REPLY;   /* unknown: the empty reply */
    }
}

void gdb_stop_reply(GdbSession *s, GString *out, int sig, int64_t tid, GdbStopReason why, int kind,
                    GuestAddr addr)
{
    static const char *const watch_names[] = { [GDB_WP_WRITE] = "watch", [GDB_WP_READ] = "rwatch",
                                               [GDB_WP_ACCESS] = "awatch" };
    g_string_truncate(s->last_stop, 0);
    g_string_append_printf(s->last_stop, "T%02xthread:%" G_GINT64_MODIFIER "x;", gdb_signal_from_linux(sig),
                           tid);
    switch (why) {
    case GDB_STOP_SIGNAL:
        break;
    case GDB_STOP_SWBREAK:
        g_string_append(s->last_stop, "swbreak:;");
        break;
    case GDB_STOP_HWBREAK:
        g_string_append(s->last_stop, "hwbreak:;");
        break;
    case GDB_STOP_WATCH:
        g_string_append_printf(s->last_stop, "%s:%" G_GINT64_MODIFIER "x;",
                               kind >= GDB_WP_WRITE && kind <= GDB_WP_ACCESS ? watch_names[kind] : "watch",
                               addr);
        break;
    }
    s->default_tid = tid;
    s->g_tid = 0;
    s->c_tid = 0;
    g_string_assign(out, s->last_stop->str);
}

void gdb_session_remove_all(GdbSession *s)
{
    remove_all(s);
}
