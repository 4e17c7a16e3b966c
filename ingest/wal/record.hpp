#pragma once
// The write-ahead log's records (docs/reliability.md). A segment file is the magic "wcswal2\n", then
// records, little-endian:
//   u32 payload bytes, u8 kind, u8[3] zero, payload, u64 checksum: the XXH3-64 of the payload's XXH3-64
//   seeded with the first 8 bytes (so a torn or flipped length or kind fails the check as a torn
//   payload does, and the payload's hash can be taken as its bytes arrive, while they are in cache).
// Payloads:
//   segment         i64 first batch ms, i64 batch interval ms, u32 flags, u32 zero, carried bytes: the
//                   bytes logged before this segment that belong to its first batch (the open line)
//   data            received bytes: the reads held since the last write
//   connection_end  (empty) the connection closed: its unterminated last line is complete
//   batch_end       i64 batch ms: the batch closed here (in by-line batching, where its line limit fell
//                   inside the data before)
//   padding         (ignored) fills the gap that puts the next data record's payload at a file offset
//                   where it can be written straight from the receiver's buffer (O_DIRECT alignment)
#include <cstdint>
#include <memory>
#include <span>
#include <string>

struct XXH3_state_s;

namespace wcs::wal {

inline constexpr char segment_magic[] = "wcswal2\n";
inline constexpr std::size_t magic_bytes = 8;
inline constexpr std::size_t record_header_bytes = 8;
inline constexpr std::size_t record_trailer_bytes = 8;
// Larger lengths are corruption: a data record holds about 2 MiB at most, a segment record one ring buffer.
inline constexpr std::uint32_t max_payload_bytes = 1u << 31;

enum class kind : std::uint8_t { segment = 1, data = 2, connection_end = 3, batch_end = 4, padding = 5 };

enum segment_flags : std::uint32_t {
  after_cr = 1,  // the byte before the carried bytes was a '\r' (a '\n' first ends no new line)
  restart = 2,   // the engine restarted: the connection before was cut, its unterminated line is lost
};

struct segment_header {
  std::int64_t first_batch_ms = 0;
  std::int64_t interval_ms = 0;
  std::uint32_t flags = 0;
};

// The bytes of a record around its payload.
struct record_frame {
  std::uint8_t header[record_header_bytes];
  std::uint8_t trailer[record_trailer_bytes];
};
std::uint64_t payload_hash(std::span<const std::uint8_t> payload);
std::uint64_t record_checksum(std::span<const std::uint8_t, record_header_bytes> header, std::uint64_t payload_hash);
record_frame frame_record(kind k, std::size_t payload_bytes, std::uint64_t payload_hash);
record_frame frame_record(kind k, std::span<const std::uint8_t> payload);

// payload_hash() of a payload that arrives in parts.
class payload_hasher {
 public:
  payload_hasher();
  void reset();
  void add(std::span<const std::uint8_t> part);
  std::uint64_t hash() const;

 private:
  struct free_state {
    void operator()(XXH3_state_s* s) const;
  };
  std::unique_ptr<XXH3_state_s, free_state> state_;
};

// Encodes a whole record (header, payload, trailer) onto `out`.
void append_record(std::string& out, kind k, std::span<const std::uint8_t> payload);
std::string segment_payload(const segment_header& h, std::span<const std::uint8_t> carried);

struct record {
  kind what = kind::data;
  std::span<const std::uint8_t> payload;
};

enum class parse_status { ok, incomplete, corrupt };

struct parse_result {
  parse_status status = parse_status::incomplete;
  record rec{};
  std::size_t bytes = 0;  // the whole record's size when ok
  std::string why;        // when corrupt
};

// Parses the record at the start of `bytes`: incomplete when they end inside it (a torn tail, or more
// must be read), corrupt when its length, kind, payload or checksum is invalid.
parse_result parse_record(std::span<const std::uint8_t> bytes);

// Decodes a segment record's payload; false when malformed. `carried` points into it.
bool decode_segment(std::span<const std::uint8_t> payload, segment_header& h, std::span<const std::uint8_t>& carried);
// Decodes a batch_end payload; false when malformed.
bool decode_batch_end(std::span<const std::uint8_t> payload, std::int64_t& batch_ms);

}  // namespace wcs::wal
