// Fuzz target: the CPU tokenizer of every instruction set this CPU supports, and the reduceByKey built
// on it, against the reference tokenizer (for_each_word, Python's str.split() over JDK-decoded UTF-8)
// and the per-byte form the CUDA kernels use. Any difference aborts.
//
// Input: the text itself; its first byte also picks the reducer below. One worker thread: the slices
// are what is tested here, and waking TBB workers for each small input would cost most of the run.
#include <tbb/global_control.h>

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
  static const tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
  // An exact-size copy: any read past the text is a heap overflow ASan reports.
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string> want = test::words_sequential(text);
  if (test::words_per_byte(text) != want) fail("per-byte (CUDA) form", "none");
  std::map<std::string, std::uint64_t> want_counts;
  for (const auto& w : want) ++want_counts[w];

  const auto isas = simd::supported();
  for (const auto& impl : isas) {
    if (test::words_simd(impl, text) != want) fail("scan_words", impl.name);
  }

  // The reducer of one instruction set per input (a drain walks the whole table, the slowest step
  // here), picked by the first byte, as is its slice size. Reducers are built once (a new one maps a
  // huge-page table) and cleared after each input, so no result depends on the inputs before it.
  static std::map<std::pair<std::size_t, std::size_t>, cpu_reducer> reducers;
  const std::uint8_t pick = size == 0 ? 0 : data[0];
  const std::size_t isa = pick / 4 % isas.size(), slice = 64 + 64 * (pick % 4);
  cpu_reducer& reducer = reducers.try_emplace({isa, slice}, isas[isa], slice).first->second;
  const std::uint64_t before = reducer.drained_words();
  reducer.add({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
  std::map<std::string, std::uint64_t> got;
  reducer.drain([&](std::size_t, std::string_view w, std::uint32_t&, std::uint64_t c) { got[std::string(w)] += c; });
  reducer.clear();
  if (got != want_counts || reducer.drained_words() - before != want.size()) fail("cpu_reducer counts", isas[isa].name);
  return 0;
}
