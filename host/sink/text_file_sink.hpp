#pragma once
#include <cstdint>
#include <span>
#include <string>

#include "host/sink/word_count.hpp"

namespace wcs {

// Spark's DStream.saveAsTextFiles(prefix, suffix) after coalesce(1): one directory per batch,
// PREFIX-<batch ms> or PREFIX-<batch ms>.<suffix>, holding part-00000 (one str(record) per line) and
// an empty _SUCCESS. Each directory appears atomically, fully written and fsynced.
class text_file_sink {
 public:
  // `prefix` may name directories ("out/wc"); missing ones are created. An empty `suffix` means none.
  text_file_sink(std::string prefix, std::string suffix);

  // The directory a batch is written to.
  std::string batch_dir(std::int64_t batch_ms) const;

  // Writes one batch (empty batches too), replacing a directory left for the same batch by an
  // earlier run. Throws std::runtime_error naming the path and the system error; a failed write
  // leaves no temporary directory behind.
  void write_batch(std::int64_t batch_ms, std::span<const word_count> records);

 private:
  std::string prefix_;
  std::string suffix_;
};

}  // namespace wcs
