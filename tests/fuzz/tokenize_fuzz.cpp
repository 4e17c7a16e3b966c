// Fuzz target: the CPU tokenizer of every instruction set this CPU supports, and the reduceByKey built
// on it, against the reference tokenizer (for_each_word, Python's str.split() over JDK-decoded UTF-8)
// and the per-byte form the CUDA kernels use. Any difference aborts.
//
// Input: the text itself. Its first byte also picks the reducer's slice size (64..319 bytes), so
// slice edges fall everywhere without a second input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "kernels/cpu/cpu_reduce.hpp"
#include "tests/kernels/word_lists.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view isa) {
  std::fprintf(stderr, "tokenize_fuzz: %s differs from the reference (%.*s)\n", what, static_cast<int>(isa.size()), isa.data());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wcs;
  // An exact-size copy: any read past the text is a heap overflow ASan reports.
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> want = test::words_sequential(text);
  if (test::words_per_byte(text) != want) fail("per-byte (CUDA) form", "none");
  std::map<std::string, std::uint64_t> want_counts;
  for (const auto& w : want) ++want_counts[w];

  const std::size_t slice = 64 + (size == 0 ? 0 : data[0]);
  for (const auto& impl : simd::supported()) {
    if (test::words_simd(impl, text) != want) fail("scan_words", impl.name);
    cpu_reducer reducer(impl, slice);
    reducer.add({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
    std::map<std::string, std::uint64_t> got;
    reducer.drain([&](std::size_t, std::string_view w, std::uint32_t&, std::uint64_t c) { got[std::string(w)] += c; });
    if (got != want_counts || reducer.drained_words() != want.size()) fail("cpu_reducer counts", impl.name);
  }
  return 0;
}
