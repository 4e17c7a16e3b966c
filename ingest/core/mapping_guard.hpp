#pragma once
// A file mapping whose pages can vanish: when the file shrinks while mapped (a log truncated in place,
// say) or a page cannot be read from disk, touching such a page raises SIGBUS, which would kill the
// process with no message. While a guard is registered for a mapping, that SIGBUS instead maps zeros
// over the rest of the mapping and records where; the reader asks failed_at() and reports an error
// rather than count the zeros. A SIGBUS anywhere else goes to the handler installed before ours.
#include <cstddef>
#include <cstdint>
#include <optional>

namespace wcs {

class mapping_guard {
 public:
  mapping_guard(const std::uint8_t* begin, std::size_t bytes);  // throws when too many guards are registered
  ~mapping_guard();
  mapping_guard(const mapping_guard&) = delete;
  mapping_guard& operator=(const mapping_guard&) = delete;

  // The offset of the first page that could not be read (bytes from there on read as zeros), if any.
  std::optional<std::size_t> failed_at() const;

 private:
  std::size_t slot_;
};

}  // namespace wcs
