// See ThreadPool.h. Workers spin for up to kSpinMicros after a call, then sleep on a condition variable: calls
// that follow each other closely (a decode step) find them awake, and an idle pool costs no CPU.
#include "ThreadPool.h"

#include <chrono>
#include <cstdint>
#include <cstdlib>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MELLAMA_SPIN_PAUSE() _mm_pause()
#else
#define MELLAMA_SPIN_PAUSE() ((void)0)
#endif

namespace mellama {

namespace {

// How long a thread spins before it sleeps: longer than the gap between two kernel calls of a decode step (the
// JavaScript between them), short enough that an idle pool stops burning a core at once. MELLAMA_SPIN_US
// overrides it (0: always sleep).
int64_t spinMicros() {
    static const int64_t us = [] {
        const char* v = std::getenv("MELLAMA_SPIN_US");
        if (v == nullptr || *v == '\0') {
            return int64_t{200};
        }
        char* end = nullptr;
        const long long n = std::strtoll(v, &end, 10);
        return end != v && *end == '\0' && n >= 0 && n <= 1000000 ? (int64_t)n : int64_t{200};
    }();
    return us;
}

// Spins until done() or the spin time is up; true when done() held.
template <class Done>
bool spinUntil(Done done) {
    const int64_t limit = spinMicros();
    if (limit == 0) {
        return done();
    }
    const auto start = std::chrono::steady_clock::now();
    for (;;) {
        for (int i = 0; i < 32; i++) {
            if (done()) {
                return true;
            }
            MELLAMA_SPIN_PAUSE();
        }
        // Give the core to any other runnable thread (a server's clients, another process): on an idle core this
        // returns at once, on a busy one the spin stops costing the others their share.
        std::this_thread::yield();
        if (std::chrono::steady_clock::now() - start > std::chrono::microseconds(limit)) {
            return done();
        }
    }
}

}  // namespace

ThreadPool::ThreadPool(int threads) : threads_(threads < 1 ? 1 : threads) {
    scratch_.resize(threads_);
    scratchPtr_.assign(threads_, nullptr);
    for (int t = 1; t < threads_; t++) {
        workers_.emplace_back([this, t] { workerLoop(t); });
    }
}

ThreadPool::~ThreadPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    for (auto& w : workers_) {
        w.join();
    }
}

void ThreadPool::reserveScratch(size_t floats) {
    for (int t = 0; t < threads_; t++) {
        auto& buf = scratch_[t];
        if (scratchPtr_[t] != nullptr && buf.size() >= floats + 16) {
            continue;
        }
        buf.assign(floats + 16, 0.0f);  // +16 floats of slack to align the start to 64 bytes
        auto addr = reinterpret_cast<uintptr_t>(buf.data());
        scratchPtr_[t] = reinterpret_cast<float*>((addr + 63) & ~uintptr_t(63));
    }
}

float* ThreadPool::shared(size_t floats) {
    if (shared_.size() < floats + 16) {
        shared_.assign(floats + 16, 0.0f);
    }
    auto addr = reinterpret_cast<uintptr_t>(shared_.data());
    return reinterpret_cast<float*>((addr + 63) & ~uintptr_t(63));
}

void ThreadPool::drain(int thread) {
    for (;;) {
        int task = next_.fetch_add(1, std::memory_order_relaxed);
        if (task >= tasks_) {
            return;
        }
        fn_(ctx_, task, thread);
    }
}

void ThreadPool::run(int tasks, TaskFn fn, void* ctx) {
    if (tasks <= 0) {
        return;
    }
    if (threads_ == 1 || tasks == 1) {
        for (int i = 0; i < tasks; i++) {
            fn(ctx, i, 0);
        }
        return;
    }
    {
        // The call's fields are written before the generation is bumped (release); a worker reads them after it
        // sees the new generation (acquire), spinning or woken.
        std::lock_guard<std::mutex> lock(mutex_);
        fn_ = fn;
        ctx_ = ctx;
        tasks_ = tasks;
        next_.store(0, std::memory_order_relaxed);
        busy_.store(threads_ - 1, std::memory_order_relaxed);
        generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    drain(0);
    if (spinUntil([this] { return busy_.load(std::memory_order_acquire) == 0; })) {
        return;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_.load(std::memory_order_acquire) == 0; });
}

void ThreadPool::workerLoop(int thread) {
    unsigned long seen = 0;
    for (;;) {
        const bool woke = spinUntil([&] { return generation_.load(std::memory_order_acquire) != seen; });
        {
            std::unique_lock<std::mutex> lock(mutex_);
            if (!woke) {
                wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen; });
            }
            seen = generation_.load(std::memory_order_acquire);
            if (stop_) {
                return;
            }
        }
        drain(thread);
        // The last worker to finish tells a caller that went to sleep; the notify is made under the mutex, so a
        // caller between its check of busy_ and its wait cannot miss it.
        if (busy_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
            std::lock_guard<std::mutex> lock(mutex_);
            done_.notify_one();
        }
    }
}

}  // namespace mellama
