// wcs-reference-count FILE: the baseline the throughput tool compares against: the textbook word
// count (one thread, the sequential reference tokenizer, std::unordered_map<std::string, count>).
// Prints "<lines> <words> <distinct>".
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <unordered_map>

#include "bench/textbook_count.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: wcs-reference-count FILE\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "wcs-reference-count: cannot read %s\n", argv[1]);
    return 1;
  }
  std::unordered_map<std::string, std::uint64_t> counts;
  std::uint64_t words = 0, lines = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++lines;
    words += wcs::bench::textbook_count(reinterpret_cast<const std::uint8_t*>(line.data()), line.size(), counts);
  }
  std::printf("%llu %llu %zu\n", static_cast<unsigned long long>(lines), static_cast<unsigned long long>(words), counts.size());
  return 0;
}
