#include "host/sink/pprint_sink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "host/sink/batch_time.hpp"
#include "host/sink/py_repr.hpp"
#include "host/sink/record_order.hpp"

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

void pprint_sink::write(const view_output& out) {
  // Only the first `num` records are shown: a word is looked up only when it could be one of them.
  top_records(out.records.top(num_), [&](std::uint32_t id) { return out.words.word(id); }, num_, records_);
  text_.clear();
  append_pprint(text_, out.batch_ms, records_, out.records.size(), num_);
  if (std::fwrite(text_.data(), 1, text_.size(), out_) != text_.size() || std::fflush(out_) != 0) {
    throw std::runtime_error(fmt::format("cannot write the output: {}", std::strerror(errno)));
  }
  if (printed_) printed_(out, records_);
}

}  // namespace wcs
