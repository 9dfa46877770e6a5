/*
 * ELF loading (static, static-pie, dynamic with PT_INTERP) and the initial
 * process stack, following Linux's fs/binfmt_elf.c: load_elf_binary() for the
 * placement of the image and create_elf_tables() for argc/argv/envp/auxv.
 *
 * Files are read whole into memory first and every offset and size is checked
 * against that copy, so a malformed or truncated file becomes a one-line GError,
 * never a host fault.  Segments are copied into anonymous guest mappings rather
 * than mmapped from the file, which keeps the alignment rules simple.
 */
#include <elf.h>
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "platform/linux-user/user_internal.h"

/* The header fields we use, whatever the class and byte order. */
typedef struct ElfHdr {
    unsigned elf_class;
    bool big_endian;
    uint16_t type;
    uint16_t machine;
    uint64_t entry;
    uint64_t phoff;
    uint16_t phentsize;
    uint16_t phnum;
} ElfHdr;

typedef struct ElfPhdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
} ElfPhdr;

static uint64_t rd(const uint8_t *p, unsigned size, bool be)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = be ? 8 * (size - 1 - i) : 8 * i;
        v |= (uint64_t)p[i] << shift;
    }
    return v;
}

static bool parse_header(const char *name, const uint8_t *data, size_t len, ElfHdr *h,
                         GError **error)
{
    if (len < SELFMAG || memcmp(data, ELFMAG, SELFMAG) != 0) {
        g_set_error(error, USER_ERROR, 0, "'%s': not an ELF file", name);
        return false;
    }
    if (len < EI_NIDENT) {
        g_set_error(error, USER_ERROR, 0, "'%s': truncated ELF header", name);
        return false;
    }
    h->elf_class = data[EI_CLASS];
    if (h->elf_class != ELFCLASS32 && h->elf_class != ELFCLASS64) {
        g_set_error(error, USER_ERROR, 0, "'%s': invalid ELF class %u", name, h->elf_class);
        return false;
    }
    if (data[EI_DATA] != ELFDATA2LSB && data[EI_DATA] != ELFDATA2MSB) {
        g_set_error(error, USER_ERROR, 0, "'%s': invalid ELF byte order %u", name, data[EI_DATA]);
        return false;
    }
    h->big_endian = data[EI_DATA] == ELFDATA2MSB;
    bool is64 = h->elf_class == ELFCLASS64;
    size_t ehsize = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
    if (len < ehsize) {
        g_set_error(error, USER_ERROR, 0, "'%s': truncated ELF", name);
        return false;
    }
    bool be = h->big_endian;
    unsigned w = is64 ? 8 : 4;
    h->type = rd(data + 16, 2, be);
    h->machine = rd(data + 18, 2, be);
    h->entry = rd(data + 24, w, be);
    h->phoff = rd(data + 24 + w, w, be);
    /* e_shoff (w), e_flags (4), e_ehsize (2), then e_phentsize and e_phnum. */
    size_t off = 24 + 3 * w + 4 + 2;
    h->phentsize = rd(data + off, 2, be);
    h->phnum = rd(data + off + 2, 2, be);
    return true;
}

bool user_elf_identify(const char *name, const uint8_t *data, size_t len, uint16_t *machine,
                       unsigned *elf_class, GError **error)
{
    ElfHdr h;
    if (!parse_header(name, data, len, &h, error)) {
        return false;
    }
    *machine = h.machine;
    *elf_class = h.elf_class;
    return true;
}

static void read_phdr(const uint8_t *p, const ElfHdr *h, ElfPhdr *ph)
{
    bool be = h->big_endian;
    if (h->elf_class == ELFCLASS64) {
        ph->type = rd(p + 0, 4, be);
        ph->flags = rd(p + 4, 4, be);
        ph->offset = rd(p + 8, 8, be);
        ph->vaddr = rd(p + 16, 8, be);
        ph->filesz = rd(p + 32, 8, be);
        ph->memsz = rd(p + 40, 8, be);
        ph->align = rd(p + 48, 8, be);
    } else {
        ph->type = rd(p + 0, 4, be);
        ph->offset = rd(p + 4, 4, be);
        ph->vaddr = rd(p + 8, 4, be);
        ph->filesz = rd(p + 16, 4, be);
        ph->memsz = rd(p + 20, 4, be);
        ph->flags = rd(p + 24, 4, be);
        ph->align = rd(p + 28, 4, be);
    }
}

static int elf_prot(uint32_t pflags)
{
    return ((pflags & PF_R) ? PROT_READ : 0) | ((pflags & PF_W) ? PROT_WRITE : 0) |
           ((pflags & PF_X) ? PROT_EXEC : 0);
}

bool user_elf_load(UserMem *m, const UserArchAbi *abi, const char *name, const uint8_t *data,
                   size_t len, bool is_interp, UserElfImage *img, GError **error)
{
    ElfHdr h;
    memset(img, 0, sizeof(*img));
    if (!parse_header(name, data, len, &h, error)) {
        return false;
    }
    if (h.machine != abi->elf_machine) {
        g_set_error(error, USER_ERROR, 0, "'%s': ELF for %s (machine %u), expected %s", name,
                    guest_elf_machine_name(h.machine), h.machine, abi->name);
        return false;
    }
    unsigned want_class = abi->word_size == 8 ? ELFCLASS64 : ELFCLASS32;
    if (h.elf_class != want_class) {
        g_set_error(error, USER_ERROR, 0, "'%s': %u-bit ELF, but %s is %u-bit", name,
                    h.elf_class == ELFCLASS64 ? 64 : 32, abi->name, abi->word_size * 8);
        return false;
    }
    if (h.big_endian != abi->arch->big_endian) {
        g_set_error(error, USER_ERROR, 0, "'%s': %s-endian %s ELF, but %s is %s-endian", name,
                    h.big_endian ? "big" : "little", guest_elf_machine_name(h.machine), abi->name,
                    abi->arch->big_endian ? "big" : "little");
        return false;
    }
    if (h.type != ET_EXEC && h.type != ET_DYN) {
        g_set_error(error, USER_ERROR, 0, "'%s': not an executable (ELF type %u)", name, h.type);
        return false;
    }
    size_t phsize = h.elf_class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if (h.phentsize != phsize || h.phnum == 0 || h.phnum > 512) {
        g_set_error(error, USER_ERROR, 0, "'%s': bad program header table (%u entries of %u bytes)",
                    name, h.phnum, h.phentsize);
        return false;
    }
    if (h.phoff > len || (uint64_t)h.phnum * phsize > len - h.phoff) {
        g_set_error(error, USER_ERROR, 0, "'%s': truncated ELF", name);
        return false;
    }

    g_autofree ElfPhdr *ph = g_new0(ElfPhdr, h.phnum);
    uint64_t lo = UINT64_MAX, hi = 0, max_align = USER_PAGE_SIZE;
    bool have_load = false;
    for (unsigned i = 0; i < h.phnum; i++) {
        read_phdr(data + h.phoff + (uint64_t)i * phsize, &h, &ph[i]);
        const ElfPhdr *p = &ph[i];
        if (p->type == PT_INTERP) {
            if (is_interp) {
                g_set_error(error, USER_ERROR, 0, "'%s': the interpreter has an interpreter", name);
                return false;
            }
            if (p->offset > len || p->filesz > len - p->offset || p->filesz < 2 ||
                p->filesz > 4096 || data[p->offset + p->filesz - 1] != 0) {
                g_set_error(error, USER_ERROR, 0, "'%s': bad PT_INTERP", name);
                return false;
            }
            g_free(img->interp);
            img->interp = g_strndup((const char *)data + p->offset, p->filesz);
        }
        if (p->type == PT_GNU_STACK) {
            /* load_elf_binary(): the program's PT_GNU_STACK decides; without one, no exec. */
            img->exec_stack = (p->flags & PF_X) != 0;
        }
        if (p->type != PT_LOAD || p->memsz == 0) {
            continue;
        }
        if (p->offset > len || p->filesz > len - p->offset) {
            g_set_error(error, USER_ERROR, 0, "'%s': segment %u lies beyond the end of the file "
                        "(truncated ELF)", name, i);
            goto fail;
        }
        if (p->filesz > p->memsz || p->vaddr + p->memsz < p->vaddr ||
            p->vaddr + p->memsz > m->size) {
            g_set_error(error, USER_ERROR, 0, "'%s': segment %u has a bad size or address", name, i);
            goto fail;
        }
        if (p->align > max_align && p->align <= (1u << 30) && (p->align & (p->align - 1)) == 0) {
            max_align = p->align;
        }
        lo = MIN(lo, p->vaddr & USER_PAGE_MASK);
        hi = MAX(hi, USER_PAGE_ALIGN(p->vaddr + p->memsz));
        have_load = true;
    }
    if (!have_load) {
        g_set_error(error, USER_ERROR, 0, "'%s': no loadable segment", name);
        goto fail;
    }

    /* Where the image goes: bias is added to every p_vaddr. */
    uint64_t span = hi - lo;
    GuestAddr bias = 0;
    if (h.type == ET_DYN) {
        GuestAddr at;
        if (is_interp) {
            at = user_mem_find_free(m, span, 0, max_align);
            if (at == 0) {
                g_set_error(error, USER_ERROR, 0, "'%s': no room for the interpreter", name);
                goto fail;
            }
        } else {
            at = (abi->et_dyn_base + max_align - 1) & ~(max_align - 1);
        }
        bias = at - lo;
    }
    if (!user_mem_in_range(m, lo + bias, span) || lo + bias < USER_PAGE_SIZE ||
        !user_mem_is_free(m, lo + bias, span)) {
        g_set_error(error, USER_ERROR, 0, "'%s': segments at 0x%" G_GINT64_MODIFIER "x..0x%"
                    G_GINT64_MODIFIER "x do not fit the guest address space", name, lo + bias,
                    hi + bias);
        goto fail;
    }

    const char *vma_name = g_intern_string(name);
    for (unsigned i = 0; i < h.phnum; i++) {
        const ElfPhdr *p = &ph[i];
        if (p->type != PT_LOAD || p->memsz == 0) {
            continue;
        }
        GuestAddr start = (p->vaddr + bias) & USER_PAGE_MASK;
        GuestAddr end = USER_PAGE_ALIGN(p->vaddr + bias + p->memsz);
        /*
         * Segments may share a page at their edges (text end / data start): map only
         * the part not already mapped, and let both prots apply to the shared page.
         */
        int prot = elf_prot(p->flags);
        for (GuestAddr pg = start; pg < end; pg += USER_PAGE_SIZE) {
            const UserVma *v = user_mem_find(m, pg);
            if (v) {
                user_mem_protect(m, pg, USER_PAGE_SIZE, v->prot | prot | PROT_WRITE);
            } else {
                int r = user_mem_map(m, pg, USER_PAGE_SIZE, prot | PROT_WRITE, 0,
                                     MAP_PRIVATE, -1, 0, vma_name);
                if (r < 0) {
                    g_set_error(error, USER_ERROR, 0, "'%s': cannot map segment %u: %s", name, i,
                                g_strerror(-r));
                    goto fail;
                }
            }
        }
        memcpy(user_g2h(m, p->vaddr + bias), data + p->offset, p->filesz);
        if (p->vaddr + bias + p->memsz > img->end) {
            img->end = p->vaddr + bias + p->memsz;
        }
    }
    /* Final protections, now that the contents are in place. */
    for (unsigned i = 0; i < h.phnum; i++) {
        const ElfPhdr *p = &ph[i];
        if (p->type != PT_LOAD || p->memsz == 0) {
            continue;
        }
        GuestAddr start = (p->vaddr + bias) & USER_PAGE_MASK;
        GuestAddr end = USER_PAGE_ALIGN(p->vaddr + bias + p->memsz);
        int prot = elf_prot(p->flags);
        for (GuestAddr pg = start; pg < end; pg += USER_PAGE_SIZE) {
            /* A page shared with another segment keeps the union of both. */
            int shared = 0;
            for (unsigned j = 0; j < h.phnum; j++) {
                const ElfPhdr *q = &ph[j];
                if (j != i && q->type == PT_LOAD && q->memsz &&
                    ((q->vaddr + bias) & USER_PAGE_MASK) <= pg &&
                    USER_PAGE_ALIGN(q->vaddr + bias + q->memsz) > pg) {
                    shared |= elf_prot(q->flags);
                }
            }
            user_mem_protect(m, pg, USER_PAGE_SIZE, prot | shared);
        }
    }

    img->load_bias = bias;
    img->entry = h.entry + bias;
    img->phent = h.phentsize;
    img->phnum = h.phnum;
    /* AT_PHDR: the PT_PHDR segment, else the headers inside the first segment's file image. */
    img->phdr = 0;
    for (unsigned i = 0; i < h.phnum; i++) {
        if (ph[i].type == PT_PHDR) {
            img->phdr = ph[i].vaddr + bias;
        }
    }
    if (img->phdr == 0) {
        for (unsigned i = 0; i < h.phnum; i++) {
            if (ph[i].type == PT_LOAD && ph[i].offset <= h.phoff &&
                h.phoff + (uint64_t)h.phnum * phsize <= ph[i].offset + ph[i].filesz) {
                img->phdr = ph[i].vaddr + bias + (h.phoff - ph[i].offset);
                break;
            }
        }
    }
    return true;

fail:
    g_clear_pointer(&img->interp, g_free);
    return false;
}

/* --- The initial stack --- */

typedef struct StackWriter {
    UserMem *m;
    unsigned word;
    bool be;
} StackWriter;

static void put_word(StackWriter *w, GuestAddr at, uint64_t v)
{
    uint8_t *p = user_g2h(w->m, at);
    for (unsigned i = 0; i < w->word; i++) {
        unsigned shift = w->be ? 8 * (w->word - 1 - i) : 8 * i;
        p[i] = v >> shift;
    }
}

/* Copy a string just below *top; returns its guest address. */
static GuestAddr push_string(StackWriter *w, GuestAddr *top, const char *s)
{
    size_t n = strlen(s) + 1;
    *top -= n;
    memcpy(user_g2h(w->m, *top), s, n);
    return *top;
}

GuestAddr user_stack_setup(UserMem *m, const UserArchAbi *abi, int argc, char **argv, char **envp,
                           const UserStackInfo *info, GError **error)
{
    GuestAddr top = abi->stack_top;
    GuestAddr bottom = top - abi->stack_size;
    int prot = PROT_READ | PROT_WRITE | (info->exe->exec_stack ? PROT_EXEC : 0);
    int r = user_mem_map(m, bottom, abi->stack_size, prot,
                         USER_VMA_STACK | USER_VMA_ANON, MAP_PRIVATE | MAP_NORESERVE, -1, 0,
                         "[stack]");
    if (r < 0) {
        g_set_error(error, USER_ERROR, 0, "cannot map the guest stack: %s", g_strerror(-r));
        return 0;
    }
    int envc = 0;
    while (envp && envp[envc]) {
        envc++;
    }
    /* Strings must leave room for the tables; Linux allows a quarter of the stack. */
    size_t strings = strlen(info->execfn) + 1;
    for (int i = 0; i < argc; i++) {
        strings += strlen(argv[i]) + 1;
    }
    for (int i = 0; i < envc; i++) {
        strings += strlen(envp[i]) + 1;
    }
    if (strings + (argc + envc + 64) * 16 > abi->stack_size / 4) {
        g_set_error(error, USER_ERROR, 0, "argument list too long");
        return 0;
    }

    StackWriter w = { .m = m, .word = abi->arch->word_size, .be = abi->arch->big_endian };
    unsigned word = w.word;

    /* Like bprm: a NULL word at the very top, then execfn, envp and argv strings. */
    GuestAddr p = top - word;
    put_word(&w, p, 0);
    GuestAddr execfn = push_string(&w, &p, info->execfn);
    g_autofree GuestAddr *env_addr = g_new0(GuestAddr, envc + 1);
    g_autofree GuestAddr *arg_addr = g_new0(GuestAddr, argc + 1);
    for (int i = envc - 1; i >= 0; i--) {
        env_addr[i] = push_string(&w, &p, envp[i]);
    }
    for (int i = argc - 1; i >= 0; i--) {
        arg_addr[i] = push_string(&w, &p, argv[i]);
    }

    /* create_elf_tables(): align, platform string, 16 random bytes. */
    p &= ~(GuestAddr)15;
    GuestAddr platform = 0;
    if (abi->platform) {
        platform = push_string(&w, &p, abi->platform);
    }
    p -= 16;
    GuestAddr random = p;
    memcpy(user_g2h(m, random), info->random16, 16);

    uint64_t auxv[2 * 40];
    unsigned na = 0;
#define AUX(type, val) do { auxv[na++] = (type); auxv[na++] = (val); } while (0)
    /* ARCH_DLINFO comes first (arch/powerpc/include/asm/elf.h puts the cache sizes there). */
    g_assert(abi->n_auxv_arch <= 8);
    for (unsigned i = 0; i < abi->n_auxv_arch; i++) {
        AUX(abi->auxv_arch[2 * i], abi->auxv_arch[2 * i + 1]);
    }
    AUX(AT_HWCAP, abi->hwcap_fn ? abi->hwcap_fn() : abi->hwcap);
    AUX(AT_PAGESZ, USER_PAGE_SIZE);
    AUX(AT_CLKTCK, 100);
    AUX(AT_PHDR, info->exe->phdr);
    AUX(AT_PHENT, info->exe->phent);
    AUX(AT_PHNUM, info->exe->phnum);
    AUX(AT_BASE, info->interp_base);
    AUX(AT_FLAGS, 0);
    AUX(AT_ENTRY, info->exe->entry);
    AUX(AT_UID, info->uid);
    AUX(AT_EUID, info->euid);
    AUX(AT_GID, info->gid);
    AUX(AT_EGID, info->egid);
    AUX(AT_SECURE, info->secure);
    AUX(AT_RANDOM, random);
    if (abi->hwcap2) {
        AUX(AT_HWCAP2, abi->hwcap2);
    }
    AUX(AT_EXECFN, execfn);
    if (platform) {
        AUX(AT_PLATFORM, platform);
    }
    AUX(AT_NULL, 0);
#undef AUX

    /* argc, argv[], NULL, envp[], NULL, auxv pairs; sp 16-byte aligned. */
    uint64_t items = 1 + (argc + 1) + (envc + 1) + na;
    GuestAddr sp = (p - items * word) & ~(GuestAddr)15;
    GuestAddr q = sp;
    put_word(&w, q, argc);
    q += word;
    for (int i = 0; i < argc; i++, q += word) {
        put_word(&w, q, arg_addr[i]);
    }
    put_word(&w, q, 0);
    q += word;
    for (int i = 0; i < envc; i++, q += word) {
        put_word(&w, q, env_addr[i]);
    }
    put_word(&w, q, 0);
    q += word;
    for (unsigned i = 0; i < na; i++, q += word) {
        put_word(&w, q, auxv[i]);
    }
    return sp;
}
