#pragma once
// Checkpoint and recovery (StreamingContext.getOrCreate): everything needed to resume a stream after a
// crash, in one self-checking file per checkpointed batch.
//
// File `checkpoint-<batch ms>.wcs`, little-endian:
//   header   "wcsckpt\n", u32 format version, u32 0, u64 payload bytes
//   payload  parameters (batch, modes, window, slide, inverse, keep-zero), zero time, last batch time,
//            dictionary (word count, arena bytes, u32 length per word, the words' bytes),
//            stateful: totals table; window: sums table, retained batch tables (oldest first)
//            (a table: u64 n, u64 counts[n], u8 touched[n]; a batch: i64 time, u64 n, u32 ids[n],
//            u64 counts[n])
//   trailer  u64 XXH3-64 of header and payload
// Written to a hidden temporary file, fsynced, renamed into place and the directory fsynced; the two
// newest checkpoints are kept, so a crash during a write always leaves a good one.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "host/cli/options.hpp"
#include "host/engine/batch_table.hpp"
#include "host/engine/dictionary.hpp"

namespace wcs {

class state_view;
class window_view;

// What a checkpoint must have been made with to be resumed: other values would compute other numbers.
struct checkpoint_params {
  std::int64_t batch_ms = 0;
  std::uint32_t modes = 0;  // bit 0 stateless, bit 1 stateful, bit 2 window
  std::int64_t window_ms = 0;  // the window fields are 0 without the window mode
  std::int64_t slide_ms = 0;
  bool inverse = false;
  bool keep_zero = false;

  bool operator==(const checkpoint_params&) const = default;
};

checkpoint_params checkpoint_params_of(const options& o);
// "batch 10000 ms, modes stateful,window, window 20000 ms, slide 10000 ms, inverse"
std::string describe(const checkpoint_params& p);

struct checkpoint_meta {
  checkpoint_params params;
  std::int64_t zero_ms = 0;        // the batch time grid: batches are at zero_ms + k * batch_ms, k >= 1
  std::int64_t last_batch_ms = 0;  // the last batch whose counts the checkpoint holds
};

// A dense count table as count_table::download gives it.
struct table_image {
  std::vector<std::uint64_t> counts;
  std::vector<std::uint8_t> touched;
};

struct checkpoint_state {
  checkpoint_meta meta;
  dictionary words;
  table_image totals;                // stateful mode
  table_image sums;                  // window mode
  std::vector<batch_table> retained;  // window mode, oldest first
};

// A file that is not a valid checkpoint (truncated, corrupt, another format version).
class checkpoint_error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

constexpr std::uint32_t checkpoint_version = 1;

// The views present in meta.params.modes must be given (others may be null).
std::string encode_checkpoint(const checkpoint_meta& meta, const dictionary& words, const state_view* state,
                              const window_view* window);
// Verifies the checksum and every id; throws checkpoint_error.
checkpoint_state decode_checkpoint(std::string_view bytes);
// Puts the tables back into freshly made views (the dictionary goes to the engine).
void restore_views(checkpoint_state& s, state_view* state, window_view* window);

// The checkpoint directory, locked for this process (two engines must not interleave checkpoints).
class checkpoint_store {
 public:
  // Creates the directory when missing and removes temporary files a crash left. Throws
  // std::runtime_error when it cannot be created or another process holds it.
  explicit checkpoint_store(std::string dir);
  checkpoint_store(checkpoint_store&& other) noexcept;
  checkpoint_store& operator=(checkpoint_store&&) = delete;
  ~checkpoint_store();

  // Atomically and durably writes checkpoint-<last_batch_ms>.wcs, then removes all but the two newest.
  // Throws std::runtime_error naming the file and the system error (e.g. no space left on device).
  void write(std::int64_t last_batch_ms, std::string_view bytes);

  // The newest valid checkpoint; when newer files are invalid, warns, moves them aside (*.corrupt) and
  // uses the previous one. nullopt when there is none; throws std::runtime_error when checkpoint files
  // exist but none is valid.
  std::optional<checkpoint_state> load();

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int lock_fd_ = -1;
};

// The engine's hook, called after each batch's outputs are written: the checkpoint follows the outputs,
// so after a crash an output may exist for a batch the checkpoint does not hold; that batch is run
// again on restart and its output rewritten, as in Spark's recovery.
class checkpointer {
 public:
  // Checkpoints the batches with (t - zero_ms) % every_ms == 0. The views must outlive this object.
  checkpointer(checkpoint_store store, checkpoint_params params, std::int64_t zero_ms, std::int64_t every_ms,
               const state_view* state, const window_view* window);

  // Batch `batch_ms` was applied to every view and its outputs written.
  void batch_done(std::int64_t batch_ms, const dictionary& words);
  // The stream ended cleanly: checkpoints the last batch unless already done.
  void stream_done(const dictionary& words);
  // Checkpoints written since start.
  std::uint64_t written() const { return written_; }

 private:
  void write(const dictionary& words);

  checkpoint_store store_;
  checkpoint_meta meta_;
  std::int64_t every_ms_;
  const state_view* state_;
  const window_view* window_;
  bool pending_ = false;  // a batch was applied since the last checkpoint
  std::uint64_t written_ = 0;
};

// The default checkpoint interval, Spark's: the smallest multiple of the batch interval >= 10 s.
std::int64_t default_checkpoint_interval_ms(std::int64_t batch_ms);

}  // namespace wcs
