#pragma once
#include <string>
#include <string_view>

#include "host/sink/word_count.hpp"

namespace wcs {

// Python 3.11's str.isprintable() for one code point (Unicode 14 tables).
bool py_isprintable(char32_t cp) noexcept;

// Appends Python 3's repr(str) of a valid UTF-8 word, e.g. 'don' + "'" + 't' -> "don't".
void append_py_repr(std::string& out, std::string_view utf8_word);

// Appends str((word, count)) as Python prints a tuple: ('word', 3).
void append_py_tuple(std::string& out, const word_count& r);

}  // namespace wcs
