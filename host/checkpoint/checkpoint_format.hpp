#pragma once
// The checkpoint file format: everything needed to resume a stream after a crash (StreamingContext.
// getOrCreate), in one self-checking file per checkpointed batch. checkpoint_store.hpp keeps the files.
//
// File `checkpoint-<batch ms>.wcs`, little-endian:
//   header   "wcsckpt\n", u32 format version, u32 0, u64 payload bytes
//   payload  parameters (batch, modes, window, slide, inverse, keep-zero), zero time, last batch time,
//            dictionary (word count, arena bytes, u32 length per word, the words' bytes),
//            stateful: totals table; window: sums table, retained batch tables (oldest first)
//            (a table: u64 n, u64 counts[n], u8 touched[n]; a batch: i64 time, u64 n, u32 ids[n],
//            u64 counts[n])
//   trailer  u64 XXH3-64 of header and payload
#include <cstdint>
#include <deque>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "host/stream/stream_spec.hpp"
#include "host/tables/batch_table.hpp"
#include "host/tables/count_table.hpp"
#include "host/tables/dictionary.hpp"

namespace wcs {

// What a checkpoint must have been made with to be resumed: other values would compute other numbers.
struct checkpoint_params {
  std::int64_t batch_ms = 0;
  std::uint32_t modes = 0;  // mode_set::bits(): bit 0 stateless, bit 1 stateful, bit 2 window
  std::int64_t window_ms = 0;  // the window fields are 0 without the window mode
  std::int64_t slide_ms = 0;
  bool inverse = false;
  bool keep_zero = false;

  bool operator==(const checkpoint_params&) const = default;
};

checkpoint_params checkpoint_params_of(const stream_spec& spec);
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

// What the views hold: the tables of the modes in meta.params.modes must be given (others may be null).
struct checkpoint_tables {
  const count_table* totals = nullptr;             // stateful
  const count_table* sums = nullptr;               // window
  const std::deque<batch_table>* retained = nullptr;  // window, oldest first
};

std::string encode_checkpoint(const checkpoint_meta& meta, const dictionary& words, const checkpoint_tables& tables);
// Verifies the checksum and every id; throws checkpoint_error.
checkpoint_state decode_checkpoint(std::string_view bytes);

}  // namespace wcs
