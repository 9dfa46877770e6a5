/*
 * platform/devices/clock.c -- the board clock, device deadlines, the timer thread.
 *
 * A board has a handful of timers (one per CLINT hart, an RTC alarm), so a linear scan
 * for the earliest deadline is cheaper than keeping a heap in order.
 */
#include "platform/devices/clock.h"

#include <time.h>

static uint64_t dev_host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void dev_clock_init(DevClock *clock)
{
    g_mutex_init(&clock->lock);
    g_cond_init(&clock->cond);
    g_cond_init(&clock->thread_cond);
    clock->timers = g_ptr_array_new();
    clock->start_ns = dev_host_ns();
    clock->virtual_time = false;
    clock->virtual_now = 0;
    clock->kicks = 0;
    clock->thread = NULL;
    clock->thread_stop = false;
}

void dev_clock_destroy(DevClock *clock)
{
    dev_clock_stop_thread(clock);
    g_ptr_array_free(clock->timers, TRUE);
    g_cond_clear(&clock->cond);
    g_cond_clear(&clock->thread_cond);
    g_mutex_clear(&clock->lock);
}

static uint64_t dev_clock_now_locked(DevClock *clock)
{
    return clock->virtual_time ? clock->virtual_now : dev_host_ns() - clock->start_ns;
}

uint64_t dev_clock_now(DevClock *clock)
{
    g_mutex_lock(&clock->lock);
    uint64_t now = dev_clock_now_locked(clock);
    g_mutex_unlock(&clock->lock);
    return now;
}

void dev_clock_set_virtual(DevClock *clock, uint64_t now)
{
    g_mutex_lock(&clock->lock);
    clock->virtual_time = true;
    clock->virtual_now = now;
    g_mutex_unlock(&clock->lock);
}

void dev_clock_advance(DevClock *clock, uint64_t ns)
{
    g_mutex_lock(&clock->lock);
    g_assert(clock->virtual_time);
    clock->virtual_now += ns;
    g_cond_broadcast(&clock->cond);
    g_cond_signal(&clock->thread_cond);
    g_mutex_unlock(&clock->lock);
    dev_clock_run_expired(clock);
}

void dev_timer_init(DevTimer *t, DevClock *clock, DevTimerFn fn, void *opaque, GMutex *lock)
{
    t->clock = clock;
    t->fn = fn;
    t->opaque = opaque;
    t->lock = lock;
    t->deadline = DEV_CLOCK_NEVER;
    t->armed = false;
    g_mutex_lock(&clock->lock);
    g_ptr_array_add(clock->timers, t);
    g_mutex_unlock(&clock->lock);
}

void dev_timer_destroy(DevTimer *t)
{
    g_mutex_lock(&t->clock->lock);
    t->armed = false;
    g_ptr_array_remove(t->clock->timers, t);
    g_mutex_unlock(&t->clock->lock);
}

void dev_timer_mod(DevTimer *t, uint64_t deadline_ns)
{
    DevClock *clock = t->clock;
    g_mutex_lock(&clock->lock);
    t->deadline = deadline_ns;
    t->armed = deadline_ns != DEV_CLOCK_NEVER;
    /* The timer thread (and harts in wfi) may be sleeping towards a later deadline. */
    g_cond_broadcast(&clock->cond);
    g_cond_signal(&clock->thread_cond);
    g_mutex_unlock(&clock->lock);
}

void dev_timer_del(DevTimer *t)
{
    dev_timer_mod(t, DEV_CLOCK_NEVER);
}

static uint64_t dev_clock_next_locked(DevClock *clock)
{
    uint64_t next = DEV_CLOCK_NEVER;
    for (guint i = 0; i < clock->timers->len; i++) {
        DevTimer *t = g_ptr_array_index(clock->timers, i);
        if (t->armed && t->deadline < next) {
            next = t->deadline;
        }
    }
    return next;
}

uint64_t dev_clock_next_deadline(DevClock *clock)
{
    g_mutex_lock(&clock->lock);
    uint64_t next = dev_clock_next_locked(clock);
    g_mutex_unlock(&clock->lock);
    return next;
}

unsigned dev_clock_run_expired(DevClock *clock)
{
    unsigned ran = 0;
    for (;;) {
        DevTimer *due = NULL;
        g_mutex_lock(&clock->lock);
        uint64_t now = dev_clock_now_locked(clock);
        for (guint i = 0; i < clock->timers->len; i++) {
            DevTimer *t = g_ptr_array_index(clock->timers, i);
            if (t->armed && t->deadline <= now) {
                due = t;
                break;
            }
        }
        if (due) {
            due->armed = false;     /* one-shot: the callback re-arms if it wants */
        }
        g_mutex_unlock(&clock->lock);
        if (!due) {
            return ran;
        }
        if (due->lock) {
            g_mutex_lock(due->lock);
        }
        due->fn(due->opaque);
        if (due->lock) {
            g_mutex_unlock(due->lock);
        }
        ran++;
    }
}

uint64_t dev_clock_kicks(DevClock *clock)
{
    g_mutex_lock(&clock->lock);
    uint64_t kicks = clock->kicks;
    g_mutex_unlock(&clock->lock);
    return kicks;
}

bool dev_clock_wait(DevClock *clock, uint64_t until)
{
    return dev_clock_wait_since(clock, until, dev_clock_kicks(clock));
}

bool dev_clock_wait_since(DevClock *clock, uint64_t until, uint64_t kicks)
{
    g_mutex_lock(&clock->lock);
    bool kicked = false;
    clock->kick_waiters++;
    for (;;) {
        uint64_t now = dev_clock_now_locked(clock);
        uint64_t limit = MIN(until, dev_clock_next_locked(clock));
        if (clock->kicks != kicks) {
            kicked = true;
            break;
        }
        if (now >= limit || clock->thread_stop) {
            break;
        }
        if (clock->virtual_time || limit == DEV_CLOCK_NEVER) {
            g_cond_wait(&clock->cond, &clock->lock);
        } else {
            uint64_t delta_us = (limit - now + 999) / 1000;
            g_cond_wait_until(&clock->cond, &clock->lock,
                              g_get_monotonic_time() + (gint64)MIN(delta_us, G_MAXINT32));
        }
    }
    clock->kick_waiters--;
    g_mutex_unlock(&clock->lock);
    return kicked;
}

/*
 * Device events (an interrupt line moving, a UART byte) kick often; only sleepers that
 * wait for kicks are woken, not the timer thread, whose sleep only deadlines end.
 */
void dev_clock_kick(DevClock *clock)
{
    g_mutex_lock(&clock->lock);
    clock->kicks++;
    if (clock->kick_waiters > 0) {
        g_cond_broadcast(&clock->cond);
    }
    g_mutex_unlock(&clock->lock);
}

/* The timer thread's sleep: until the earliest deadline, a re-armed timer, or stop. */
static void dev_clock_thread_wait(DevClock *clock)
{
    g_mutex_lock(&clock->lock);
    uint64_t now = dev_clock_now_locked(clock);
    uint64_t next = dev_clock_next_locked(clock);
    if (!clock->thread_stop && next > now) {
        if (clock->virtual_time || next == DEV_CLOCK_NEVER) {
            g_cond_wait(&clock->thread_cond, &clock->lock);
        } else {
            uint64_t delta_us = (next - now + 999) / 1000;
            g_cond_wait_until(&clock->thread_cond, &clock->lock,
                              g_get_monotonic_time() + (gint64)MIN(delta_us, G_MAXINT32));
        }
    }
    g_mutex_unlock(&clock->lock);
}

static gpointer dev_clock_thread_main(gpointer opaque)
{
    DevClock *clock = opaque;
    for (;;) {
        g_mutex_lock(&clock->lock);
        bool stop = clock->thread_stop;
        g_mutex_unlock(&clock->lock);
        if (stop) {
            return NULL;
        }
        dev_clock_run_expired(clock);
        dev_clock_thread_wait(clock);
    }
}

void dev_clock_start_thread(DevClock *clock)
{
    g_assert(!clock->thread);
    clock->thread_stop = false;
    clock->thread = g_thread_new("dev-clock", dev_clock_thread_main, clock);
}

void dev_clock_stop_thread(DevClock *clock)
{
    if (!clock->thread) {
        return;
    }
    g_mutex_lock(&clock->lock);
    clock->thread_stop = true;
    g_cond_broadcast(&clock->cond);
    g_cond_signal(&clock->thread_cond);
    g_mutex_unlock(&clock->lock);
    g_thread_join(clock->thread);
    clock->thread = NULL;
}
