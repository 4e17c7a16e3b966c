#pragma once
// Test helpers: the words of a buffer, as each tokenizer form produces them (repaired keys).
#include <string>
#include <vector>

#include "kernels/cpu/simd_dispatch.hpp"
#include "kernels/cpu/word_scan.hpp"
#include "kernels/tokenize/tokenize.hpp"

namespace wcs::test {

inline std::string key_of(const std::uint8_t* w, std::size_t n, bool malformed) {
  if (!malformed) return std::string(reinterpret_cast<const char*>(w), n);
  std::string out(repaired_length(w, n), '\0');
  repair_word(w, n, reinterpret_cast<std::uint8_t*>(out.data()));
  return out;
}

inline std::vector<std::string> words_sequential(const std::string& s) {
  std::vector<std::string> out;
  for_each_word(reinterpret_cast<const std::uint8_t*>(s.data()), s.size(),
                [&](const std::uint8_t* w, std::size_t n, bool bad) { out.push_back(key_of(w, n, bad)); });
  return out;
}

inline std::vector<std::string> words_simd(const simd::implementation& impl, const std::string& s) {
  std::vector<std::string> out;
  scan_words(impl, reinterpret_cast<const std::uint8_t*>(s.data()), s.size(),
             [&](const std::uint8_t* w, std::size_t n, bool bad) { out.push_back(key_of(w, n, bad)); });
  return out;
}

// The GPU form: every byte decides on its own whether it is whitespace / malformed.
inline std::vector<std::string> words_per_byte(const std::string& s) {
  const auto* p = reinterpret_cast<const std::uint8_t*>(s.data());
  const std::size_t n = s.size();
  std::vector<std::string> out;
  std::size_t start = 0;
  bool in_word = false;
  bool bad = false;
  for (std::size_t i = 0; i <= n; ++i) {
    const byte_class b = i == n ? byte_class{true, false} : classify_byte(p, n, i);
    const bool space = b.space;
    if (!space && !in_word) {
      in_word = true;
      start = i;
      bad = false;
    }
    if (!space) bad = bad || b.malformed;
    if (space && in_word) {
      out.push_back(key_of(p + start, i - start, bad));
      in_word = false;
    }
  }
  return out;
}

}  // namespace wcs::test
