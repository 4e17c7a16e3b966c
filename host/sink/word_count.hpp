#pragma once
#include <cstdint>
#include <string_view>

namespace wcs {

// One output record. `word` is valid UTF-8 (malformed input bytes were already replaced with U+FFFD)
// and points into storage owned by whoever produced the record.
struct word_count {
  std::string_view word;
  std::uint64_t count;
};

}  // namespace wcs
