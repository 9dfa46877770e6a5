/*
 * platform/devices/virtio_rng.c -- virtio entropy device (virtio 1.1 §5.4).
 *
 * One queue, no features, no configuration: every device-writable buffer the driver
 * offers is filled from the host's getrandom() and returned with its length.
 */
#include <sys/random.h>

#include "platform/devices/virtio.h"

#define VIRTIO_RNG_QUEUE_MAX 256

static void virtio_rng_notify(VirtioBackend *be, unsigned queue)
{
    VirtioReq req;
    bool any = false;
    while (virtio_pop(be->transport, queue, &req)) {
        uint8_t buf[256];
        uint64_t done = 0;
        while (done < req.in_len) {
            size_t want = (size_t)MIN(sizeof(buf), req.in_len - done);
            ssize_t n = getrandom(buf, want, 0);
            if (n <= 0) {
                break;          /* interrupted or no entropy: return what we have */
            }
            uint64_t put = virtio_req_write(be->transport, &req, done, buf, (uint64_t)n);
            done += put;
            if (put != (uint64_t)n) {
                break;
            }
        }
        virtio_push(be->transport, queue, &req, (uint32_t)done);
        virtio_req_free(&req);
        any = true;
    }
    if (any) {
        virtio_notify(be->transport, queue);
    }
}

static void virtio_rng_destroy(VirtioBackend *be)
{
    g_free(be);
}

static const VirtioBackendOps virtio_rng_ops = {
    .name = "rng",
    .device_id = VIRTIO_ID_RNG,
    .nr_queues = 1,
    .queue_max = VIRTIO_RNG_QUEUE_MAX,
    .notify = virtio_rng_notify,
    .destroy = virtio_rng_destroy,
};

VirtioBackend *virtio_rng_new(const DevConfig *cfg, GError **error)
{
    VirtioBackend *be = g_new0(VirtioBackend, 1);
    be->ops = &virtio_rng_ops;
    return be;
}
