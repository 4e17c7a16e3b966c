#include "host/checkpoint/checkpoint_writer.hpp"

#include <spdlog/spdlog.h>

#include <chrono>
#include <exception>
#include <stdexcept>
#include <utility>

namespace wcs {

checkpoint_writer::checkpoint_writer(checkpoint_store store) : store_(std::move(store)), thread_([this] { run(); }) {}

checkpoint_writer::~checkpoint_writer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void checkpoint_writer::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    cv_.wait(lock, [&] { return job_.has_value() || stopping_; });
    if (!job_) return;
    const std::int64_t ms = job_->last_batch_ms;
    const std::string bytes = std::move(job_->bytes);
    lock.unlock();
    std::string error;
    try {
      store_.write(ms, bytes);
      if (on_durable_) on_durable_(ms);
      spdlog::debug("checkpoint of batch {} written to {}", ms, store_.dir());
    } catch (const std::exception& e) {
      error = e.what();
    }
    lock.lock();
    if (error.empty()) {
      ++written_;
    } else if (error_.empty()) {
      error_ = std::move(error);
    }
    job_.reset();
    cv_.notify_all();
  }
}

void checkpoint_writer::wait_idle(std::unique_lock<std::mutex>& lock) {
  cv_.wait(lock, [&] { return !job_.has_value(); });
  if (!error_.empty()) throw std::runtime_error(error_);
}

void checkpoint_writer::submit(std::int64_t last_batch_ms, std::string bytes) {
  std::unique_lock lock(mutex_);
  if (job_) {
    // The disk is slower than the checkpoints are due: the engine waits, as Spark's batches would queue.
    const auto start = std::chrono::steady_clock::now();
    const std::int64_t previous = job_->last_batch_ms;
    wait_idle(lock);
    spdlog::info("checkpoint of batch {} waited {:.1f} ms for the previous one (batch {}) to be written", last_batch_ms,
                 std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count(), previous);
  }
  if (!error_.empty()) throw std::runtime_error(error_);
  job_ = job{last_batch_ms, std::move(bytes)};
  cv_.notify_all();
}

void checkpoint_writer::wait() {
  std::unique_lock lock(mutex_);
  wait_idle(lock);
}

void checkpoint_writer::check() {
  std::lock_guard lock(mutex_);
  if (!error_.empty()) throw std::runtime_error(error_);
}

std::uint64_t checkpoint_writer::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

}  // namespace wcs
