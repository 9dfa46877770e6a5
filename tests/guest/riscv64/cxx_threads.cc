/*
 * cxx_threads.cc - the C++ thread library on a riscv64 guest: std::thread, std::async and
 * futures (values and exceptions carried across threads), std::mutex with
 * std::condition_variable, std::atomic read-modify-writes and compare-exchange loops,
 * std::shared_mutex, and thread_local objects whose destructors run at thread exit.
 *
 * libstdc++ maps these onto pthreads, futexes and RISC-V atomics (AMOs for fetch_add, LR/SC
 * for compare-exchange and for the 8/16-bit atomics, some through libatomic). Totals are
 * exact: any lost update shows as a wrong count. thread_local destructors are registered with
 * __cxa_thread_atexit_impl and run in reverse order of construction (C++ [basic.start.term]).
 */
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <mutex>
#include <numeric>
#include <shared_mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "guest_check.h"

static const int kThreads = 4;
static const int kIters = 5000;

static void test_std_thread()
{
    gc_group("std_thread");
    std::vector<long> data(4000);
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; t++) {
        ts.emplace_back([&data, t] {
            for (size_t i = t; i < data.size(); i += kThreads) {
                data[i] = (long)i * 3;
            }
        });
    }
    for (auto &t : ts) {
        CHECK(t.joinable());
        t.join();
        CHECK(!t.joinable());
    }
    CHECK_EQ(std::accumulate(data.begin(), data.end(), 0L), 3L * 3999 * 4000 / 2);
    std::thread::id main_id = std::this_thread::get_id(), other_id;
    std::thread t([&other_id] { other_id = std::this_thread::get_id(); });
    std::thread::id handle_id = t.get_id();
    t.join();
    CHECK(other_id != main_id);
    CHECK(other_id == handle_id);
}

static long sum_range(long lo, long hi)
{
    long s = 0;
    for (long i = lo; i < hi; i++) {
        s += i * i;
    }
    return s;
}

static void test_async_future()
{
    gc_group("async_future");
    std::vector<std::future<long>> fs;
    for (int t = 0; t < kThreads; t++) {
        fs.push_back(std::async(std::launch::async, sum_range, t * 1000L, (t + 1) * 1000L));
    }
    long total = 0;
    for (auto &f : fs) {
        total += f.get();
    }
    CHECK_EQ(total, sum_range(0, kThreads * 1000L));   /* 0^2 + ... + 3999^2 */
    CHECK_EQ(total, 3999L * 4000 * 7999 / 6);

    /* An exception thrown in the task is rethrown by get() in this thread. */
    auto bad = std::async(std::launch::async, []() -> int { throw std::runtime_error("boom"); });
    std::string what = "none";
    try {
        bad.get();
    } catch (const std::runtime_error &e) {
        what = e.what();
    }
    CHECK_STR(what.c_str(), "boom");

    std::promise<int> p;
    std::future<int> f = p.get_future();
    std::thread setter([&p] { p.set_value(77); });
    CHECK_EQ(f.get(), 77);
    setter.join();
}

static void test_mutex_cv()
{
    gc_group("mutex_condvar");
    std::mutex m;
    std::condition_variable cv;
    int turn = 0;                   /* 0: ping's turn, 1: pong's turn */
    const int rounds = 300;
    int pings = 0, pongs = 0;
    std::thread pong([&] {
        for (int i = 0; i < rounds; i++) {
            std::unique_lock<std::mutex> lk(m);
            cv.wait(lk, [&] { return turn == 1; });
            pongs++;
            turn = 0;
            cv.notify_one();
        }
    });
    for (int i = 0; i < rounds; i++) {
        std::unique_lock<std::mutex> lk(m);
        cv.wait(lk, [&] { return turn == 0; });
        pings++;
        turn = 1;
        cv.notify_one();
    }
    pong.join();
    CHECK_EQ(pings, rounds);
    CHECK_EQ(pongs, rounds);

    long counter = 0;
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; t++) {
        ts.emplace_back([&] {
            for (int i = 0; i < kIters; i++) {
                std::lock_guard<std::mutex> g(m);
                counter++;
            }
        });
    }
    for (auto &t : ts) {
        t.join();
    }
    CHECK_EQ(counter, kThreads * kIters);
    std::unique_lock<std::mutex> lk(m);
    bool timed_out = !cv.wait_for(lk, std::chrono::milliseconds(20), [] { return false; });
    CHECK(timed_out);
}

static void test_atomics()
{
    gc_group("atomics");
    std::atomic<long> add{0};
    std::atomic<int> cas_weak{0}, cas_strong{0};
    std::atomic<uint8_t> small{0};
    std::atomic<uint16_t> half{0};
    std::atomic<uint64_t> mixed{1};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; t++) {
        ts.emplace_back([&] {
            for (int i = 0; i < kIters; i++) {
                add.fetch_add(2, std::memory_order_relaxed);
                int v = cas_weak.load(std::memory_order_relaxed);
                while (!cas_weak.compare_exchange_weak(v, v + 3)) {
                }
                v = cas_strong.load();
                while (!cas_strong.compare_exchange_strong(v, v + 5, std::memory_order_acq_rel)) {
                }
                small.fetch_add(1);
                half.fetch_sub(1);
                /* multiply-by-3 mod 2^64 commutes across threads: the order does not matter */
                uint64_t m = mixed.load();
                while (!mixed.compare_exchange_weak(m, m * 3)) {
                }
            }
        });
    }
    for (auto &t : ts) {
        t.join();
    }
    const long n = (long)kThreads * kIters;
    CHECK_EQ(add.load(), 2 * n);
    CHECK_EQ(cas_weak.load(), 3 * n);
    CHECK_EQ(cas_strong.load(), 5 * n);
    CHECK_EQ(small.load(), (uint8_t)n);             /* 20000 mod 256 = 32 */
    CHECK_EQ(half.load(), (uint16_t)(0 - n));       /* -20000 mod 65536 */
    uint64_t want = 1;
    for (long i = 0; i < n; i++) {
        want *= 3;
    }
    CHECK_EQ(mixed.load(), want);
    std::atomic<bool> flag{false};
    bool expected = true;
    CHECK(!flag.compare_exchange_strong(expected, true));
    CHECK(expected == false);                       /* a failed CAS reports the current value */
}

static void test_shared_mutex()
{
    gc_group("shared_mutex");
    std::shared_mutex sm;
    long value = 0;
    std::atomic<int> readers_inside{0}, max_readers{0};
    std::atomic<int> bad_reads{0};
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; t++) {
        ts.emplace_back([&, t] {
            for (int i = 0; i < 500; i++) {
                if ((i + t) % 5 == 0) {
                    std::unique_lock<std::shared_mutex> w(sm);
                    if (readers_inside.load() != 0) {
                        bad_reads++;                /* a writer must be alone */
                    }
                    value += 2;
                } else {
                    std::shared_lock<std::shared_mutex> r(sm);
                    int now = ++readers_inside;
                    int seen = max_readers.load();
                    while (now > seen && !max_readers.compare_exchange_weak(seen, now)) {
                    }
                    if (value % 2 != 0) {
                        bad_reads++;
                    }
                    --readers_inside;
                }
            }
        });
    }
    for (auto &t : ts) {
        t.join();
    }
    CHECK_EQ(value, 2 * kThreads * 100);            /* 100 of each thread's 500 rounds write */
    CHECK_EQ(bad_reads.load(), 0);
    CHECK(max_readers.load() >= 1 && max_readers.load() <= kThreads);
    sm.lock();
    bool got = true;
    std::thread([&] { got = sm.try_lock_shared(); }).join();
    CHECK(!got);
    sm.unlock();
    sm.lock_shared();
    std::thread([&] {
        got = sm.try_lock_shared();
        if (got) {
            sm.unlock_shared();
        }
    }).join();
    CHECK(got);
    bool wgot = true;
    std::thread([&] { wgot = sm.try_lock(); }).join();
    CHECK(!wgot);
    sm.unlock_shared();
}

/* --- thread_local objects --- */

static std::atomic<int> constructed{0}, destroyed{0};
static int dtor_log[kThreads][2];
static std::atomic<int> dtor_pos[kThreads];

struct Tracked {
    int tag, owner = -1;
    explicit Tracked(int t) : tag(t) { constructed++; }
    ~Tracked()
    {
        if (owner >= 0) {
            dtor_log[owner][dtor_pos[owner]++] = tag;
        }
        destroyed++;
    }
};

static int next_seed()
{
    static std::atomic<int> seed{0};
    return 1000 + seed++;
}

static thread_local Tracked first(1);
static thread_local Tracked second(2);
static thread_local int seeded = next_seed();   /* dynamic initialisation, once per thread */
static thread_local long tl_counter;

static void test_thread_local()
{
    gc_group("thread_local");
    int seeds[kThreads];
    long counters[kThreads];
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; t++) {
        ts.emplace_back([&seeds, &counters, t] {
            first.owner = t;                    /* constructs first, then second */
            second.owner = t;
            seeds[t] = seeded;
            for (int i = 0; i <= t; i++) {
                tl_counter += 10;
            }
            counters[t] = tl_counter;
        });
    }
    for (auto &t : ts) {
        t.join();
    }
    CHECK_EQ(constructed.load(), 2 * kThreads);
    CHECK_EQ(destroyed.load(), 2 * kThreads);
    int seed_sum = 0;
    for (int t = 0; t < kThreads; t++) {
        CHECK_EQ(dtor_pos[t].load(), 2);
        CHECK_EQ(dtor_log[t][0], 2);            /* reverse order of construction */
        CHECK_EQ(dtor_log[t][1], 1);
        CHECK_EQ(counters[t], 10L * (t + 1));
        seed_sum += seeds[t];
    }
    CHECK_EQ(seed_sum, 4 * 1000 + 0 + 1 + 2 + 3);   /* each thread drew a different seed */
    CHECK_EQ(tl_counter, 0);                    /* main's copy untouched */
}

int main()
{
    test_std_thread();
    test_async_future();
    test_mutex_cv();
    test_atomics();
    test_shared_mutex();
    test_thread_local();
    return gc_finish();
}
