#pragma once
// Writes checkpoints on a thread of its own, as Spark's CheckpointWriter does: the engine serializes a
// checkpoint between batches and goes on with the next one while the file is written, fsynced and
// renamed (an fsync waits for every write the disk has in flight, the write-ahead log's included). At
// most one checkpoint is in flight: a second waits for the first. A failed write is reported at the
// engine's next call, with the previous checkpoint intact.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "host/checkpoint/checkpoint_store.hpp"

namespace wcs {

class checkpoint_writer {
 public:
  explicit checkpoint_writer(checkpoint_store store);
  // Waits for the checkpoint in flight.
  ~checkpoint_writer();
  checkpoint_writer(const checkpoint_writer&) = delete;
  checkpoint_writer& operator=(const checkpoint_writer&) = delete;

  // Hands over checkpoint `bytes` of batch `last_batch_ms`, once the one in flight is durable. Throws
  // std::runtime_error when an earlier write failed.
  void submit(std::int64_t last_batch_ms, std::string bytes);
  // Waits until the checkpoint in flight is durable; throws std::runtime_error when a write failed.
  void wait();
  // Throws std::runtime_error when a write failed (cheap: for every batch).
  void check();

  // Called on the writer's thread with the last batch of each checkpoint once it is durable.
  void on_durable(std::function<void(std::int64_t)> f) { on_durable_ = std::move(f); }
  // Checkpoints made durable since start.
  std::uint64_t written() const;
  const std::string& dir() const { return store_.dir(); }

 private:
  struct job {
    std::int64_t last_batch_ms;
    std::string bytes;
  };
  void run();
  void wait_idle(std::unique_lock<std::mutex>& lock);

  checkpoint_store store_;
  std::function<void(std::int64_t)> on_durable_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<job> job_;  // handed over, not yet durable
  std::string error_;
  std::uint64_t written_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wcs
