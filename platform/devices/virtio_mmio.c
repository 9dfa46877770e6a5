/*
 * platform/devices/virtio_mmio.c -- virtio over MMIO, version 2 (virtio 1.1 §4.2), and
 * split virtqueues (§2.6).
 *
 * The register block of §4.2.2; a slot with no backend answers magic, version and
 * device id 0 ("no device", §4.2.3.1.1) as QEMU's empty virt slots do. Feature
 * negotiation offers VIRTIO_F_VERSION_1 (required for a version-2 transport) and
 * indirect descriptors on top of the backend's bits; FEATURES_OK is refused when the
 * driver did not take VERSION_1 (§3.1.1). Queue notifications run the backend at
 * once, on the notifying hart's thread, with the device lock held. A malformed chain
 * (loop, bad indirect table, unmapped ring) sets DEVICE_NEEDS_RESET (§2.1.2) and the
 * queue stops until the driver resets the device.
 */
#include "platform/devices/virtio.h"

#include <string.h>

#include "platform/boards/board.h"

#define VIRTIO_MMIO_MAGIC 0x74726976        /* "virt" */
#define VIRTIO_MMIO_VENDOR 0x554d4551       /* "QEMU", as QEMU's transport reports */

enum {
    VM_MAGIC = 0x000,
    VM_VERSION = 0x004,
    VM_DEVICE_ID = 0x008,
    VM_VENDOR_ID = 0x00c,
    VM_DEVICE_FEATURES = 0x010,
    VM_DEVICE_FEATURES_SEL = 0x014,
    VM_DRIVER_FEATURES = 0x020,
    VM_DRIVER_FEATURES_SEL = 0x024,
    VM_QUEUE_SEL = 0x030,
    VM_QUEUE_NUM_MAX = 0x034,
    VM_QUEUE_NUM = 0x038,
    VM_QUEUE_READY = 0x044,
    VM_QUEUE_NOTIFY = 0x050,
    VM_INTERRUPT_STATUS = 0x060,
    VM_INTERRUPT_ACK = 0x064,
    VM_STATUS = 0x070,
    VM_QUEUE_DESC_LOW = 0x080,
    VM_QUEUE_DESC_HIGH = 0x084,
    VM_QUEUE_DRIVER_LOW = 0x090,
    VM_QUEUE_DRIVER_HIGH = 0x094,
    VM_QUEUE_DEVICE_LOW = 0x0a0,
    VM_QUEUE_DEVICE_HIGH = 0x0a4,
    VM_CONFIG_GENERATION = 0x0fc,
    VM_CONFIG = 0x100,
};

#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_DESC_F_INDIRECT 4
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1

#define VIRTIO_INT_USED 1

typedef struct VirtQueue {
    uint32_t num;
    bool ready;
    uint64_t desc;
    uint64_t driver;            /* avail ring */
    uint64_t device;            /* used ring */
    uint16_t last_avail;
    uint16_t used_idx;
} VirtQueue;

struct VirtioMmio {
    Device dev;
    MemRegion mmio;
    GMutex lock;
    IrqLine irq;
    AddressSpace *as;
    VirtioBackend *be;
    uint32_t dev_features_sel;
    uint32_t drv_features_sel;
    uint64_t drv_features;
    uint32_t queue_sel;
    uint32_t status;
    uint32_t isr;
    uint32_t config_generation;
    VirtQueue *queues;
    unsigned nr_queues;
};

static uint64_t virtio_mmio_features(const VirtioMmio *vm)
{
    return vm->be->features | (UINT64_C(1) << VIRTIO_F_VERSION_1) |
           (UINT64_C(1) << VIRTIO_F_RING_INDIRECT_DESC);
}

static void virtio_mmio_update_irq(VirtioMmio *vm)
{
    dev_irq_set(&vm->irq, vm->isr != 0);
}

static void virtio_mmio_broken(VirtioMmio *vm)
{
    vm->status |= VIRTIO_STATUS_NEEDS_RESET;
    vm->isr |= 2;               /* configuration change notifies the driver (§4.2.2) */
    virtio_mmio_update_irq(vm);
}

/* --- Guest memory, little-endian ring fields --- */

static bool vq_load(VirtioMmio *vm, uint64_t addr, unsigned size, uint64_t *v)
{
    uint8_t b[8];
    if (mem_as_rw_bytes(vm->as, addr, b, size, false) != MEM_OK) {
        return false;
    }
    *v = mem_ldn(b, size, MEM_LITTLE_ENDIAN);
    return true;
}

static bool vq_store(VirtioMmio *vm, uint64_t addr, unsigned size, uint64_t v)
{
    uint8_t b[8];
    mem_stn(b, size, MEM_LITTLE_ENDIAN, v);
    return mem_as_rw_bytes(vm->as, addr, b, size, true) == MEM_OK;
}

typedef struct VirtqDesc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
} VirtqDesc;

static bool vq_desc(VirtioMmio *vm, uint64_t table, unsigned i, VirtqDesc *d)
{
    uint8_t b[16];
    if (mem_as_rw_bytes(vm->as, table + 16u * i, b, 16, false) != MEM_OK) {
        return false;
    }
    d->addr = mem_ldn(b, 8, MEM_LITTLE_ENDIAN);
    d->len = (uint32_t)mem_ldn(b + 8, 4, MEM_LITTLE_ENDIAN);
    d->flags = (uint16_t)mem_ldn(b + 12, 2, MEM_LITTLE_ENDIAN);
    d->next = (uint16_t)mem_ldn(b + 14, 2, MEM_LITTLE_ENDIAN);
    return true;
}

static bool virtio_req_add(VirtioReq *req, const VirtqDesc *d, unsigned limit)
{
    if (req->nr_out + req->nr_in >= limit) {
        return false;           /* longer than any loop-free chain can be */
    }
    VirtioSeg seg = { .addr = d->addr, .len = d->len };
    if (d->flags & VIRTQ_DESC_F_WRITE) {
        req->in = g_renew(VirtioSeg, req->in, req->nr_in + 1);
        req->in[req->nr_in++] = seg;
        req->in_len += d->len;
    } else {
        if (req->nr_in) {
            return false;       /* §2.6.4.2: readable descriptors come first */
        }
        req->out = g_renew(VirtioSeg, req->out, req->nr_out + 1);
        req->out[req->nr_out++] = seg;
        req->out_len += d->len;
    }
    return true;
}

void virtio_req_free(VirtioReq *req)
{
    g_free(req->out);
    g_free(req->in);
    memset(req, 0, sizeof(*req));
}

/* Walks one chain from `head`, following one level of indirect table (§2.6.5.3). */
static bool virtio_walk(VirtioMmio *vm, VirtQueue *q, uint16_t head, VirtioReq *req)
{
    uint64_t table = q->desc;
    unsigned table_len = q->num;
    unsigned i = head;
    bool indirect = false;
    for (;;) {
        VirtqDesc d;
        if (i >= table_len || !vq_desc(vm, table, i, &d)) {
            return false;
        }
        if (d.flags & VIRTQ_DESC_F_INDIRECT) {
            /* Only at the top level, only with the feature, a whole number of entries,
             * and without NEXT (§2.6.5.3.1); at most 1024 entries, QEMU's limit. */
            if (indirect || (d.flags & VIRTQ_DESC_F_NEXT) || d.len == 0 || d.len % 16 ||
                d.len / 16 > VIRTIO_QUEUE_MAX ||
                !(vm->drv_features & (UINT64_C(1) << VIRTIO_F_RING_INDIRECT_DESC))) {
                return false;
            }
            indirect = true;
            table = d.addr;
            table_len = d.len / 16;
            i = 0;
            continue;
        }
        /* A loop-free chain visits each descriptor of its table at most once. */
        if (!virtio_req_add(req, &d, indirect ? table_len + q->num : q->num)) {
            return false;
        }
        if (!(d.flags & VIRTQ_DESC_F_NEXT)) {
            return true;
        }
        i = d.next;
    }
}

bool virtio_pop(VirtioMmio *vm, unsigned queue, VirtioReq *req)
{
    memset(req, 0, sizeof(*req));
    if (queue >= vm->nr_queues || (vm->status & VIRTIO_STATUS_NEEDS_RESET)) {
        return false;
    }
    VirtQueue *q = &vm->queues[queue];
    uint64_t avail_idx;
    if (!q->ready || !vq_load(vm, q->driver + 2, 2, &avail_idx)) {
        return false;
    }
    if ((uint16_t)avail_idx == q->last_avail) {
        return false;
    }
    /* The ring entry must be read after the index that published it. */
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    uint64_t head;
    if (!vq_load(vm, q->driver + 4 + 2u * (q->last_avail % q->num), 2, &head) ||
        head >= q->num) {
        virtio_mmio_broken(vm);
        return false;
    }
    q->last_avail++;
    req->head = (uint16_t)head;
    if (!virtio_walk(vm, q, req->head, req)) {
        virtio_req_free(req);
        virtio_mmio_broken(vm);
        return false;
    }
    return true;
}

static uint64_t virtio_req_copy(VirtioMmio *vm, VirtioSeg *segs, unsigned n, uint64_t offset,
                                uint8_t *buf, uint64_t len, bool is_write)
{
    uint64_t done = 0;
    for (unsigned i = 0; i < n && done < len; i++) {
        if (offset >= segs[i].len) {
            offset -= segs[i].len;
            continue;
        }
        uint64_t chunk = MIN(segs[i].len - offset, len - done);
        if (mem_as_rw_bytes(vm->as, segs[i].addr + offset, buf + done, chunk, is_write) !=
            MEM_OK) {
            break;
        }
        done += chunk;
        offset = 0;
    }
    return done;
}

uint64_t virtio_req_read(VirtioMmio *vm, const VirtioReq *req, uint64_t offset, void *buf,
                         uint64_t len)
{
    return virtio_req_copy(vm, req->out, req->nr_out, offset, buf, len, false);
}

uint64_t virtio_req_write(VirtioMmio *vm, const VirtioReq *req, uint64_t offset,
                          const void *buf, uint64_t len)
{
    return virtio_req_copy(vm, req->in, req->nr_in, offset, (uint8_t *)buf, len, true);
}

void virtio_push(VirtioMmio *vm, unsigned queue, const VirtioReq *req, uint32_t written)
{
    VirtQueue *q = &vm->queues[queue];
    uint64_t elem = q->device + 4 + 8u * (q->used_idx % q->num);
    if (!vq_store(vm, elem, 4, req->head) || !vq_store(vm, elem + 4, 4, written)) {
        virtio_mmio_broken(vm);
        return;
    }
    /* The element must be visible before the index that publishes it (§2.6.8.2). */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    q->used_idx++;
    if (!vq_store(vm, q->device + 2, 2, q->used_idx)) {
        virtio_mmio_broken(vm);
    }
}

void virtio_notify(VirtioMmio *vm, unsigned queue)
{
    VirtQueue *q = &vm->queues[queue];
    uint64_t flags = 0;
    vq_load(vm, q->driver, 2, &flags);
    if (flags & VIRTQ_AVAIL_F_NO_INTERRUPT) {
        return;
    }
    vm->isr |= VIRTIO_INT_USED;
    virtio_mmio_update_irq(vm);
}

/* --- Registers --- */

static void virtio_mmio_reset_locked(VirtioMmio *vm)
{
    vm->dev_features_sel = 0;
    vm->drv_features_sel = 0;
    vm->drv_features = 0;
    vm->queue_sel = 0;
    vm->status = 0;
    vm->isr = 0;
    if (vm->queues) {
        memset(vm->queues, 0, vm->nr_queues * sizeof(VirtQueue));
    }
    if (vm->be && vm->be->ops->reset) {
        vm->be->ops->reset(vm->be);
    }
    virtio_mmio_update_irq(vm);
}

static VirtQueue *virtio_mmio_cur_queue(VirtioMmio *vm)
{
    return vm->queue_sel < vm->nr_queues ? &vm->queues[vm->queue_sel] : NULL;
}

static uint64_t virtio_mmio_read(void *opaque, uint64_t offset, unsigned size)
{
    VirtioMmio *vm = opaque;
    if (offset >= VM_CONFIG) {
        /* Config space may be read with 1-, 2- or 4-byte accesses (§4.2.2.2). */
        uint64_t off = offset - VM_CONFIG;
        if (!vm->be || off + size > vm->be->config_len) {
            return 0;
        }
        return mem_ldn(&vm->be->config[off], size, MEM_LITTLE_ENDIAN);
    }
    if (size != 4) {
        return 0;               /* §4.2.2.2: the other registers are 32-bit only */
    }
    switch (offset) {
    case VM_MAGIC:
        return VIRTIO_MMIO_MAGIC;
    case VM_VERSION:
        return 2;
    case VM_DEVICE_ID:
        return vm->be ? vm->be->ops->device_id : 0;
    case VM_VENDOR_ID:
        return VIRTIO_MMIO_VENDOR;
    }
    if (!vm->be) {
        return 0;
    }
    VirtQueue *q = virtio_mmio_cur_queue(vm);
    switch (offset) {
    case VM_DEVICE_FEATURES:
        return vm->dev_features_sel < 2
                   ? (uint32_t)(virtio_mmio_features(vm) >> (32 * vm->dev_features_sel))
                   : 0;
    case VM_QUEUE_NUM_MAX:
        return q ? vm->be->ops->queue_max : 0;
    case VM_QUEUE_READY:
        return q ? q->ready : 0;
    case VM_INTERRUPT_STATUS:
        return vm->isr;
    case VM_STATUS:
        return vm->status;
    case VM_CONFIG_GENERATION:
        return vm->config_generation;
    case VM_QUEUE_NUM:
        return q ? q->num : 0;
    case VM_QUEUE_DESC_LOW:
        return q ? (uint32_t)q->desc : 0;
    case VM_QUEUE_DESC_HIGH:
        return q ? (uint32_t)(q->desc >> 32) : 0;
    case VM_QUEUE_DRIVER_LOW:
        return q ? (uint32_t)q->driver : 0;
    case VM_QUEUE_DRIVER_HIGH:
        return q ? (uint32_t)(q->driver >> 32) : 0;
    case VM_QUEUE_DEVICE_LOW:
        return q ? (uint32_t)q->device : 0;
    case VM_QUEUE_DEVICE_HIGH:
        return q ? (uint32_t)(q->device >> 32) : 0;
    }
    return 0;
}

static void virtio_mmio_set_addr(uint64_t *addr, bool high, uint32_t v)
{
    if (high) {
        *addr = (*addr & 0xffffffffu) | ((uint64_t)v << 32);
    } else {
        *addr = (*addr & ~UINT64_C(0xffffffff)) | v;
    }
}

static void virtio_mmio_write(void *opaque, uint64_t offset, unsigned size, uint64_t value)
{
    VirtioMmio *vm = opaque;
    if (!vm->be || offset >= VM_CONFIG || size != 4) {
        return;     /* both backends' config spaces are read-only */
    }
    uint32_t v = (uint32_t)value;
    VirtQueue *q = virtio_mmio_cur_queue(vm);
    switch (offset) {
    case VM_DEVICE_FEATURES_SEL:
        vm->dev_features_sel = v;
        break;
    case VM_DRIVER_FEATURES_SEL:
        vm->drv_features_sel = v;
        break;
    case VM_DRIVER_FEATURES:
        if (vm->drv_features_sel < 2 && !(vm->status & VIRTIO_STATUS_FEATURES_OK)) {
            unsigned shift = 32 * vm->drv_features_sel;
            vm->drv_features &= ~(UINT64_C(0xffffffff) << shift);
            vm->drv_features |= ((uint64_t)v << shift) & virtio_mmio_features(vm);
        }
        break;
    case VM_QUEUE_SEL:
        vm->queue_sel = v;
        break;
    case VM_QUEUE_NUM:
        /* A power of two up to QueueNumMax (split rings, §2.6). */
        if (q && v && v <= vm->be->ops->queue_max && !(v & (v - 1))) {
            q->num = v;
        }
        break;
    case VM_QUEUE_READY:
        if (q) {
            q->ready = (v & 1) && q->num;
            if (!q->ready) {
                q->last_avail = 0;
                q->used_idx = 0;
            }
        }
        break;
    case VM_QUEUE_NOTIFY:
        if (v < vm->nr_queues && vm->queues[v].ready && vm->be->ops->notify) {
            vm->be->ops->notify(vm->be, v);
        }
        break;
    case VM_INTERRUPT_ACK:
        vm->isr &= ~v;
        virtio_mmio_update_irq(vm);
        break;
    case VM_STATUS:
        if (v == 0) {
            virtio_mmio_reset_locked(vm);       /* §4.2.2.1: writing 0 resets */
            break;
        }
        if ((v & VIRTIO_STATUS_FEATURES_OK) && !(vm->status & VIRTIO_STATUS_FEATURES_OK) &&
            !(vm->drv_features & (UINT64_C(1) << VIRTIO_F_VERSION_1))) {
            v &= ~(uint32_t)VIRTIO_STATUS_FEATURES_OK;   /* legacy drivers not accepted */
        }
        vm->status = v | (vm->status & VIRTIO_STATUS_NEEDS_RESET);
        break;
    case VM_QUEUE_DESC_LOW:
    case VM_QUEUE_DESC_HIGH:
        if (q && !q->ready) {
            virtio_mmio_set_addr(&q->desc, offset == VM_QUEUE_DESC_HIGH, v);
        }
        break;
    case VM_QUEUE_DRIVER_LOW:
    case VM_QUEUE_DRIVER_HIGH:
        if (q && !q->ready) {
            virtio_mmio_set_addr(&q->driver, offset == VM_QUEUE_DRIVER_HIGH, v);
        }
        break;
    case VM_QUEUE_DEVICE_LOW:
    case VM_QUEUE_DEVICE_HIGH:
        if (q && !q->ready) {
            virtio_mmio_set_addr(&q->device, offset == VM_QUEUE_DEVICE_HIGH, v);
        }
        break;
    }
}

static const MemOps virtio_mmio_ops = {
    .read = virtio_mmio_read,
    .write = virtio_mmio_write,
    .min_size = 1,
    .max_size = 4,
    .endian = MEM_LITTLE_ENDIAN,
    .unaligned = MEM_UNALIGNED_REJECT,
};

/* --- Device --- */

typedef VirtioBackend *(*VirtioBackendNew)(const DevConfig *cfg, GError **error);

static const struct {
    const char *name;
    VirtioBackendNew make;
} virtio_backends[] = {
    { "blk", virtio_blk_new },
    { "rng", virtio_rng_new },
};

static void virtio_mmio_reset(Device *dev)
{
    VirtioMmio *vm = (VirtioMmio *)dev;
    g_mutex_lock(&vm->lock);
    virtio_mmio_reset_locked(vm);
    g_mutex_unlock(&vm->lock);
}

static void virtio_mmio_sync(Device *dev)
{
    VirtioMmio *vm = (VirtioMmio *)dev;
    g_mutex_lock(&vm->lock);
    if (vm->be && vm->be->ops->sync) {
        vm->be->ops->sync(vm->be);
    }
    g_mutex_unlock(&vm->lock);
}

static void virtio_mmio_destroy(Device *dev)
{
    VirtioMmio *vm = (VirtioMmio *)dev;
    if (vm->be) {
        vm->be->ops->destroy(vm->be);
    }
    mem_region_destroy(&vm->mmio);
    g_mutex_clear(&vm->lock);
    g_free(vm->queues);
    g_free(vm->dev.name);
    g_free(vm);
}

static Device *virtio_mmio_create(Board *board, const DevConfig *cfg, GError **error)
{
    VirtioMmio *vm = g_new0(VirtioMmio, 1);
    dev_init_head(&vm->dev, &virtio_mmio_class, board, cfg, 0x200);
    g_mutex_init(&vm->lock);
    vm->irq = cfg->nr_irq ? cfg->irq[0] : (IrqLine){ 0 };
    vm->as = &board->mem;
    mem_region_init_io(&vm->mmio, cfg->name, &virtio_mmio_ops, vm, vm->dev.size);
    mem_region_set_lock(&vm->mmio, &vm->lock);
    g_autofree char *backend = dev_prop_str(cfg, "backend", NULL);
    if (backend) {
        for (unsigned i = 0; i < G_N_ELEMENTS(virtio_backends) && !vm->be; i++) {
            if (strcmp(virtio_backends[i].name, backend) == 0) {
                vm->be = virtio_backends[i].make(cfg, error);
                if (!vm->be) {
                    virtio_mmio_destroy(&vm->dev);
                    return NULL;
                }
            }
        }
        if (!vm->be) {
            g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_CONFIG,
                        "unknown virtio backend '%s' (blk, rng)", backend);
            virtio_mmio_destroy(&vm->dev);
            return NULL;
        }
        vm->be->transport = vm;
        vm->nr_queues = vm->be->ops->nr_queues;
        vm->queues = g_new0(VirtQueue, vm->nr_queues);
    }
    if (!board_map(board, cfg->base, &vm->mmio, error)) {
        virtio_mmio_destroy(&vm->dev);
        return NULL;
    }
    virtio_mmio_reset(&vm->dev);
    return &vm->dev;
}

const DevClass virtio_mmio_class = {
    .name = "virtio_mmio",
    .desc = "virtio-mmio transport v2 (backend=blk file=IMG | backend=rng)",
    .create = virtio_mmio_create,
    .reset = virtio_mmio_reset,
    .destroy = virtio_mmio_destroy,
    .sync = virtio_mmio_sync,
};
