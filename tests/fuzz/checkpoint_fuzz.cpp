// Fuzz target: the checkpoint reader (host/checkpoint/checkpoint_format.*). A corrupt file must give a
// checkpoint_error, never a crash, an over-read or a huge allocation. Each input is read twice: as
// it is (which the checksum almost always rejects) and with its header's length and its checksum
// made right, so mutations reach the parser behind them. A file that decodes must hold only ids
// inside its dictionary.
#include <xxhash.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "host/checkpoint/checkpoint_format.hpp"

namespace {

constexpr std::size_t header_bytes = 24, trailer_bytes = 8;  // see checkpoint_format.hpp

void decode(const std::string& bytes) {
  try {
    const wcs::checkpoint_state s = wcs::decode_checkpoint(bytes);
    const std::size_t words = s.words.size();
    bool ok = s.totals.counts.size() <= words && s.totals.touched.size() == s.totals.counts.size() &&
              s.sums.counts.size() <= words && s.sums.touched.size() == s.sums.counts.size();
    for (const auto& b : s.retained) {
      for (const std::uint32_t id : b.host().ids) ok = ok && id < words;
    }
    if (!ok) {
      std::fprintf(stderr, "checkpoint_fuzz: a decoded checkpoint holds ids outside its dictionary\n");
      std::abort();
    }
  } catch (const wcs::checkpoint_error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  decode(bytes);
  if (bytes.size() < header_bytes + trailer_bytes) return 0;
  const std::uint64_t payload = bytes.size() - header_bytes - trailer_bytes;
  std::memcpy(bytes.data() + 16, &payload, sizeof payload);
  const std::uint64_t sum = XXH3_64bits(bytes.data(), bytes.size() - trailer_bytes);
  std::memcpy(bytes.data() + bytes.size() - trailer_bytes, &sum, sizeof sum);
  decode(bytes);
  return 0;
}
