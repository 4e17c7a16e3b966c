#pragma once
// The text the microbenchmarks run on: $WCS_BENCH_CORPUS (e.g. corpus/kjv.txt from
// scripts/make-corpus.sh), first 32 MB; without it, synthetic English-like text made here.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>

namespace wcs::bench {

inline const std::string& corpus() {
  static const std::string text = [] {
    std::string s;
    if (const char* path = std::getenv("WCS_BENCH_CORPUS")) {
      std::ifstream in(path, std::ios::binary);
      s.resize(32 << 20);
      in.read(s.data(), static_cast<std::streamsize>(s.size()));
      s.resize(static_cast<std::size_t>(in.gcount()));
      if (!s.empty()) return s;
    }
    static const char* words[] = {"the", "and", "of", "to", "a", "I", "it", "is", "this", "for", "guitar", "strings",
                                  "sound", "great", "cable.", "price", "amp", "pedal", "tone", "quality", "café", "don't"};
    std::mt19937_64 rng(1);
    while (s.size() < (16u << 20)) {
      const int n = 5 + static_cast<int>(rng() % 30);
      for (int i = 0; i < n; ++i) {
        const auto r = rng() % 1000;
        s += r < 800 ? words[r % 8] : words[8 + r % 14];
        s += ' ';
      }
      s += '\n';
    }
    return s;
  }();
  return text;
}

}  // namespace wcs::bench
