/*
 * Terminal attributes for ppc32 guests: TCGETS and TCSETS/TCSETSW/TCSETSF, plus the
 * terminal ioctls that take an int or nothing (TCSBRK, TCXONC, TCFLSH, TIOCOUTQ...).
 *
 * PowerPC keeps the old termios of its Unix ancestors
 * (arch/powerpc/include/uapi/asm/termbits.h): c_cc comes before c_line and has its own
 * index order, several flag bits sit elsewhere (IXON, ICANON, ECHO, CSIZE...), the
 * baud rates above 38400 have other codes, and the struct carries both speeds.  The
 * host (x86-64) kernel's struct is the asm-generic one.  Both directions go through
 * the tables below; a bit the other side does not have is dropped.  glibc's isatty()
 * and tcgetattr() use TCGETS, so without this a ppc program never sees a terminal.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "platform/linux-user/ppc32/ppc_user.h"

/* Request numbers: arch/powerpc/include/uapi/asm/ioctls.h (_IOR = 0x4..., _IOW = 0x8..., _IO = 0x2...). */
#define PPC_TCGETS      0x402c7413u
#define PPC_TCSETS      0x802c7414u
#define PPC_TCSETSW     0x802c7415u
#define PPC_TCSETSF     0x802c7416u
#define PPC_TCSBRK      0x2000741du
#define PPC_TCXONC      0x2000741eu
#define PPC_TCFLSH      0x2000741fu
#define PPC_TIOCSTART   0x2000746eu
#define PPC_TIOCSTOP    0x2000746fu
#define PPC_TIOCOUTQ    0x40047473u
#define PPC_TIOCGPTN    0x40045430u
#define PPC_TIOCSPTLCK  0x80045431u

#define PPC_NCCS 19
#define PPC_TERMIOS_SIZE 44     /* 4 flag words, c_cc[19], c_line, 2 speeds */

/* The host kernel's struct termios (x86-64, asm-generic): not glibc's, which is larger. */
typedef struct HostKtermios {
    uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
    uint8_t c_line;
    uint8_t c_cc[19];
} HostKtermios;

typedef struct FlagMap {
    uint32_t ppc, host;         /* a bit, or a field's value when mask != 0 */
    uint32_t ppc_mask, host_mask;
} FlagMap;

#define BIT(p, h) { (p), (h), 0, 0 }
#define FIELD(p, h, pm, hm) { (p), (h), (pm), (hm) }

static const FlagMap iflag_map[] = {
    BIT(0x001, IGNBRK), BIT(0x002, BRKINT), BIT(0x004, IGNPAR), BIT(0x008, PARMRK),
    BIT(0x010, INPCK), BIT(0x020, ISTRIP), BIT(0x040, INLCR), BIT(0x080, IGNCR),
    BIT(0x100, ICRNL), BIT(0x200, IXON), BIT(0x400, IXOFF), BIT(0x800, IXANY),
    BIT(0x1000, IUCLC), BIT(0x2000, IMAXBEL), BIT(0x4000, IUTF8),
};

static const FlagMap oflag_map[] = {
    BIT(0x01, OPOST), BIT(0x02, ONLCR), BIT(0x04, OLCUC), BIT(0x08, OCRNL),
    BIT(0x10, ONOCR), BIT(0x20, ONLRET), BIT(0x40, OFILL), BIT(0x80, OFDEL),
    FIELD(0x100, NL1, 0x300, NLDLY), FIELD(0x000, NL0, 0x300, NLDLY),
    FIELD(0x400, TAB1, 0xc00, TABDLY), FIELD(0x800, TAB2, 0xc00, TABDLY),
    FIELD(0xc00, TAB3, 0xc00, TABDLY), FIELD(0x000, TAB0, 0xc00, TABDLY),
    FIELD(0x1000, CR1, 0x3000, CRDLY), FIELD(0x2000, CR2, 0x3000, CRDLY),
    FIELD(0x3000, CR3, 0x3000, CRDLY), FIELD(0x0000, CR0, 0x3000, CRDLY),
    BIT(0x4000, FF1), BIT(0x8000, BS1), BIT(0x10000, VT1),
};

/* Baud codes 0..15 are shared; ppc numbers the higher ones 0x10.. and BOTHER 0x1f. */
#define HOST_BOTHER 0010000
static const FlagMap baud_map[] = {
    FIELD(0x10, B57600, 0xff, CBAUD), FIELD(0x11, B115200, 0xff, CBAUD),
    FIELD(0x12, B230400, 0xff, CBAUD), FIELD(0x13, B460800, 0xff, CBAUD),
    FIELD(0x14, B500000, 0xff, CBAUD), FIELD(0x15, B576000, 0xff, CBAUD),
    FIELD(0x16, B921600, 0xff, CBAUD), FIELD(0x17, B1000000, 0xff, CBAUD),
    FIELD(0x18, B1152000, 0xff, CBAUD), FIELD(0x19, B1500000, 0xff, CBAUD),
    FIELD(0x1a, B2000000, 0xff, CBAUD), FIELD(0x1b, B2500000, 0xff, CBAUD),
    FIELD(0x1c, B3000000, 0xff, CBAUD), FIELD(0x1d, B3500000, 0xff, CBAUD),
    FIELD(0x1e, B4000000, 0xff, CBAUD), FIELD(0x1f, HOST_BOTHER, 0xff, CBAUD),
};

static const FlagMap cflag_map[] = {
    FIELD(0x000, CS5, 0x300, CSIZE), FIELD(0x100, CS6, 0x300, CSIZE),
    FIELD(0x200, CS7, 0x300, CSIZE), FIELD(0x300, CS8, 0x300, CSIZE),
    BIT(0x400, CSTOPB), BIT(0x800, CREAD), BIT(0x1000, PARENB), BIT(0x2000, PARODD),
    BIT(0x4000, HUPCL), BIT(0x8000, CLOCAL), BIT(0x40000000, CMSPAR), BIT(0x80000000, CRTSCTS),
};

static const FlagMap lflag_map[] = {
    BIT(0x80, ISIG), BIT(0x100, ICANON), BIT(0x4000, XCASE), BIT(0x08, ECHO),
    BIT(0x02, ECHOE), BIT(0x04, ECHOK), BIT(0x10, ECHONL), BIT(0x80000000, NOFLSH),
    BIT(0x400000, TOSTOP), BIT(0x40, ECHOCTL), BIT(0x20, ECHOPRT), BIT(0x01, ECHOKE),
    BIT(0x800000, FLUSHO), BIT(0x20000000, PENDIN), BIT(0x400, IEXTEN), BIT(0x10000000, EXTPROC),
};

/* c_cc: ppc index -> host index (arch/powerpc termbits.h against asm-generic). */
static const int cc_map[PPC_NCCS] = {
    [0] = VINTR, [1] = VQUIT, [2] = VERASE, [3] = VKILL, [4] = VEOF, [5] = VMIN,
    [6] = VEOL, [7] = VTIME, [8] = VEOL2, [9] = VSWTC, [10] = VWERASE, [11] = VREPRINT,
    [12] = VSUSP, [13] = VSTART, [14] = VSTOP, [15] = VLNEXT, [16] = VDISCARD,
    [17] = -1, [18] = -1,
};

static uint32_t map_flags(const FlagMap *m, size_t n, uint32_t v, bool to_host)
{
    uint32_t out = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t from = to_host ? m[i].ppc : m[i].host;
        uint32_t from_mask = to_host ? m[i].ppc_mask : m[i].host_mask;
        uint32_t to = to_host ? m[i].host : m[i].ppc;
        if (from_mask == 0 ? (v & from) != 0 : (v & from_mask) == from) {
            out |= to;
        }
    }
    return out;
}

/* The baud field: codes 0..15 are the same on both sides. */
static uint32_t map_baud(uint32_t code, bool to_host)
{
    uint32_t mask = to_host ? 0xff : CBAUD;
    if ((code & mask) < 16) {
        return code & mask;
    }
    return map_flags(baud_map, G_N_ELEMENTS(baud_map), code & mask, to_host);
}

static void termios_to_host(const uint8_t *g, HostKtermios *h)
{
    uint32_t cflag = ppc_get32(g + 8);

    memset(h, 0, sizeof(*h));
    h->c_iflag = map_flags(iflag_map, G_N_ELEMENTS(iflag_map), ppc_get32(g), true);
    h->c_oflag = map_flags(oflag_map, G_N_ELEMENTS(oflag_map), ppc_get32(g + 4), true);
    h->c_cflag = map_flags(cflag_map, G_N_ELEMENTS(cflag_map), cflag, true) | map_baud(cflag, true) |
                 map_baud(cflag >> 16, true) << 16;     /* CIBAUD: the input speed */
    h->c_lflag = map_flags(lflag_map, G_N_ELEMENTS(lflag_map), ppc_get32(g + 12), true);
    for (int i = 0; i < PPC_NCCS; i++) {
        if (cc_map[i] >= 0) {
            h->c_cc[cc_map[i]] = g[16 + i];
        }
    }
    h->c_line = g[16 + PPC_NCCS];
}

static void termios_from_host(const HostKtermios *h, uint8_t *g)
{
    static const unsigned rates[] = {
        0, 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600, 19200, 38400,
    };
    uint32_t ospeed = h->c_cflag & CBAUD;
    uint32_t ppc_baud = map_baud(ospeed, false);

    memset(g, 0, PPC_TERMIOS_SIZE);
    ppc_put32(g, map_flags(iflag_map, G_N_ELEMENTS(iflag_map), h->c_iflag, false));
    ppc_put32(g + 4, map_flags(oflag_map, G_N_ELEMENTS(oflag_map), h->c_oflag, false));
    ppc_put32(g + 8, map_flags(cflag_map, G_N_ELEMENTS(cflag_map), h->c_cflag, false) | ppc_baud |
                     map_baud((h->c_cflag >> 16) & CBAUD, false) << 16);
    ppc_put32(g + 12, map_flags(lflag_map, G_N_ELEMENTS(lflag_map), h->c_lflag, false));
    for (int i = 0; i < PPC_NCCS; i++) {
        if (cc_map[i] >= 0) {
            g[16 + i] = h->c_cc[cc_map[i]];
        }
    }
    g[16 + PPC_NCCS] = h->c_line;
    /* c_ispeed/c_ospeed: what the kernel reports for the standard codes (BOTHER's own rate is
     * not in the asm-generic struct; TCGETS2 would carry it). */
    unsigned rate = ppc_baud < 16 ? rates[ppc_baud] : 0;
    ppc_put32(g + 36, rate);
    ppc_put32(g + 40, rate);
}

static int64_t termios_int_arg(UserProc *p, int fd, unsigned long hreq, GuestAddr addr, bool in)
{
    uint64_t v = 0;
    if (in && user_read_uint(p, addr, 4, &v) < 0) {
        return -EFAULT;
    }
    int iv = (int)v;
    if (syscall(SYS_ioctl, fd, hreq, &iv) < 0) {
        return user_errno();
    }
    if (!in && user_write_uint(p, addr, 4, (uint32_t)iv) < 0) {
        return -EFAULT;
    }
    return 0;
}

bool ppc_ioctl_termios(UserProc *p, int fd, uint32_t req, GuestAddr addr, int64_t *ret)
{
    uint8_t g[PPC_TERMIOS_SIZE];
    HostKtermios h;

    switch (req) {
    case PPC_TCGETS:
        if (syscall(SYS_ioctl, fd, TCGETS, &h) < 0) {
            *ret = user_errno();
            return true;
        }
        termios_from_host(&h, g);
        *ret = user_copy_to(&p->mem, addr, g, sizeof(g)) < 0 ? -EFAULT : 0;
        return true;
    case PPC_TCSETS:
    case PPC_TCSETSW:
    case PPC_TCSETSF:
        if (user_copy_from(&p->mem, g, addr, sizeof(g)) < 0) {
            *ret = -EFAULT;
            return true;
        }
        termios_to_host(g, &h);
        *ret = user_ret(syscall(SYS_ioctl, fd, req == PPC_TCSETS ? TCSETS : req == PPC_TCSETSW ? TCSETSW : TCSETSF,
                                &h));
        return true;
    case PPC_TCSBRK:
        *ret = user_ret(syscall(SYS_ioctl, fd, TCSBRK, (long)(int32_t)addr));
        return true;
    case PPC_TCXONC:
        *ret = user_ret(syscall(SYS_ioctl, fd, TCXONC, (long)(int32_t)addr));
        return true;
    case PPC_TCFLSH:
        *ret = user_ret(syscall(SYS_ioctl, fd, TCFLSH, (long)(int32_t)addr));
        return true;
    case PPC_TIOCSTART:
    case PPC_TIOCSTOP:
        /* Output start/stop are TCXONC's TCOON/TCOOFF on the host (which has no TIOCSTART). */
        *ret = user_ret(syscall(SYS_ioctl, fd, TCXONC, req == PPC_TIOCSTART ? TCOON : TCOOFF));
        return true;
    case PPC_TIOCOUTQ:
        *ret = termios_int_arg(p, fd, TIOCOUTQ, addr, false);
        return true;
    case PPC_TIOCGPTN:
        *ret = termios_int_arg(p, fd, TIOCGPTN, addr, false);
        return true;
    case PPC_TIOCSPTLCK:
        *ret = termios_int_arg(p, fd, TIOCSPTLCK, addr, true);
        return true;
    case TIOCEXCL:
    case TIOCNXCL:
    case TIOCNOTTY:
    case TIOCVHANGUP:
        /* Numbered alike on both (no size or direction encoded), no argument. */
        *ret = user_ret(syscall(SYS_ioctl, fd, (unsigned long)req));
        return true;
    case TIOCSCTTY:
        *ret = user_ret(syscall(SYS_ioctl, fd, TIOCSCTTY, (long)(int32_t)addr));
        return true;
    case TIOCGSID:
        *ret = termios_int_arg(p, fd, TIOCGSID, addr, false);
        return true;
    default:
        return false;
    }
}
