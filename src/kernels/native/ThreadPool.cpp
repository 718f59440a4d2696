// See ThreadPool.h. Workers sleep on a condition variable between calls: a kernel call costs one wake-up
// (tens of microseconds), which is small against the millisecond-scale kernels of a training step.
#include "ThreadPool.h"

#include <cstdint>

namespace mellama {

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
        generation_++;
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
        std::lock_guard<std::mutex> lock(mutex_);
        fn_ = fn;
        ctx_ = ctx;
        tasks_ = tasks;
        next_.store(0, std::memory_order_relaxed);
        busy_ = threads_ - 1;
        generation_++;
    }
    wake_.notify_all();
    drain(0);
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return busy_ == 0; });
}

void ThreadPool::workerLoop(int thread) {
    unsigned long seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            wake_.wait(lock, [&] { return generation_ != seen; });
            seen = generation_;
            if (stop_) {
                return;
            }
        }
        drain(thread);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            busy_--;
            if (busy_ == 0) {
                done_.notify_one();
            }
        }
    }
}

}  // namespace mellama
