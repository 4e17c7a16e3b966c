// Reads UTF-8 words, one per line, from stdin and prints str((word, 1)) for each, one per line.
#include <cstdio>
#include <iostream>
#include <string>

#include "host/sink/py_repr.hpp"

int main() {
  std::ios::sync_with_stdio(false);
  std::string line;
  std::string out;
  while (std::getline(std::cin, line)) {
    wcs::append_py_tuple(out, wcs::word_count{line, 1});
    out += '\n';
  }
  std::fwrite(out.data(), 1, out.size(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
