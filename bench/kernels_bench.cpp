// Microbenchmarks of the CPU path's pieces on realistic text (see corpus.hpp): tokenizer per SIMD
// implementation and the scalar reference, local aggregation, the parallel reduce, the merge into the
// dictionary and the count-table updates. Bytes/s and items/s are per benchmark.
#include <benchmark/benchmark.h>
#include <tbb/global_control.h>

#include <memory>
#include <unordered_map>

#include "bench/corpus.hpp"
#include "bench/textbook_count.hpp"
#include "host/backend/cpu_backend.hpp"
#include "host/tables/count_table.hpp"
#include "ingest/core/line_scanner.hpp"
#include "kernels/cpu/cpu_reduce.hpp"
#include "kernels/cpu/word_scan.hpp"

namespace wcs::bench {
namespace {

const std::uint8_t* text() { return reinterpret_cast<const std::uint8_t*>(corpus().data()); }

void set_throughput(benchmark::State& state, std::uint64_t words) {
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus().size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * words));
}

// Tokenizer alone: words found per second, per SIMD implementation.
void BM_tokenize(benchmark::State& state, const simd::implementation* impl) {
  std::uint64_t words = 0;
  for (auto _ : state) {
    words = 0;
    scan_words(*impl, text(), corpus().size(), [&](const std::uint8_t*, std::size_t, bool) { ++words; });
    benchmark::DoNotOptimize(words);
  }
  set_throughput(state, words);
}

// The sequential reference tokenizer (kernels/tokenize), the exact path for non-ASCII blocks.
void BM_tokenize_reference(benchmark::State& state) {
  std::uint64_t words = 0;
  for (auto _ : state) {
    words = 0;
    for_each_word(text(), corpus().size(), [&](const std::uint8_t*, std::size_t, bool) { ++words; });
    benchmark::DoNotOptimize(words);
  }
  set_throughput(state, words);
}
BENCHMARK(BM_tokenize_reference)->Unit(benchmark::kMillisecond);

void BM_line_scan(benchmark::State& state) {
  std::uint64_t lines = 0;
  for (auto _ : state) {
    line_scanner scanner;
    lines = scanner.scan(text(), corpus().size(), ~0ull).lines;
    benchmark::DoNotOptimize(lines);
  }
  set_throughput(state, lines);
}
BENCHMARK(BM_line_scan)->Unit(benchmark::kMillisecond);

// Tokenize + hashed local aggregation on one thread (the per-task hot loop).
void BM_local_aggregate(benchmark::State& state) {
  std::uint64_t words = 0;
  for (auto _ : state) {
    cpu_reducer reducer(simd::active(), corpus().size() + 1);  // one slice: one thread
    reducer.add({text(), corpus().size()});
    reducer.drain([](std::size_t, std::string_view, std::uint32_t&, std::uint64_t) {});
    words = reducer.drained_words();
  }
  set_throughput(state, words);
}
BENCHMARK(BM_local_aggregate)->Unit(benchmark::kMillisecond);

// The whole CPU backend on a batch: parallel reduce over N threads, then the merge into the dictionary.
void BM_backend_batch(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  cpu_backend backend;
  dictionary dict;
  batch_table out;
  std::uint64_t words = 0;
  for (auto _ : state) {
    backend.add_chunk({text(), corpus().size()});
    words = backend.finish_batch(dict, out);
  }
  set_throughput(state, words);
}
BENCHMARK(BM_backend_batch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// A stream's first batch: a fresh backend and dictionary each time, so every word is new to the
// worker tables (fresh memory, inserts) and to the dictionary. BM_backend_first_batch times the whole
// batch (BM_backend_batch is a later one), BM_merge_first_batch only its batch end. A dictionary that
// already knows every word is a stream restarted from a checkpoint.
struct first_batch_result {
  std::uint64_t words = 0;
  std::size_t distinct = 0;
};
enum class timed { whole_batch, batch_end };
enum class start_from { empty_dictionary, every_word_known };
first_batch_result run_first_batches(benchmark::State& state, timed part, start_from start = start_from::empty_dictionary) {
  const bool counting = part == timed::whole_batch;
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  dictionary known;
  if (start == start_from::every_word_known) {
    cpu_backend backend;
    batch_table out;
    backend.add_chunk({text(), corpus().size()});
    backend.finish_batch(known, out);
  }
  first_batch_result r;
  for (auto _ : state) {
    if (!counting) state.PauseTiming();
    auto backend = std::make_unique<cpu_backend>();
    auto dict = std::make_unique<dictionary>(known);
    batch_table out;
    backend->add_chunk({text(), corpus().size()});
    if (!counting) state.ResumeTiming();
    r.words = backend->finish_batch(*dict, out);
    r.distinct = out.size();
    state.PauseTiming();
    backend.reset();
    dict.reset();
    state.ResumeTiming();
  }
  return r;
}

void BM_backend_first_batch(benchmark::State& state) { set_throughput(state, run_first_batches(state, timed::whole_batch).words); }
BENCHMARK(BM_backend_first_batch)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same, fed in ring-buffer sized chunks (8 MiB, cut at a line end) as the engine does.
void BM_backend_chunks(benchmark::State& state) {
  tbb::global_control threads(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(state.range(0)));
  cpu_backend backend;
  dictionary dict;
  batch_table out;
  std::uint64_t words = 0;
  const std::string& c = corpus();
  for (auto _ : state) {
    for (std::size_t at = 0; at < c.size();) {
      std::size_t end = std::min(c.size(), at + (8u << 20));
      while (end < c.size() && c[end - 1] != '\n') --end;
      backend.add_chunk({text() + at, end - at});
      at = end;
    }
    words = backend.finish_batch(dict, out);
  }
  set_throughput(state, words);
}
BENCHMARK(BM_backend_chunks)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

// The merge alone: draining per-worker tables into the dictionary (distinct words per batch).
void BM_merge(benchmark::State& state) {
  cpu_backend backend;
  dictionary dict;
  batch_table out;
  for (auto _ : state) {
    state.PauseTiming();
    backend.add_chunk({text(), corpus().size()});
    state.ResumeTiming();
    backend.finish_batch(dict, out);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_merge)->Unit(benchmark::kMicrosecond);

// The same on a stream's first batch (see run_first_batches): every word is new to the dictionary,
// and with 2 threads each word sits in both worker tables (interned from one, looked up from the other).
void BM_merge_first_batch(benchmark::State& state) {
  const first_batch_result r = run_first_batches(state, timed::batch_end);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * r.distinct));
}
BENCHMARK(BM_merge_first_batch)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

// The batch end when the worker tables are new but the dictionary knows every word: a stream restored
// from a checkpoint, and on a smaller scale the words a worker meets for the first time in a later batch.
void BM_merge_known_words(benchmark::State& state) {
  const first_batch_result r = run_first_batches(state, timed::batch_end, start_from::every_word_known);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * r.distinct));
}
BENCHMARK(BM_merge_known_words)->Arg(1)->Arg(2)->Unit(benchmark::kMicrosecond)->UseRealTime();

// updateStateByKey / window step: count_table += batch, -= batch (keys/s).
void BM_table_update(benchmark::State& state) {
  batch_table table;
  host_entries& batch = table.edit_host();
  const auto keys = static_cast<std::uint32_t>(state.range(0));
  std::mt19937 rng(3);
  for (std::uint32_t i = 0; i < keys; ++i) {
    batch.ids.push_back(rng() % (keys * 4));
    batch.counts.push_back(1 + rng() % 100);
  }
  std::sort(batch.ids.begin(), batch.ids.end());
  batch.ids.erase(std::unique(batch.ids.begin(), batch.ids.end()), batch.ids.end());
  batch.counts.resize(batch.ids.size());
  auto counts = make_host_count_table();
  for (auto _ : state) {
    counts->apply(table, +1);
    counts->apply(table, -1);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch.size() * 2));
}
BENCHMARK(BM_table_update)->Arg(30000)->Arg(1000000)->Unit(benchmark::kMicrosecond);

// Baseline in the same run: the textbook implementation (std::unordered_map<std::string, count>).
void BM_baseline_unordered_map(benchmark::State& state) {
  std::uint64_t words = 0;
  for (auto _ : state) {
    std::unordered_map<std::string, std::uint64_t> counts;
    words = textbook_count(text(), corpus().size(), counts);
    benchmark::DoNotOptimize(counts);
  }
  set_throughput(state, words);
}
BENCHMARK(BM_baseline_unordered_map)->Unit(benchmark::kMillisecond);

const bool registered = [] {
  for (const auto& impl : simd::supported()) {
    benchmark::RegisterBenchmark(("BM_tokenize/" + std::string(impl.name)).c_str(), BM_tokenize, &impl)
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace wcs::bench

BENCHMARK_MAIN();
