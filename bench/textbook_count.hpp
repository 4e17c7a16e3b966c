#pragma once
// The baseline every benchmark compares against: the textbook word count (one thread, the sequential
// reference tokenizer, std::unordered_map<std::string, count>).
#include <cstdint>
#include <string>
#include <unordered_map>

#include "kernels/tokenize/tokenize.hpp"

namespace wcs::bench {

// Counts the words of p[0, n) into `counts`; returns how many there were.
inline std::uint64_t textbook_count(const std::uint8_t* p, std::size_t n, std::unordered_map<std::string, std::uint64_t>& counts) {
  std::uint64_t words = 0;
  for_each_word(p, n, [&](const std::uint8_t* w, std::size_t length, bool) {
    ++counts[std::string(reinterpret_cast<const char*>(w), length)];
    ++words;
  });
  return words;
}

}  // namespace wcs::bench
