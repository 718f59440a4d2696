// ThreadPool: persistent workers that run one parallel-for at a time; the calling thread is worker 0.
// No threads are created per call. Between calls a worker spins for a short while (MELLAMA_SPIN_US) before it sleeps,
// and so does the caller waiting for the last task: a decode step is hundreds of short calls made back to back
// from JavaScript, and a sleeping thread's wake-up (futex, and on a virtual machine an inter-processor interrupt)
// costs tens of microseconds on each of them. Tasks are handed out by an atomic counter (dynamic scheduling), and
// `run` returns only when every task has finished, so kernels stay synchronous from JavaScript's side.
// Each worker also owns a 64-byte-aligned scratch buffer (GEMM packing, attention score rows) that only grows.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>
#include <vector>

namespace mellama {

using TaskFn = void (*)(void* ctx, int task, int thread);

class ThreadPool {
public:
    explicit ThreadPool(int threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return threads_; }
    // Runs fn(ctx, task, thread) for task in [0, tasks); blocks until all are done.
    void run(int tasks, TaskFn fn, void* ctx);
    // Makes every worker's scratch at least `floats` long; call from the JS thread before `run`.
    void reserveScratch(size_t floats);
    float* scratch(int thread) const { return scratchPtr_[thread]; }
    // One buffer shared by all tasks of a call (per-task partial sums, reduced afterwards in task order so that
    // results do not depend on the thread count). Call from the JS thread before `run`.
    float* shared(size_t floats);

private:
    void workerLoop(int thread);
    void drain(int thread);

    int threads_;
    std::vector<std::thread> workers_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::condition_variable done_;
    std::atomic<unsigned long> generation_{0};
    bool stop_ = false;
    TaskFn fn_ = nullptr;
    void* ctx_ = nullptr;
    int tasks_ = 0;
    std::atomic<int> next_{0};
    std::atomic<int> busy_{0};  // workers (excluding the caller) still inside the current generation
    std::vector<std::vector<float>> scratch_;
    std::vector<float*> scratchPtr_;
    std::vector<float> shared_;
};

}  // namespace mellama
