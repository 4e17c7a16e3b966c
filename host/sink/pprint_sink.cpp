#include "host/sink/pprint_sink.hpp"

#include <algorithm>
#include <string_view>

#include "host/sink/batch_time.hpp"
#include "host/sink/py_repr.hpp"

namespace wcs {

void append_pprint(std::string& out, std::int64_t batch_ms, std::span<const word_count> records,
                   std::uint64_t total_records, std::size_t num) {
  constexpr std::string_view dashes = "-------------------------------------------\n";
  out += dashes;
  out += "Time: ";
  out += format_batch_time(batch_ms);
  out += '\n';
  out += dashes;
  for (const word_count& r : records.first(std::min(num, records.size()))) {
    append_py_tuple(out, r);
    out += '\n';
  }
  if (total_records > num) {
    out += "...\n";
  }
  out += '\n';
}

}  // namespace wcs
