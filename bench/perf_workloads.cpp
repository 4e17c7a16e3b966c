// The fixed workloads of the instruction-count gate (scripts/perf-gate.sh), one per run:
//   wcs-perf-workloads corpus FILE         writes the gate's corpus (deterministic) to FILE
//   wcs-perf-workloads WORKLOAD FILE       runs WORKLOAD on FILE under Callgrind's client requests
// The gate runs the second form under `valgrind --tool=callgrind --instr-atstart=no`: only the work
// between CALLGRIND_START_INSTRUMENTATION and CALLGRIND_STOP_INSTRUMENTATION is counted, not reading
// the corpus or building the inputs. One thread (no TBB worker spins), and the instruction set comes
// from WCS_SIMD, so a count repeats from run to run and machine to machine.
#include <tbb/global_control.h>
#include <valgrind/callgrind.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/backend/cpu_backend.hpp"
#include "host/engine/state_view.hpp"
#include "host/engine/window_view.hpp"
#include "kernels/cpu/cpu_reduce.hpp"
#include "kernels/cpu/word_scan.hpp"

namespace wcs::bench {
namespace {

// About 4 MB of English-like lines: a skewed pick over a 60,000-word vocabulary (a few hundred
// frequent words, a long tail of generated ones, some non-ASCII ones that take the exact path), lines
// of 1 to 40 words, an occasional no-break space (Python whitespace outside ASCII). Only raw
// std::mt19937_64 output is used: its sequence is fixed by the standard, distributions are not.
std::string make_corpus() {
  static const char* common[] = {"the", "and", "I", "a", "to", "it", "is", "this", "for", "of", "my", "with",
                                 "that", "in", "on", "you", "was", "but", "not", "great", "sound", "guitar"};
  static const char* non_ascii[] = {"café", "naïve", "Привет", "μουσική", "日本語", "🎸", "déjà", "über"};
  std::mt19937_64 rng(26);
  std::vector<std::string> vocabulary;
  for (const char* w : common) vocabulary.emplace_back(w);
  for (const char* w : non_ascii) vocabulary.emplace_back(w);
  while (vocabulary.size() < 60000) {
    std::string w;
    const int letters = 2 + static_cast<int>(rng() % 10);
    for (int i = 0; i < letters; ++i) w += static_cast<char>('a' + rng() % 26);
    vocabulary.push_back(std::move(w));
  }
  std::string text;
  while (text.size() < (4u << 20)) {
    const int words = 1 + static_cast<int>(rng() % 40);
    for (int i = 0; i < words; ++i) {
      // Uniform below a uniform bound: word k is picked about log(n/k) times as often as the last.
      const std::uint64_t bound = 1 + rng() % (rng() % 8 == 0 ? vocabulary.size() : 400);
      if (i > 0) text += rng() % 500 == 0 ? "\u00a0" : " ";
      text += vocabulary[rng() % bound];
    }
    text += '\n';
  }
  return text;
}

std::string read_file(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(std::string("cannot read ") + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::span<const std::uint8_t> bytes(const std::string& s) { return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}; }

// The corpus cut into `parts` batches of whole lines.
std::vector<std::span<const std::uint8_t>> batches(const std::string& text, std::size_t parts) {
  std::vector<std::span<const std::uint8_t>> out;
  std::size_t at = 0;
  for (std::size_t i = 1; i <= parts; ++i) {
    std::size_t end = i == parts ? text.size() : text.find('\n', text.size() * i / parts) + 1;
    out.push_back(bytes(text).subspan(at, end - at));
    at = end;
  }
  return out;
}

// Runs fn with Callgrind counting (a no-op outside Valgrind).
template <class Fn>
void counted(Fn&& fn) {
  CALLGRIND_START_INSTRUMENTATION;
  fn();
  CALLGRIND_STOP_INSTRUMENTATION;
}

// The tokenizer alone (the active SIMD kernel) over the corpus.
std::uint64_t tokenize(const std::string& text) {
  std::uint64_t words = 0;
  counted([&] { scan_words(simd::active(), bytes(text).data(), text.size(), [&](const std::uint8_t*, std::size_t, bool) { ++words; }); });
  return words;
}

// Tokenize + count into the worker's local table, one slice (the per-task hot loop).
std::uint64_t local_aggregate(const std::string& text) {
  cpu_reducer reducer(simd::active(), text.size() + 1);
  counted([&] { reducer.add(bytes(text)); });
  return reducer.held().words;
}

// The batch end of a stream's first batch: every word new to the dictionary.
std::uint64_t merge_first_batch(const std::string& text) {
  cpu_backend backend;
  dictionary dict;
  batch_table out;
  backend.add_chunk(bytes(text));
  std::uint64_t words = 0;
  counted([&] { words = backend.finish_batch(dict, out); });
  return words + out.size();
}

// The batch end of a later batch: the worker table and the dictionary know every word.
std::uint64_t merge_later_batch(const std::string& text) {
  cpu_backend backend;
  dictionary dict;
  batch_table out;
  backend.add_chunk(bytes(text));
  backend.finish_batch(dict, out);
  backend.add_chunk(bytes(text));
  std::uint64_t words = 0;
  counted([&] { words = backend.finish_batch(dict, out); });
  return words + out.size();
}

// The corpus as 16 batch tables, as the backend makes them.
std::vector<batch_table> batch_tables(const std::string& text, std::int64_t batch_ms) {
  cpu_backend backend;
  dictionary dict;
  std::vector<batch_table> tables;
  for (const auto& part : batches(text, 16)) {
    backend.add_chunk(part);
    tables.emplace_back();
    backend.finish_batch(dict, tables.back());
    tables.back().batch_ms = batch_ms * static_cast<std::int64_t>(tables.size());
  }
  return tables;
}

// Applies every batch to `v` and collects each output it announces.
std::uint64_t run_view(view& v, const std::vector<batch_table>& tables) {
  std::uint64_t records = 0;
  batch_table scratch;
  counted([&] {
    for (const batch_table& b : tables) {
      if (v.apply(b)) records += v.output(scratch).size();
    }
  });
  return records;
}

// updateStateByKey over 16 batches, its whole state output at each.
std::uint64_t state_update(const std::string& text) {
  const auto tables = batch_tables(text, 1000);
  state_view v(make_host_count_table());
  return run_view(v, tables);
}

// A 4-batch window sliding every 2 batches with the inverse, over 16 batches.
std::uint64_t window_update(const std::string& text) {
  window_spec spec;
  spec.clock = batch_clock{1000, 0};
  spec.window_ms = 4000;
  spec.slide_ms = 2000;
  const auto tables = batch_tables(text, spec.clock.batch_ms);
  window_view v(make_host_count_table(), spec);
  return run_view(v, tables);
}

int run(int argc, char** argv) {
  const std::map<std::string, std::function<std::uint64_t(const std::string&)>> workloads = {
      {"tokenize", tokenize},           {"local_aggregate", local_aggregate}, {"merge_first_batch", merge_first_batch},
      {"merge_later_batch", merge_later_batch}, {"state_update", state_update}, {"window_update", window_update}};
  const std::string what = argc == 3 ? argv[1] : "";
  if (what == "corpus") {
    std::ofstream(argv[2], std::ios::binary) << make_corpus();
    return 0;
  }
  const auto it = workloads.find(what);
  if (it == workloads.end()) {
    std::fprintf(stderr, "usage: wcs-perf-workloads corpus|tokenize|local_aggregate|merge_first_batch|merge_later_batch|"
                         "state_update|window_update FILE\n");
    return 2;
  }
  tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
  const std::string text = read_file(argv[2]);
  // The result, printed so the work is used; the gate ignores it.
  std::printf("%s %s: %llu\n", what.c_str(), std::string(simd::active().name).c_str(), static_cast<unsigned long long>(it->second(text)));
  return 0;
}

}  // namespace
}  // namespace wcs::bench

int main(int argc, char** argv) {
  try {
    return wcs::bench::run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wcs-perf-workloads: %s\n", e.what());
    return 1;
  }
}
