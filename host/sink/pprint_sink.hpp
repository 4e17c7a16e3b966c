#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "host/sink/sink.hpp"
#include "host/sink/word_count.hpp"

namespace wcs {

// Appends what PySpark's DStream.pprint(num) prints for one batch: the dashed "Time:" header, the
// first min(num, records.size()) records as tuples, "..." when total_records > num, then an empty
// line. `records` is already in output order (count descending, then word by code point) and may
// hold just the top `num` of the batch's `total_records`.
void append_pprint(std::string& out, std::int64_t batch_ms, std::span<const word_count> records,
                   std::uint64_t total_records, std::size_t num);

// DStream.pprint(num) of every output, written to `out` (stdout) and flushed per output. `printed`, when
// set, is handed each output's printed records too: the live view shows them without ranking the table
// a second time.
class pprint_sink final : public sink {
 public:
  using records_observer = std::function<void(const view_output& out, std::span<const word_count> records)>;
  pprint_sink(std::FILE* out, std::size_t num, records_observer printed = {})
      : out_(out), num_(num), printed_(std::move(printed)) {}
  // Throws when the stream cannot be written: a closed stdout (`wcstream | head`) ends the run, as
  // Python's BrokenPipeError would, instead of counting on with nowhere to print.
  void write(const view_output& out) override;

 private:
  std::FILE* out_;
  std::size_t num_;
  records_observer printed_;
  std::vector<word_count> records_;
  std::string text_;
};

}  // namespace wcs
