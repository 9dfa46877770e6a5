/*
 * platform/devices/clock.h -- time for device models: the board's clock and deadlines.
 *
 * Devices count time from one DevClock per board (host CLOCK_MONOTONIC in nanoseconds
 * since the board was made, or a virtual time that tests move by hand). A device with
 * something to do later (a CLINT comparing mtime with mtimecmp, an RTC alarm) arms a
 * DevTimer with an absolute deadline; the callback runs with the device's lock held.
 *
 * Who runs expired timers: either the clock's own thread (dev_clock_start_thread: sleeps
 * until the earliest deadline, runs the callbacks, which raise IrqLines, which reach the
 * CPU through the board's cpu_irq callback), or the CPU loop itself calling
 * dev_clock_run_expired(). A hart in wfi with nothing pending sleeps in
 * dev_clock_wait() (or on its own condition, woken by cpu_irq); any device event calls
 * dev_clock_kick() so a waiter re-evaluates.
 *
 * Lock order: device lock -> clock lock. The clock never holds its own lock while it
 * calls a timer.
 */
#ifndef MIMIC_DEVICES_CLOCK_H
#define MIMIC_DEVICES_CLOCK_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#define DEV_CLOCK_NEVER UINT64_MAX

typedef struct DevClock DevClock;
typedef void (*DevTimerFn)(void *opaque);

typedef struct DevTimer {
    DevClock *clock;
    DevTimerFn fn;
    void *opaque;
    GMutex *lock;               /* the device's lock, taken around fn (may be NULL) */
    uint64_t deadline;          /* ns on the clock; valid while armed */
    bool armed;
} DevTimer;

struct DevClock {
    GMutex lock;
    GCond cond;
    GPtrArray *timers;          /* every initialised DevTimer */
    uint64_t start_ns;          /* host monotonic time at init */
    bool virtual_time;
    uint64_t virtual_now;
    uint64_t kicks;             /* bumped by dev_clock_kick */
    unsigned kick_waiters;      /* callers of dev_clock_wait_since asleep (kicks wake only them) */
    GCond thread_cond;          /* the timer thread's: timers re-armed, or stop */
    GThread *thread;
    bool thread_stop;
};

void dev_clock_init(DevClock *clock);
void dev_clock_destroy(DevClock *clock);       /* stops the thread; timers must be gone */
/* Nanoseconds since init (or the virtual time). */
uint64_t dev_clock_now(DevClock *clock);
/* Tests: freeze time at `now`; dev_clock_advance() moves it and runs what expired. */
void dev_clock_set_virtual(DevClock *clock, uint64_t now);
void dev_clock_advance(DevClock *clock, uint64_t ns);

void dev_timer_init(DevTimer *t, DevClock *clock, DevTimerFn fn, void *opaque, GMutex *lock);
void dev_timer_destroy(DevTimer *t);
void dev_timer_mod(DevTimer *t, uint64_t deadline_ns);
void dev_timer_del(DevTimer *t);

/* Earliest armed deadline, DEV_CLOCK_NEVER if none. */
uint64_t dev_clock_next_deadline(DevClock *clock);
/* Runs every timer whose deadline has passed; returns how many ran. */
unsigned dev_clock_run_expired(DevClock *clock);
/* Sleeps until `until` (ns on this clock), the next timer deadline or a kick, whichever
 * comes first; true if woken by a kick. Does not run timers. */
bool dev_clock_wait(DevClock *clock, uint64_t until);
/* The same, counting kicks from a snapshot taken with dev_clock_kicks() before the caller
 * checked its condition, so an event between the check and the sleep is not lost. */
uint64_t dev_clock_kicks(DevClock *clock);
bool dev_clock_wait_since(DevClock *clock, uint64_t until, uint64_t kicks);
void dev_clock_kick(DevClock *clock);
/* A host thread that runs timers as they expire, for boards whose CPU loop does not. */
void dev_clock_start_thread(DevClock *clock);
void dev_clock_stop_thread(DevClock *clock);

#endif
