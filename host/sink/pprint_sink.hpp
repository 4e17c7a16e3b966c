#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "host/sink/word_count.hpp"

namespace wcs {

// Appends what PySpark's DStream.pprint(num) prints for one batch: the dashed "Time:" header, the
// first min(num, records.size()) records as tuples, "..." when total_records > num, then an empty
// line. `records` is already in output order (count descending, then word by code point) and may
// hold just the top `num` of the batch's `total_records`.
void append_pprint(std::string& out, std::int64_t batch_ms, std::span<const word_count> records,
                   std::uint64_t total_records, std::size_t num);

}  // namespace wcs
