// wcs-checkpoint-dump DIR: prints the newest valid checkpoint of DIR for the scripted tests:
//   zero_ms <ms>
//   last_batch_ms <ms>
//   <word>\t<total>   (stateful mode: one line per word with a total)
// Exits 1 with one line on stderr when DIR holds no valid checkpoint, 3 when it holds none at all.
#include <cstdio>
#include <exception>

#include "host/checkpoint/checkpoint_store.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: wcs-checkpoint-dump DIR\n");
    return 2;
  }
  try {
    wcs::checkpoint_store store(argv[1]);
    auto s = store.load();
    if (!s) return 3;
    std::printf("zero_ms %lld\nlast_batch_ms %lld\n", static_cast<long long>(s->meta.zero_ms),
                static_cast<long long>(s->meta.last_batch_ms));
    for (std::size_t id = 0; id < s->totals.counts.size(); ++id) {
      if (s->totals.counts[id] == 0) continue;
      const auto w = s->words.word(static_cast<wcs::dictionary::id_type>(id));
      std::printf("%.*s\t%llu\n", static_cast<int>(w.size()), w.data(), static_cast<unsigned long long>(s->totals.counts[id]));
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wcs-checkpoint-dump: error: %s\n", e.what());
    return 1;
  }
}
