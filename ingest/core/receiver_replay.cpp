// The receiver's recovery: the write-ahead log is fed through the same line and batch cutting as the
// live stream, so each replayed line lands in the batch it was logged in. Batches a checkpoint already
// holds are cut and dropped; the rest go to the engine, which counts them and rewrites their outputs.
#include <spdlog/spdlog.h>

#include <cstring>

#include "ingest/core/receiver.hpp"

namespace wcs {

class log_replayer final : public wal::replay_visitor {
 public:
  explicit log_replayer(receiver& rx) : rx_(rx) {}

  void on_segment(const wal::segment_header& h, std::span<const std::uint8_t> carried, bool first) override {
    if (first) {
      // Batches between the checkpoint and the log (the log was lost or disabled) are empty; batches
      // the log holds from before the checkpoint are replayed to rebuild the open line, then dropped.
      while (rx_.next_batch_ms_ < h.first_batch_ms) rx_.seal_batch();
      rx_.next_batch_ms_ = h.first_batch_ms;
      rx_.scanner_.reset((h.flags & wal::after_cr) != 0);
      on_data(carried);
    } else if ((h.flags & wal::restart) != 0) {
      rx_.drop_open_line();
      while (rx_.next_batch_ms_ < h.first_batch_ms) rx_.seal_batch();
    }
  }

  void on_data(std::span<const std::uint8_t> bytes) override {
    while (!bytes.empty()) {
      if (rx_.filled_ == rx_.ring_.buffer_bytes()) rx_.seal_full_buffer();
      const std::size_t n = std::min(bytes.size(), rx_.ring_.buffer_bytes() - rx_.filled_);
      std::memcpy(rx_.buffer_->data() + rx_.filled_, bytes.data(), n);
      rx_.on_data(n);
      bytes = bytes.subspan(n);
    }
  }

  void on_connection_end() override { rx_.end_of_connection(); }

  // A batch cut by its line limit was sealed by on_data already.
  void on_batch_end(std::int64_t batch_ms) override {
    if (batch_ms < rx_.next_batch_ms_) return;
    rx_.next_batch_ms_ = batch_ms;
    rx_.seal_batch();
  }

 private:
  receiver& rx_;
};

void receiver::replay_log() {
  replaying_ = true;
  skip_through_ms_ = policy_.first_batch_ms - policy_.clock.batch_ms;
  log_replayer replayer(*this);
  log_->replay(replayer);
  // The crash cut the last connection: the rest of its open line was never read.
  drop_open_line();
  next_batch_ms_ = std::max(next_batch_ms_, policy_.first_batch_ms);
  replaying_ = false;
  log_->start(next_batch_ms_);
}

}  // namespace wcs
