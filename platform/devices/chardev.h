/*
 * platform/devices/chardev.h -- character backends behind serial devices.
 *
 * A serial device writes bytes out with chardev_write() and takes input with
 * chardev_read() when it has room; chardev_set_rx_handler() tells it input has
 * arrived (called from the backend's reader thread with no chardev lock held, so the
 * handler may take its device lock and read).
 *
 * Backends: `stdio` (terminal in raw mode, restored at exit and on the fatal signals;
 * a reader thread polls stdin) and `buffer` (output collected in memory, input pushed
 * by the caller: tests). Both may run the QEMU escape keys (Ctrl-A X quits, Ctrl-A H
 * prints help, Ctrl-A Ctrl-A sends one Ctrl-A); stdio always does.
 */
#ifndef MIMIC_DEVICES_CHARDEV_H
#define MIMIC_DEVICES_CHARDEV_H

#include <glib.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CHARDEV_ESCAPE_CHAR 0x01    /* Ctrl-A */

typedef struct Chardev Chardev;
typedef void (*ChardevRxFn)(void *opaque);
typedef void (*ChardevQuitFn)(void *opaque);

Chardev *chardev_new_buffer(bool escapes);
Chardev *chardev_new_stdio(GError **error);
void chardev_free(Chardev *chr);

void chardev_write(Chardev *chr, const uint8_t *buf, size_t len);
size_t chardev_read(Chardev *chr, uint8_t *buf, size_t max);
size_t chardev_rx_avail(Chardev *chr);
void chardev_set_rx_handler(Chardev *chr, ChardevRxFn fn, void *opaque);
/* Ctrl-A X; without a handler the default is exit(0) after restoring the terminal. */
void chardev_set_quit_handler(Chardev *chr, ChardevQuitFn fn, void *opaque);

/* Input as if typed: escape keys processed when enabled, then queued for the device. */
void chardev_input(Chardev *chr, const uint8_t *buf, size_t len);
/* Buffer backend: everything written so far (NUL-terminated copy) and its length. */
char *chardev_buffer_output(Chardev *chr, size_t *len);
void chardev_buffer_clear(Chardev *chr);

#endif
