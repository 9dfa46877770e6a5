/*
 * platform/devices/virtio.h -- virtio device backends behind the virtio-mmio transport.
 *
 * The transport (virtio_mmio.c) owns the registers, feature negotiation, the split
 * virtqueues of the virtio 1.1 spec (section 2.6) and the interrupt; a backend
 * (virtio_blk.c, virtio_rng.c) only sees requests: it pops a descriptor chain as a
 * VirtioReq, copies from its driver-written part and into its device-written part,
 * and pushes it back with the length it wrote. Guest memory is reached through the
 * board's AddressSpace. All virtio structures are little-endian (spec 1.1 §1.4).
 */
#ifndef MIMIC_DEVICES_VIRTIO_H
#define MIMIC_DEVICES_VIRTIO_H

#include <stdbool.h>
#include <stdint.h>

#include "platform/devices/dev.h"

#define VIRTIO_ID_BLOCK 2
#define VIRTIO_ID_RNG 4

#define VIRTIO_F_RING_INDIRECT_DESC 28
#define VIRTIO_F_VERSION_1 32

#define VIRTIO_CONFIG_MAX 256
#define VIRTIO_QUEUE_MAX 1024

typedef struct VirtioMmio VirtioMmio;
typedef struct VirtioBackend VirtioBackend;

/* One guest buffer of a chain. */
typedef struct VirtioSeg {
    uint64_t addr;
    uint32_t len;
} VirtioSeg;

/* A popped descriptor chain: driver-written segments first, then device-written ones
 * (spec 2.6.4.2 requires that order). */
typedef struct VirtioReq {
    uint16_t head;              /* id returned in the used ring */
    VirtioSeg *out;             /* device reads */
    unsigned nr_out;
    VirtioSeg *in;              /* device writes */
    unsigned nr_in;
    uint64_t out_len;
    uint64_t in_len;
} VirtioReq;

typedef struct VirtioBackendOps {
    const char *name;           /* backend= value in the board file */
    uint32_t device_id;
    unsigned nr_queues;
    unsigned queue_max;
    void (*notify)(VirtioBackend *be, unsigned queue);  /* driver kicked the queue */
    void (*reset)(VirtioBackend *be);
    void (*sync)(VirtioBackend *be);
    void (*destroy)(VirtioBackend *be);
} VirtioBackendOps;

struct VirtioBackend {
    const VirtioBackendOps *ops;
    VirtioMmio *transport;
    uint64_t features;          /* device-specific bits the backend offers */
    uint8_t config[VIRTIO_CONFIG_MAX];  /* device configuration space, little-endian */
    unsigned config_len;
};

/* Backends, made from the virtio_mmio device's properties. */
VirtioBackend *virtio_blk_new(const DevConfig *cfg, GError **error);
VirtioBackend *virtio_rng_new(const DevConfig *cfg, GError **error);

/* --- For backends (virtio_mmio.c) --- */
/* Next available chain of `queue`, false when empty or the queue is not usable. */
bool virtio_pop(VirtioMmio *vm, unsigned queue, VirtioReq *req);
void virtio_req_free(VirtioReq *req);
/* Copy to/from the chain at a byte offset within its out (read) or in (write) part;
 * returns the bytes copied (short at the end of the chain or on unmapped memory). */
uint64_t virtio_req_read(VirtioMmio *vm, const VirtioReq *req, uint64_t offset, void *buf,
                         uint64_t len);
uint64_t virtio_req_write(VirtioMmio *vm, const VirtioReq *req, uint64_t offset,
                          const void *buf, uint64_t len);
/* Returns the chain to the driver with `written` bytes in its in part. */
void virtio_push(VirtioMmio *vm, unsigned queue, const VirtioReq *req, uint32_t written);
/* Raise the used-buffer interrupt unless the driver suppressed it. */
void virtio_notify(VirtioMmio *vm, unsigned queue);

#endif
