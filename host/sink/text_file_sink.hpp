#pragma once
#include <cstdint>
#include <span>
#include <string>

#include <vector>

#include "host/sink/sink.hpp"
#include "host/sink/word_count.hpp"

namespace wcs {

// Spark's DStream.saveAsTextFiles(prefix, suffix) after coalesce(1): one directory per batch and view,
// PREFIX-<batch ms>, or PREFIX-<batch ms>.<mode> when several modes share the prefix, holding
// part-00000 (every record in order, one str(record) per line) and an empty _SUCCESS. Each directory
// appears atomically, fully written and fsynced.
class text_file_sink final : public sink {
 public:
  // `prefix` may name directories ("out/wc"); missing ones are created.
  text_file_sink(std::string prefix, bool suffix_by_mode);

  // The directory a batch of view `m` is written to.
  std::string batch_dir(std::int64_t batch_ms, mode m) const;

  void write(const view_output& out) override;

  // Writes one batch (empty batches too), replacing a directory left for the same batch by an
  // earlier run. Throws std::runtime_error naming the path and the system error; a failed write
  // leaves no temporary directory behind.
  void write_batch(std::int64_t batch_ms, mode m, std::span<const word_count> records);

 private:
  std::string prefix_;
  bool suffix_by_mode_;
  std::vector<word_count> records_;
};

}  // namespace wcs
