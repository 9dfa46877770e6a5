/*
 * Guest symbols for traces: function names on insn lines (<main+0x10>), and symbol
 * names in --trace-range and --trace-watch.
 *
 * The platform hands over every ELF image it learns about (the program, its
 * interpreter, and in linux-user every file the guest maps with PROT_EXEC, which is
 * how ld.so loads libraries) with its load bias; we keep the FUNC and OBJECT symbols
 * of .symtab (or .dynsym when the file is stripped) as guest addresses.  Only traced
 * code asks, and only when a traced block is translated (the text is cached in the
 * block), so a plain sorted array and a mutex are enough.
 *
 * Follows the ELF gABI (symbol table, section headers); ELF64 and ELF32, either byte order.
 */
#include <string.h>

#include "exec/exec.h"

typedef struct ExecSym {
    GuestAddr addr;
    uint64_t size;
    const char *name;           /* in the image's string copy */
    bool func;
} ExecSym;

typedef struct ExecSymImage {
    char *path;
    const char *base_name;      /* "libc.so.6" */
    GuestAddr bias;
    GArray *syms;               /* ExecSym sorted by addr */
    char *strings;              /* copy of the string table the names point into */
} ExecSymImage;

static GMutex sym_lock;
static GPtrArray *sym_images;   /* ExecSymImage */

/* --- Reading the ELF file (bounds-checked: the file is the guest's) --- */

typedef struct ElfReader {
    const uint8_t *data;
    size_t len;
    bool is64, be;
} ElfReader;

static uint64_t rd(const ElfReader *r, size_t off, unsigned size)
{
    uint64_t v = 0;

    if (off > r->len || size > r->len - off) {
        return 0;
    }
    for (unsigned i = 0; i < size; i++) {
        unsigned shift = r->be ? 8 * (size - 1 - i) : 8 * i;
        v |= (uint64_t)r->data[off + i] << shift;
    }
    return v;
}

static int cmp_sym(const void *a, const void *b)
{
    const ExecSym *x = a, *y = b;
    if (x->addr != y->addr) {
        return x->addr < y->addr ? -1 : 1;
    }
    /* At one address, functions first, then the larger (the real one, not an alias label). */
    if (x->func != y->func) {
        return x->func ? -1 : 1;
    }
    if (x->size != y->size) {
        return x->size > y->size ? -1 : 1;
    }
    /* Aliases (puts, _IO_puts): the public name, without leading underscores, first. */
    return (x->name[0] == '_') - (y->name[0] == '_');
}

/* Symbols of section type `want` (SHT_SYMTAB 2 / SHT_DYNSYM 11); false if there is none. */
static bool read_symtab(const ElfReader *r, unsigned want, GuestAddr bias, ExecSymImage *img)
{
    uint64_t shoff = rd(r, r->is64 ? 0x28 : 0x20, r->is64 ? 8 : 4);
    unsigned shentsize = (unsigned)rd(r, r->is64 ? 0x3a : 0x2e, 2);
    unsigned shnum = (unsigned)rd(r, r->is64 ? 0x3c : 0x30, 2);

    if (shoff == 0 || shentsize == 0) {
        return false;
    }
    for (unsigned i = 0; i < shnum; i++) {
        size_t sh = shoff + (size_t)i * shentsize;
        if (rd(r, sh + 4, 4) != want) {
            continue;
        }
        unsigned w = r->is64 ? 8 : 4;
        uint64_t off = rd(r, sh + (r->is64 ? 0x18 : 0x10), w);
        uint64_t size = rd(r, sh + (r->is64 ? 0x20 : 0x14), w);
        unsigned link = (unsigned)rd(r, sh + (r->is64 ? 0x28 : 0x18), 4);
        uint64_t entsize = rd(r, sh + (r->is64 ? 0x38 : 0x24), w);
        size_t strsh = shoff + (size_t)link * shentsize;
        uint64_t stroff = rd(r, strsh + (r->is64 ? 0x18 : 0x10), w);
        uint64_t strsize = rd(r, strsh + (r->is64 ? 0x20 : 0x14), w);

        if (link >= shnum || entsize == 0 || off > r->len || size > r->len - off || stroff > r->len ||
            strsize > r->len - stroff || strsize == 0) {
            return false;
        }
        img->strings = g_malloc(strsize + 1);
        memcpy(img->strings, r->data + stroff, strsize);
        img->strings[strsize] = '\0';
        for (uint64_t e = off; e + entsize <= off + size; e += entsize) {
            uint32_t name = (uint32_t)rd(r, e, 4);
            unsigned info = (unsigned)rd(r, e + (r->is64 ? 4 : 12), 1);
            unsigned shndx = (unsigned)rd(r, e + (r->is64 ? 6 : 14), 2);
            uint64_t value = rd(r, e + (r->is64 ? 8 : 4), w);
            uint64_t ssize = rd(r, e + (r->is64 ? 16 : 8), w);
            unsigned type = info & 15;
            /* STT_OBJECT 1, STT_FUNC 2, STT_GNU_IFUNC 10; defined only. */
            if ((type != 1 && type != 2 && type != 10) || shndx == 0 || name == 0 || name >= strsize) {
                continue;
            }
            ExecSym s = {
                .addr = value + bias, .size = ssize, .name = img->strings + name, .func = type != 1,
            };
            g_array_append_val(img->syms, s);
        }
        return true;
    }
    return false;
}

bool exec_sym_have_image(const char *path, GuestAddr bias)
{
    bool found = false;

    g_mutex_lock(&sym_lock);
    for (guint i = 0; sym_images != NULL && i < sym_images->len; i++) {
        ExecSymImage *img = g_ptr_array_index(sym_images, i);
        if (img->bias == bias && strcmp(img->path, path) == 0) {
            found = true;
        }
    }
    g_mutex_unlock(&sym_lock);
    return found;
}

void exec_sym_add_image(ExecCtx *x, const char *path, const uint8_t *data, size_t len, GuestAddr bias)
{
    ElfReader r = { .data = data, .len = len };

    if (len < 0x34 || memcmp(data, "\177ELF", 4) != 0 || exec_sym_have_image(path, bias)) {
        return;
    }
    r.is64 = data[4] == 2;
    r.be = data[5] == 2;
    if (r.is64 && len < 0x40) {
        return;
    }
    ExecSymImage *img = g_new0(ExecSymImage, 1);
    img->path = g_strdup(path);
    img->base_name = strrchr(img->path, '/') ? strrchr(img->path, '/') + 1 : img->path;
    img->bias = bias;
    img->syms = g_array_new(FALSE, FALSE, sizeof(ExecSym));
    if (!read_symtab(&r, 2, bias, img)) {
        g_array_set_size(img->syms, 0);
        g_free(img->strings);
        img->strings = NULL;
        read_symtab(&r, 11, bias, img);
    }
    g_array_sort(img->syms, cmp_sym);
    g_mutex_lock(&sym_lock);
    if (sym_images == NULL) {
        sym_images = g_ptr_array_new();
    }
    g_ptr_array_add(sym_images, img);
    g_mutex_unlock(&sym_lock);
    if (x != NULL) {
        exec_trace_resolve(x);
    }
}

/* The last function symbol at or below pc in one image that contains pc (size 0: up to the next). */
static const ExecSym *image_lookup(const ExecSymImage *img, GuestAddr pc)
{
    const ExecSym *syms = (const ExecSym *)img->syms->data;
    guint lo = 0, hi = img->syms->len;

    while (lo < hi) {
        guint mid = (lo + hi) / 2;
        if (syms[mid].addr <= pc) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    /* lo: first symbol above pc.  Walk down to the nearest function that may hold pc. */
    for (guint i = lo; i > 0; i--) {
        const ExecSym *s = &syms[i - 1];
        if (!s->func) {
            continue;
        }
        if (s->size == 0 || pc < s->addr + s->size) {
            /* The preferred alias sorts first among those at this address. */
            while (s > syms && s[-1].addr == s->addr && s[-1].func) {
                s--;
            }
            return s;
        }
        /* Nested or aliased symbols share an address: try the one before only if equal. */
        if (i >= 2 && syms[i - 2].addr == s->addr) {
            continue;
        }
        return NULL;
    }
    return NULL;
}

bool exec_sym_lookup(GuestAddr pc, const char **name, uint64_t *off)
{
    const ExecSym *best = NULL;

    /* At death another thread may hold the lock for good: do without the name then. */
    if (exec_trace_dying) {
        if (!g_mutex_trylock(&sym_lock)) {
            return false;
        }
    } else {
        g_mutex_lock(&sym_lock);
    }
    for (guint i = 0; sym_images != NULL && i < sym_images->len; i++) {
        const ExecSym *s = image_lookup(g_ptr_array_index(sym_images, i), pc);
        if (s != NULL && (best == NULL || s->addr > best->addr)) {
            best = s;
        }
    }
    g_mutex_unlock(&sym_lock);
    if (best == NULL) {
        return false;
    }
    *name = best->name;
    *off = pc - best->addr;
    return true;
}

bool exec_sym_find(const char *lib, const char *name, GuestAddr *addr, uint64_t *size)
{
    bool found = false;

    g_mutex_lock(&sym_lock);
    for (guint i = 0; !found && sym_images != NULL && i < sym_images->len; i++) {
        ExecSymImage *img = g_ptr_array_index(sym_images, i);
        if (lib != NULL && strcmp(img->base_name, lib) != 0) {
            continue;
        }
        for (guint k = 0; k < img->syms->len; k++) {
            const ExecSym *s = &g_array_index(img->syms, ExecSym, k);
            if (strcmp(s->name, name) == 0) {
                *addr = s->addr;
                *size = s->size;
                found = true;
                break;
            }
        }
    }
    g_mutex_unlock(&sym_lock);
    return found;
}
