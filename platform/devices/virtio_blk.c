/*
 * platform/devices/virtio_blk.c -- virtio block device on a raw image file
 * (virtio 1.1 §5.2).
 *
 * One request queue. A request is a 16-byte header (type, reserved, sector) in the
 * driver-written part, then data, then a status byte as the last device-written byte
 * (§5.2.6). Supported: IN (read), OUT (write, with pwrite straight to the file),
 * FLUSH (fdatasync) and GET_ID (the image's base name, 20 bytes). Capacity is the file
 * size in 512-byte sectors, rounded down; a read-only image (readonly=on, or a file we
 * may not write) offers VIRTIO_BLK_F_RO and fails writes with IOERR. Writes are also
 * made durable at power-off (the device's sync).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "platform/devices/virtio.h"
#include "softmmu/memory.h"

#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#define VIRTIO_BLK_SECTOR 512
#define VIRTIO_BLK_ID_BYTES 20
#define VIRTIO_BLK_QUEUE_MAX 256
#define VIRTIO_BLK_SEG_MAX (VIRTIO_BLK_QUEUE_MAX - 2)   /* minus header and status */

typedef struct VirtioBlk {
    VirtioBackend be;
    int fd;
    bool read_only;
    uint64_t sectors;
    char id[VIRTIO_BLK_ID_BYTES];
} VirtioBlk;

static uint8_t virtio_blk_rw(VirtioBlk *b, const VirtioReq *req, uint64_t sector, bool write,
                             uint64_t *data_len)
{
    uint64_t len = write ? req->out_len - 16 : req->in_len - 1;
    *data_len = 0;
    if (len % VIRTIO_BLK_SECTOR || sector > b->sectors ||
        len / VIRTIO_BLK_SECTOR > b->sectors - sector) {
        return VIRTIO_BLK_S_IOERR;
    }
    if (write && b->read_only) {
        return VIRTIO_BLK_S_IOERR;
    }
    uint8_t buf[64 * 1024];
    uint64_t pos = sector * VIRTIO_BLK_SECTOR;
    for (uint64_t done = 0; done < len;) {
        uint64_t chunk = MIN(sizeof(buf), len - done);
        if (write) {
            if (virtio_req_read(b->be.transport, req, 16 + done, buf, chunk) != chunk ||
                pwrite(b->fd, buf, chunk, (off_t)(pos + done)) != (ssize_t)chunk) {
                return VIRTIO_BLK_S_IOERR;
            }
        } else {
            ssize_t n = pread(b->fd, buf, chunk, (off_t)(pos + done));
            if (n != (ssize_t)chunk ||
                virtio_req_write(b->be.transport, req, done, buf, chunk) != chunk) {
                return VIRTIO_BLK_S_IOERR;
            }
            *data_len += chunk;
        }
        done += chunk;
    }
    return VIRTIO_BLK_S_OK;
}

static void virtio_blk_request(VirtioBlk *b, const VirtioReq *req)
{
    VirtioMmio *vm = b->be.transport;
    uint8_t hdr[16];
    uint64_t written = 0;
    uint8_t status;
    if (req->in_len < 1 || virtio_req_read(vm, req, 0, hdr, 16) != 16) {
        status = VIRTIO_BLK_S_IOERR;    /* no room for a header or status: §5.2.6.1 */
    } else {
        uint32_t type = (uint32_t)mem_ldn(hdr, 4, MEM_LITTLE_ENDIAN);
        uint64_t sector = mem_ldn(hdr + 8, 8, MEM_LITTLE_ENDIAN);
        switch (type) {
        case VIRTIO_BLK_T_IN:
            status = virtio_blk_rw(b, req, sector, false, &written);
            break;
        case VIRTIO_BLK_T_OUT:
            status = virtio_blk_rw(b, req, sector, true, &written);
            break;
        case VIRTIO_BLK_T_FLUSH:
            status = fdatasync(b->fd) == 0 || b->read_only ? VIRTIO_BLK_S_OK
                                                          : VIRTIO_BLK_S_IOERR;
            break;
        case VIRTIO_BLK_T_GET_ID: {
            uint64_t n = MIN(req->in_len - 1, VIRTIO_BLK_ID_BYTES);
            written = virtio_req_write(vm, req, 0, b->id, n);
            status = VIRTIO_BLK_S_OK;
            break;
        }
        default:
            status = VIRTIO_BLK_S_UNSUPP;
            break;
        }
    }
    if (req->in_len >= 1) {
        virtio_req_write(vm, req, req->in_len - 1, &status, 1);
        written++;
    }
    virtio_push(vm, 0, req, (uint32_t)MIN(written, req->in_len));
}

static void virtio_blk_notify(VirtioBackend *be, unsigned queue)
{
    VirtioBlk *b = (VirtioBlk *)be;
    VirtioReq req;
    bool any = false;
    while (virtio_pop(be->transport, queue, &req)) {
        virtio_blk_request(b, &req);
        virtio_req_free(&req);
        any = true;
    }
    if (any) {
        virtio_notify(be->transport, queue);
    }
}

static void virtio_blk_sync(VirtioBackend *be)
{
    VirtioBlk *b = (VirtioBlk *)be;
    if (!b->read_only) {
        fdatasync(b->fd);
    }
}

static void virtio_blk_destroy(VirtioBackend *be)
{
    VirtioBlk *b = (VirtioBlk *)be;
    virtio_blk_sync(be);
    close(b->fd);
    g_free(b);
}

static const VirtioBackendOps virtio_blk_ops = {
    .name = "blk",
    .device_id = VIRTIO_ID_BLOCK,
    .nr_queues = 1,
    .queue_max = VIRTIO_BLK_QUEUE_MAX,
    .notify = virtio_blk_notify,
    .sync = virtio_blk_sync,
    .destroy = virtio_blk_destroy,
};

VirtioBackend *virtio_blk_new(const DevConfig *cfg, GError **error)
{
    g_autofree char *file = dev_prop_str(cfg, "file", NULL);
    if (!file) {
        g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_CONFIG, "backend=blk needs file=IMAGE");
        return NULL;
    }
    bool read_only = cfg->props && g_key_file_get_boolean(cfg->props, cfg->group, "readonly",
                                                          NULL);
    int fd = read_only ? -1 : open(file, O_RDWR | O_CLOEXEC);
    if (fd < 0 && (read_only || errno == EACCES || errno == EROFS || errno == EPERM)) {
        fd = open(file, O_RDONLY | O_CLOEXEC);
        read_only = true;
    }
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        g_set_error(error, MIMIC_DEV_ERROR, DEV_ERROR_BACKEND, "cannot open '%s': %s", file,
                    g_strerror(errno));
        if (fd >= 0) {
            close(fd);
        }
        return NULL;
    }
    VirtioBlk *b = g_new0(VirtioBlk, 1);
    b->be.ops = &virtio_blk_ops;
    b->fd = fd;
    b->read_only = read_only;
    b->sectors = (uint64_t)st.st_size / VIRTIO_BLK_SECTOR;
    g_autofree char *base = g_path_get_basename(file);
    /* Zero-padded, not NUL-terminated when 20 long (§5.2.6). */
    memcpy(b->id, base, MIN(strlen(base), sizeof(b->id)));
    b->be.features = (UINT64_C(1) << VIRTIO_BLK_F_SEG_MAX) |
                     (UINT64_C(1) << VIRTIO_BLK_F_BLK_SIZE) | (UINT64_C(1) << VIRTIO_BLK_F_FLUSH) |
                     (read_only ? UINT64_C(1) << VIRTIO_BLK_F_RO : 0);
    /* struct virtio_blk_config (§5.2.4): capacity, size_max, seg_max, geometry, blk_size. */
    mem_stn(&b->be.config[0], 8, MEM_LITTLE_ENDIAN, b->sectors);
    mem_stn(&b->be.config[12], 4, MEM_LITTLE_ENDIAN, VIRTIO_BLK_SEG_MAX);
    mem_stn(&b->be.config[20], 4, MEM_LITTLE_ENDIAN, VIRTIO_BLK_SECTOR);
    b->be.config_len = 24;
    return &b->be;
}
